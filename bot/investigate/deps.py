"""Compare the dependencies the catalogue declares with those found elsewhere.

Three sources can show that a dependency exists: compose files, Kubernetes
manifests and Istio configuration (the discovered edges of the service graph), and
incidents. An incident confirms the edges on the shortest graph path between two
of its affected services, because a failure that spread from one to the other most
likely travelled along that path.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.config import Service
from bot.investigate.graph import Edge, ServiceGraph

CATALOGUE = "catalogue"


@dataclass(frozen=True)
class TracedIncident:
    """The services one incident affected, as stored."""

    reference: str  # e.g. "INC-7"
    services: tuple[str, ...]


@dataclass(frozen=True)
class MissingService:
    """A service that manifests or incidents name but the catalogue lacks."""

    name: str
    seen_in: tuple[str, ...]  # source kinds ("compose", "kubernetes") or incidents


@dataclass(frozen=True)
class DependencyCheck:
    declared_unseen: tuple[Edge, ...]  # in the catalogue only
    undeclared: tuple[Edge, ...]  # discovered, but not in the catalogue
    missing_services: tuple[MissingService, ...]
    # (source, target) → the incidents whose affected services confirm the edge
    confirmed: Mapping[tuple[str, str], tuple[str, ...]]

    @property
    def agrees(self) -> bool:
        return not (self.declared_unseen or self.undeclared or self.missing_services)


def check_dependencies(
    graph: ServiceGraph,
    catalogue: Sequence[Service],
    incidents: Sequence[TracedIncident] = (),
) -> DependencyCheck:
    """Compare the catalogue's `depends_on` edges with manifests and incidents."""
    declared = [edge for edge in graph.edges if _declared(edge)]
    discovered = {(e.source, e.target) for e in graph.edges if _discovered(e)}
    confirmed = confirmed_edges(graph, incidents)
    unseen = tuple(
        edge
        for edge in declared
        if (edge.source, edge.target) not in discovered
        and (edge.source, edge.target) not in confirmed
    )
    undeclared = tuple(
        edge for edge in graph.edges if _discovered(edge) and not _declared(edge)
    )
    return DependencyCheck(
        declared_unseen=unseen,
        undeclared=undeclared,
        missing_services=missing_services(graph, catalogue, incidents),
        confirmed=confirmed,
    )


def confirmed_edges(
    graph: ServiceGraph, incidents: Iterable[TracedIncident]
) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return the edges on graph paths between services affected together."""
    callees: dict[str, list[str]] = {}
    for edge in graph.edges:
        callees.setdefault(edge.source, []).append(edge.target)
    found: dict[tuple[str, str], list[str]] = {}
    for incident in incidents:
        affected = list(dict.fromkeys(incident.services))
        for start in affected:
            for end in affected:
                if start == end:
                    continue
                for step in _shortest_path(callees, start, end):
                    references = found.setdefault(step, [])
                    if incident.reference not in references:
                        references.append(incident.reference)
    return {edge: tuple(references) for edge, references in sorted(found.items())}


def missing_services(
    graph: ServiceGraph,
    catalogue: Sequence[Service],
    incidents: Sequence[TracedIncident],
) -> tuple[MissingService, ...]:
    known = {service.name for service in catalogue}
    seen: dict[str, list[str]] = {}
    for name in graph.services:
        if name not in known:
            seen.setdefault(name, []).extend(_sources_naming(graph, name))
    for incident in incidents:
        for name in incident.services:
            if name not in known:
                seen.setdefault(name, []).append(incident.reference)
    return tuple(
        MissingService(name, tuple(dict.fromkeys(places)) or ("manifests",))
        for name, places in sorted(seen.items())
    )


def _sources_naming(graph: ServiceGraph, name: str) -> list[str]:
    return sorted(
        {
            evidence.source
            for edge in graph.edges
            if name in (edge.source, edge.target)
            for evidence in edge.evidence
        }
    )


def _declared(edge: Edge) -> bool:
    return any(evidence.source == CATALOGUE for evidence in edge.evidence)


def _discovered(edge: Edge) -> bool:
    return any(evidence.source != CATALOGUE for evidence in edge.evidence)


def _shortest_path(
    callees: Mapping[str, list[str]], start: str, end: str
) -> list[tuple[str, str]]:
    """Return the edges of a shortest path from `start` to `end`, or none."""
    previous: dict[str, str] = {}
    queue = deque([start])
    visited = {start}
    while queue:
        current = queue.popleft()
        if current == end:
            break
        for neighbour in callees.get(current, []):
            if neighbour not in visited:
                visited.add(neighbour)
                previous[neighbour] = current
                queue.append(neighbour)
    if end not in previous:
        return []
    path = []
    node = end
    while node != start:
        path.append((previous[node], node))
        node = previous[node]
    return list(reversed(path))


def format_check(check: DependencyCheck) -> str:
    """Return the differences as text, or a line saying the sources agree."""
    lines: list[str] = []
    if check.declared_unseen:
        lines.append("Declared in the catalogue but seen in no manifest or incident:")
        lines.extend(
            f"  {edge.source} -> {edge.target}" for edge in check.declared_unseen
        )
    if check.undeclared:
        lines.append("Seen in manifests but not declared in the catalogue:")
        for edge in check.undeclared:
            places = ", ".join(
                f"{e.location} ({e.detail})"
                for e in edge.evidence
                if e.source != CATALOGUE
            )
            lines.append(f"  {edge.source} -> {edge.target}  [{places}]")
    if check.missing_services:
        lines.append("Services missing from the catalogue:")
        lines.extend(
            f"  {service.name}  (seen in {', '.join(service.seen_in)})"
            for service in check.missing_services
        )
    if check.confirmed:
        lines.append("Edges confirmed by incidents:")
        lines.extend(
            f"  {source} -> {target}  ({', '.join(references)})"
            for (source, target), references in check.confirmed.items()
        )
    if check.agrees:
        lines.insert(0, "The catalogue agrees with the manifests and incidents.")
    return "\n".join(lines) + "\n"
