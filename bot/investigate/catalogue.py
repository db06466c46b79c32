"""The services catalogue of warroom.yaml: the most trusted discovery source."""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import Service
from bot.investigate.graph import Discovery, Edge, Evidence


def read_catalogue(services: Sequence[Service], location: str) -> Discovery:
    """Turn catalogue entries into services, paths and `depends_on` edges.

    `location` names the configuration file in the evidence.
    """
    edges = tuple(
        Edge(
            service.name,
            dependency,
            (Evidence("catalogue", location, f"depends_on: {dependency}"),),
        )
        for service in services
        for dependency in service.depends_on
    )
    return Discovery(
        services=tuple(service.name for service in services),
        paths={s.name: s.paths for s in services if s.paths},
        edges=edges,
    )
