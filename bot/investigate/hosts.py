"""Find the hosts that a configuration value names.

Environment values reach other services in a few common shapes, all handled here:

- a URL, with several hosts for clusters: `postgres://app:pw@db:5432/shop`,
  `mongodb://mongo-1:27017,mongo-2:27017/app`
- `host:port`, alone or in a list: `cartservice:7070`, `kafka-1:9092,kafka-2:9092`
- a key-value connection string: `Server=sql;Port=1433`, `host=db port=5432`
- a bare name: `REDIS_HOST=redis`
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection
from dataclasses import dataclass

URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/\s?#]*@)?(?P<hosts>[^/\s?#]+)")
CONNECTION_KEY = re.compile(
    r"(?i)(?:^|[\s;])(?:host|hostname|server|data source|address|addr)\s*=\s*"
    r"(?P<host>[^;\s,]+)"
)
HOST_PORT = re.compile(r"^(?P<host>[A-Za-z0-9_][A-Za-z0-9_.-]*):(?P<port>\d{1,5})$")
HOSTNAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_-]+)*$")
# Variable names whose bare value is a host name, such as REDIS_HOST or CART_ADDR.
HOST_VARIABLE = re.compile(r"(?i)(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|ENDPOINT)S?$")
LOCAL_HOSTS = frozenset({"localhost", "0.0.0.0", "127.0.0.1", "::1", "[::1]"})
KUBERNETES_DOMAIN = ("svc", "cluster", "local")


@dataclass(frozen=True)
class HostReference:
    host: str
    # True when the shape of the value (URL, host:port, connection string, *_HOST
    # variable) marks it as a host. A bare word is a host only if a service has
    # that name.
    certain: bool


def find_hosts(variable: str, value: str) -> tuple[HostReference, ...]:
    """Return the hosts that `value` names, in order, without local addresses."""
    found: list[HostReference] = []
    for match in URL.finditer(value):
        found.extend(_host_list(match.group("hosts")))
    for match in CONNECTION_KEY.finditer(value):
        found.append(HostReference(_strip_port(match.group("host")), certain=True))
    if not found:
        found.extend(_plain_hosts(variable, value))
    unique = {ref.host.lower(): ref for ref in found if _is_remote(ref.host)}
    return tuple(unique.values())


def _host_list(text: str) -> list[HostReference]:
    return [
        HostReference(_strip_port(part), certain=True)
        for part in text.split(",")
        if part
    ]


def _strip_port(text: str) -> str:
    if text.startswith("["):
        return text.split("]")[0] + "]"
    host, _, port = text.rpartition(":")
    return host if host and port.isdigit() else text


def _plain_hosts(variable: str, value: str) -> list[HostReference]:
    found = []
    parts = [part for part in re.split(r"[,;\s]+", value.strip()) if part]
    for part in parts:
        match = HOST_PORT.match(part)
        if match:
            found.append(HostReference(match.group("host"), certain=True))
    if found or len(parts) != 1 or not HOSTNAME.match(parts[0]):
        return found
    if parts[0].replace(".", "").isdigit() and not _is_ip(parts[0]):
        return found  # a number such as 3 or 1.5, not a host
    return [HostReference(parts[0], certain=bool(HOST_VARIABLE.search(variable)))]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def _is_remote(host: str) -> bool:
    return bool(host) and host.lower() not in LOCAL_HOSTS


def resolve_host(host: str, services: Collection[str]) -> str | None:
    """Return the service that `host` reaches, or None when it reaches none.

    Besides exact names, Kubernetes DNS forms of a service reach it:
    `cart.shop`, `cart.shop.svc` and `cart.shop.svc.cluster.local`.
    """
    name = host.lower().rstrip(".")
    if name in services:
        return name
    labels = name.split(".")
    if labels[0] not in services or len(labels) < 2:
        return None
    if len(labels) == 2 or tuple(labels[2:]) == KUBERNETES_DOMAIN[: len(labels) - 2]:
        return labels[0]
    return None
