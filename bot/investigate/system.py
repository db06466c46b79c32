"""Entry points that read the configured sources: graph, changes and runbooks.

Relative paths in warroom.yaml are read from the folder of warroom.yaml; compose
and Kubernetes paths from the system checkout (`investigation.repository`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.config import WarroomConfig
from bot.investigate.catalogue import read_catalogue
from bot.investigate.changes import ChangeQuery, ChangeReport, ServicePaths
from bot.investigate.changes import find_changes as find_changes_in
from bot.investigate.compose import default_compose_files, read_compose
from bot.investigate.errors import InvestigationError
from bot.investigate.graph import Discovery, ServiceGraph, merge_discoveries
from bot.investigate.kubernetes import read_kubernetes
from bot.investigate.runbooks import RunbookScan, find_runbooks


@dataclass(frozen=True)
class Sources:
    """Resolved folders: `base` for warroom.yaml paths, `repository` for the system."""

    base: Path
    repository: Path
    config_file: str  # how evidence names warroom.yaml


def resolve_sources(
    config: WarroomConfig, config_path: Path | None, repository: Path | None = None
) -> Sources:
    """Resolve the folders to read; `repository` overrides investigation.repository."""
    base = config_path.parent if config_path is not None else Path.cwd()
    if repository is None:
        configured = config.investigation.repository
        repository = base / configured if configured else base
    if not repository.is_dir():
        raise InvestigationError(
            f"The system checkout {repository} is not a folder. Set "
            "investigation.repository in warroom.yaml (or pass --repo on the "
            "command line)."
        )
    name = config_path.name if config_path is not None else "warroom.yaml"
    return Sources(base=base, repository=repository, config_file=name)


def load_service_graph(config: WarroomConfig, sources: Sources) -> ServiceGraph:
    """Build the graph from the catalogue, compose files and Kubernetes manifests.

    The catalogue is trusted most, so its names win over those found in files.
    """
    investigation = config.investigation
    discoveries: list[Discovery] = [
        read_catalogue(config.services, sources.config_file)
    ]
    root = sources.repository
    compose_files = tuple(root / name for name in investigation.compose_files)
    for path in compose_files:
        if not path.is_file():
            raise InvestigationError(
                f"The compose file {path} does not exist. Fix "
                "investigation.compose_files in warroom.yaml."
            )
    discoveries.append(read_compose(compose_files or default_compose_files(root), root))
    if investigation.kubernetes:
        paths = [root / path for path in investigation.kubernetes]
        discoveries.append(read_kubernetes(paths, root))
    return merge_discoveries(discoveries)


def suspects(graph: ServiceGraph, services: Sequence[str]) -> tuple[str, ...]:
    """Return `services` and their direct dependencies, in that order, once each."""
    found = dict.fromkeys(services)
    for service in services:
        found.update(dict.fromkeys(graph.dependencies_of(service)))
    return tuple(found)


def service_paths(
    config: WarroomConfig,
    sources: Sources,
    graph: ServiceGraph,
    services: Sequence[str],
) -> tuple[ServicePaths, ...]:
    """Return where each service's code lives: repository and paths inside it.

    Catalogue entries give both; other services use the paths of their compose
    build context inside the system checkout.
    """
    catalogue = {service.name: service for service in config.services}
    targets = []
    for name in services:
        entry = catalogue.get(name)
        repository = sources.repository
        if entry is not None and entry.repository and entry.paths:
            repository = sources.base / entry.repository
        paths = entry.paths if entry is not None and entry.paths else ()
        targets.append(
            ServicePaths(name, repository, paths or graph.paths.get(name, ()))
        )
    return tuple(targets)


def find_changes(
    config: WarroomConfig,
    sources: Sources,
    graph: ServiceGraph,
    services: Sequence[str],
    *,
    impact_start: datetime,
    until: datetime,
    since: datetime | None = None,
    failing: str | None = None,
) -> ChangeReport:
    """List recent commits to `services` and their direct dependencies.

    The window is [since, until]; `since` defaults to the impact start minus
    investigation.lookback. `failing` defaults to the first of `services`.
    """
    investigation = config.investigation
    targets = service_paths(config, sources, graph, suspects(graph, services))
    query = ChangeQuery(
        since=since if since is not None else impact_start - investigation.lookback,
        until=until,
        impact_start=impact_start,
        failing=failing or (services[0] if services else None),
        date_field=investigation.change_date,
        deploy_tag_pattern=investigation.deploy_tag_pattern,
    )
    return find_changes_in(targets, query)


def load_runbooks(
    config: WarroomConfig, sources: Sources, docs_repo: Path | None
) -> RunbookScan:
    """Read the runbooks of the docs repository, the system and catalogue checkouts."""
    roots = [docs_repo] if docs_repo is not None else []
    roots.append(sources.repository)
    roots.extend(
        sources.base / service.repository
        for service in config.services
        if service.repository
    )
    unique = list(dict.fromkeys(root.resolve() for root in roots))
    return find_runbooks(unique, config.investigation.runbook_dirs)
