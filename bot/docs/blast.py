"""The blast radius lines of the postmortem's Impact section.

The service graph is built from the catalogue, compose files and Kubernetes manifests
named in warroom.yaml. Without a warroom.yaml there is no system to read, so the
section explains how to describe one instead of guessing from the working folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.config import WarroomConfig
from bot.investigate import (
    BlastRadius,
    InvestigationError,
    blast_radius,
    load_service_graph,
    resolve_sources,
)

NO_SYSTEM = (
    "No service graph: describe the services in warroom.yaml (services, "
    "investigation) to see who depends on them"
)


def blast_context(
    config: WarroomConfig, config_path: Path | None, services: Sequence[str]
) -> dict[str, Any]:
    """Return one line per affected service: its dependents and dependencies."""
    if not services:
        return {"blast": [], "blast_note": ""}
    if config_path is None and not config.services:
        return {"blast": [], "blast_note": NO_SYSTEM}
    try:
        graph = load_service_graph(config, resolve_sources(config, config_path))
    except InvestigationError as error:
        return {"blast": [], "blast_note": f"No service graph: {error}"}
    lines = []
    for service in services:
        if service not in graph.services:
            lines.append(f"{service}: not in the service graph")
            continue
        lines.append(describe(blast_radius(graph, service)))
    return {"blast": lines, "blast_note": ""}


def describe(radius: BlastRadius) -> str:
    """Describe a blast radius in one line, nearest services first."""

    def named(pairs: Sequence[tuple[str, int]]) -> str:
        return ", ".join(f"{name} ({distance})" for name, distance in pairs)

    parts = [
        f"depended on by {named(radius.dependents)}"
        if radius.dependents
        else "nothing depends on it",
    ]
    if radius.dependencies:
        parts.append(f"depends on {named(radius.dependencies)}")
    hosts = sorted({external.host for external in radius.externals})
    if hosts:
        parts.append(f"calls external {', '.join(hosts)}")
    return f"{radius.failing}: " + "; ".join(parts)
