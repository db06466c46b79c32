"""The service graph: which service calls which, and why we believe it.

Every edge keeps the evidence that produced it (a `depends_on` entry, an environment
value, a VirtualService route), so a responder can judge a dependency before acting on
it. Hosts that are not services become external dependencies instead of new nodes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.investigate.errors import InvestigationError


@dataclass(frozen=True)
class Evidence:
    """Origin of a dependency: the source kind, the file and the setting found there."""

    source: str  # "catalogue", "compose", "kubernetes" or "istio"
    location: str  # file, or file:document for multi-document YAML
    detail: str  # e.g. "depends_on: db" or "env DATABASE_URL"


@dataclass(frozen=True)
class Edge:
    """`source` calls `target`."""

    source: str
    target: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ExternalDependency:
    """A host that a service calls but that is no service of the graph."""

    service: str
    host: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Discovery:
    """Services, aliases and dependencies found by one source, before merging.

    `aliases` maps each service to the other names that reach it: a compose
    container_name or network alias, or a Kubernetes Service in front of a workload.
    """

    services: tuple[str, ...] = ()
    aliases: Mapping[str, frozenset[str]] = field(default_factory=dict)
    paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    edges: tuple[Edge, ...] = ()
    externals: tuple[ExternalDependency, ...] = ()


@dataclass(frozen=True)
class ServiceGraph:
    """Services, the dependencies between them and the external hosts they call."""

    services: tuple[str, ...]
    edges: tuple[Edge, ...]
    externals: tuple[ExternalDependency, ...]
    # Paths inside a repository that belong to a service, from compose build contexts
    # when the catalogue names none.
    paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def dependencies_of(self, service: str) -> tuple[str, ...]:
        return tuple(edge.target for edge in self.edges if edge.source == service)

    def dependents_of(self, service: str) -> tuple[str, ...]:
        return tuple(edge.source for edge in self.edges if edge.target == service)

    def edge(self, source: str, target: str) -> Edge | None:
        for edge in self.edges:
            if edge.source == source and edge.target == target:
                return edge
        return None


@dataclass(frozen=True)
class BlastRadius:
    """Services hit by a failure of `failing`, and the services it relies on.

    Distances count edges: 1 is a direct caller or a direct dependency.
    """

    failing: str
    dependents: tuple[tuple[str, int], ...]  # callers, nearest first
    dependencies: tuple[tuple[str, int], ...]  # likely causes, nearest first
    externals: tuple[ExternalDependency, ...]  # hosts the failing service calls


def merge_discoveries(discoveries: Iterable[Discovery]) -> ServiceGraph:
    """Merge sources into one graph, the most trusted source first.

    A name that an earlier source registered, directly or as an alias, keeps that
    source's name, so a Kubernetes Service called `cart` in front of the Deployment
    `cartservice` becomes the catalogue's `cart` when the catalogue lists `cart`.
    Self-edges are dropped, and evidence for the same edge is collected.
    """
    canonical: dict[str, str] = {}
    services: list[str] = []
    paths: dict[str, tuple[str, ...]] = {}
    registered = []
    for discovery in discoveries:
        renamed = _register(discovery, canonical, services)
        registered.append((discovery, renamed))
        for service, service_paths in discovery.paths.items():
            paths.setdefault(renamed[service], service_paths)

    def resolve(name: str, renamed: Mapping[str, str]) -> str:
        return renamed.get(name, canonical.get(name, name))

    edges: dict[tuple[str, str], list[Evidence]] = {}
    externals: dict[tuple[str, str], list[Evidence]] = {}
    for discovery, renamed in registered:
        for edge in discovery.edges:
            key = (resolve(edge.source, renamed), resolve(edge.target, renamed))
            edges.setdefault(key, []).extend(edge.evidence)
        for external in discovery.externals:
            # A host that one source cannot place may be a service another source lists.
            key = (resolve(external.service, renamed), external.host)
            if external.host in canonical:
                key = (key[0], canonical[external.host])
                edges.setdefault(key, []).extend(external.evidence)
            else:
                externals.setdefault(key, []).extend(external.evidence)
    return ServiceGraph(
        services=tuple(services),
        edges=tuple(
            Edge(source, target, _unique(evidence))
            for (source, target), evidence in sorted(edges.items())
            if source != target
        ),
        externals=tuple(
            ExternalDependency(service, host, _unique(evidence))
            for (service, host), evidence in sorted(externals.items())
        ),
        paths=paths,
    )


def _register(
    discovery: Discovery, canonical: dict[str, str], services: list[str]
) -> dict[str, str]:
    """Map each service of `discovery` to its name in the merged graph."""
    renamed: dict[str, str] = {}
    for service in discovery.services:
        names = {service, *discovery.aliases.get(service, frozenset())}
        known = sorted(canonical[name] for name in names if name in canonical)
        name = known[0] if known else service
        if not known:
            services.append(name)
        for alias in names:
            canonical.setdefault(alias, name)
        renamed[service] = name
    return renamed


def _unique(evidence: list[Evidence]) -> tuple[Evidence, ...]:
    return tuple(dict.fromkeys(evidence))


def blast_radius(graph: ServiceGraph, failing: str) -> BlastRadius:
    """Return who is hit when `failing` fails and what `failing` relies on.

    Raises InvestigationError when `failing` is no service of the graph.
    """
    if failing not in graph.services:
        known = ", ".join(sorted(graph.services)) or "none"
        raise InvestigationError(
            f'"{failing}" is not a service of the graph. Known services: {known}.'
        )
    callers: dict[str, list[str]] = {}
    callees: dict[str, list[str]] = {}
    for edge in graph.edges:
        callers.setdefault(edge.target, []).append(edge.source)
        callees.setdefault(edge.source, []).append(edge.target)
    externals = tuple(e for e in graph.externals if e.service == failing)
    return BlastRadius(
        failing=failing,
        dependents=_distances(callers, failing),
        dependencies=_distances(callees, failing),
        externals=externals,
    )


def _distances(
    neighbours: Mapping[str, list[str]], start: str
) -> tuple[tuple[str, int], ...]:
    """Breadth-first distances from `start`, nearest first, then by name."""
    distance = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for neighbour in neighbours.get(current, []):
            if neighbour not in distance:
                distance[neighbour] = distance[current] + 1
                queue.append(neighbour)
    del distance[start]
    return tuple(sorted(distance.items(), key=lambda item: (item[1], item[0])))
