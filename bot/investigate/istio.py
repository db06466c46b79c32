"""Dependencies stated by Istio VirtualServices.

A VirtualService for host `reviews` that routes (or mirrors) to `reviews-v2` means
callers of `reviews` reach `reviews-v2`, so the graph gets the edge
reviews → reviews-v2. Routes from hosts that are no service, such as a public
gateway name, are ingress and add nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.investigate.graph import Edge, Evidence, ExternalDependency

ROUTE_KINDS = ("http", "tcp", "tls")


def is_virtual_service(document: dict[str, Any]) -> bool:
    api_version = str(document.get("apiVersion", ""))
    is_istio = api_version.startswith("networking.istio.io/")
    return document.get("kind") == "VirtualService" and is_istio


def virtual_service_dependencies(
    document: dict[str, Any], location: str, resolve: Callable[[str], str | None]
) -> tuple[list[Edge], list[ExternalDependency]]:
    """Return the edges and external hosts that one VirtualService states.

    `resolve` maps a host to a service name, or None for a host that is no service.
    """
    spec = document.get("spec")
    if not isinstance(spec, dict):
        return [], []
    name = _name(document)
    sources = {resolve(str(host)) for host in _list(spec.get("hosts"))} - {None}
    edges = []
    externals = []
    for destination in sorted(_destinations(spec)):
        target = resolve(destination)
        detail = f"VirtualService {name} routes to {destination}"
        evidence = (Evidence("istio", location, detail),)
        for source in sorted(s for s in sources if s is not None):
            if target is None:
                externals.append(ExternalDependency(source, destination, evidence))
            elif target != source:
                edges.append(Edge(source, target, evidence))
    return edges, externals


def _name(document: dict[str, Any]) -> str:
    metadata = document.get("metadata")
    if isinstance(metadata, dict):
        return str(metadata.get("name", "(unnamed)"))
    return "(unnamed)"


def _destinations(spec: dict[str, Any]) -> set[str]:
    hosts = set()
    for kind in ROUTE_KINDS:
        for rule in _list(spec.get(kind)):
            if not isinstance(rule, dict):
                continue
            for route in _list(rule.get("route")):
                if isinstance(route, dict):
                    hosts.update(_host(route.get("destination")))
            hosts.update(_host(rule.get("mirror")))
    return hosts


def _host(destination: Any) -> list[str]:
    if isinstance(destination, dict) and isinstance(destination.get("host"), str):
        return [destination["host"]]
    return []


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
