"""Discover services and their dependencies in Kubernetes manifests.

Each workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) is
a service named after the workload. A Kubernetes Service in front of it is an alias,
found by matching the Service's selector against the pod labels, because callers use
the Service name (`CART_SERVICE_ADDR=cartservice:7070`) and it may differ from the
workload name. A Service that selects no workload is a service of its own.
Dependencies come from container environment values, ConfigMap values they refer to,
`--flag=value` arguments and Istio VirtualServices.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.investigate.errors import InvestigationError
from bot.investigate.graph import Discovery, Edge, Evidence, ExternalDependency
from bot.investigate.hosts import find_hosts, resolve_host
from bot.investigate.istio import is_virtual_service, virtual_service_dependencies
from bot.investigate.yamlfiles import describe, load_documents

log = logging.getLogger(__name__)

POD_TEMPLATE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class _Document:
    body: dict[str, Any]
    location: str  # file, or file#N for the N-th document of a multi-document file


@dataclass(frozen=True)
class _Setting:
    """A value a container is configured with, and how the evidence describes it."""

    variable: str  # environment variable or command-line flag
    value: str
    detail: str  # e.g. "env CART_SERVICE_ADDR" or "argument --db"


@dataclass(frozen=True)
class _Workload:
    name: str
    namespace: str
    labels: dict[str, str]
    settings: tuple[_Setting, ...]
    location: str


def manifest_files(paths: Sequence[Path]) -> tuple[Path, ...]:
    """Return the YAML files among `paths`, walking folders in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.suffix in MANIFEST_SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise InvestigationError(
                f"{path} does not exist. Fix the path under "
                "investigation.kubernetes in warroom.yaml."
            )
    return tuple(files)


def read_kubernetes(paths: Sequence[Path], root: Path) -> Discovery:
    """Read manifests under `paths`; evidence names files relative to `root`."""
    documents = list(_documents(manifest_files(paths), root))
    config_maps = _config_maps(documents)
    workloads = [w for d in documents if (w := _workload(d, config_maps)) is not None]
    aliases, names = _service_names(documents, workloads)
    edges: list[Edge] = []
    externals: list[ExternalDependency] = []

    def resolve(host: str) -> str | None:
        found = resolve_host(host, names)
        return None if found is None else names[found]

    for workload in workloads:
        for setting in workload.settings:
            evidence = (Evidence("kubernetes", workload.location, setting.detail),)
            for reference in find_hosts(setting.variable, setting.value):
                target = resolve(reference.host)
                if target is not None:
                    edges.append(Edge(workload.name, target, evidence))
                elif reference.certain:
                    external = ExternalDependency(
                        workload.name, reference.host, evidence
                    )
                    externals.append(external)
    for document in documents:
        if is_virtual_service(document.body):
            found_edges, found_externals = virtual_service_dependencies(
                document.body, document.location, resolve
            )
            edges.extend(found_edges)
            externals.extend(found_externals)
    return Discovery(
        services=tuple(aliases),
        aliases={name: frozenset(found) for name, found in aliases.items()},
        edges=tuple(edges),
        externals=tuple(externals),
    )


def _documents(files: Sequence[Path], root: Path) -> Iterator[_Document]:
    for path in files:
        location = describe(path, root)
        for index, body in enumerate(load_documents(path)):
            where = location if index == 0 else f"{location}#{index + 1}"
            if not isinstance(body, dict):
                continue
            if body.get("kind") == "List" or body.get("kind", "").endswith("List"):
                for item in body.get("items") or []:
                    if isinstance(item, dict):
                        yield _Document(item, where)
                continue
            yield _Document(body, where)


def _metadata(body: dict[str, Any]) -> tuple[str, str]:
    metadata = body.get("metadata")
    if not isinstance(metadata, dict) or not metadata.get("name"):
        return "", ""
    return str(metadata["name"]), str(metadata.get("namespace") or "default")


def _config_maps(documents: list[_Document]) -> dict[tuple[str, str], dict[str, str]]:
    found = {}
    for document in documents:
        if document.body.get("kind") != "ConfigMap":
            continue
        name, namespace = _metadata(document.body)
        data = document.body.get("data")
        if name and isinstance(data, dict):
            found[(namespace, name)] = {str(k): str(v) for k, v in data.items()}
    return found


def _pod_template(body: dict[str, Any]) -> dict[str, Any] | None:
    kind = body.get("kind")
    spec = body.get("spec")
    if not isinstance(spec, dict):
        return None
    if kind == "Pod":
        return body
    if kind == "CronJob":
        job = spec.get("jobTemplate")
        spec = job.get("spec") if isinstance(job, dict) else None
        if not isinstance(spec, dict):
            return None
    elif kind not in POD_TEMPLATE_KINDS:
        return None
    template = spec.get("template")
    return template if isinstance(template, dict) else None


def _workload(
    document: _Document, config_maps: dict[tuple[str, str], dict[str, str]]
) -> _Workload | None:
    template = _pod_template(document.body)
    name, namespace = _metadata(document.body)
    if template is None or not name:
        return None
    metadata = template.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    pod_spec = template.get("spec")
    if not isinstance(pod_spec, dict):
        return None
    settings: list[_Setting] = []
    for container in _containers(pod_spec):
        settings.extend(_container_settings(container, namespace, config_maps))
    return _Workload(
        name=name,
        namespace=namespace,
        labels={str(k): str(v) for k, v in (labels or {}).items()},
        settings=tuple(settings),
        location=document.location,
    )


def _containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    containers: list[dict[str, Any]] = []
    for key in ("initContainers", "containers"):
        items = pod_spec.get(key)
        if isinstance(items, list):
            containers.extend(item for item in items if isinstance(item, dict))
    return containers


def _container_settings(
    container: dict[str, Any],
    namespace: str,
    config_maps: dict[tuple[str, str], dict[str, str]],
) -> list[_Setting]:
    settings: list[_Setting] = []
    for source in container.get("envFrom") or []:
        reference = source.get("configMapRef") if isinstance(source, dict) else None
        if isinstance(reference, dict):
            name = str(reference.get("name"))
            values = config_maps.get((namespace, name), {})
            settings.extend(
                _Setting(key, value, f"env {key} (ConfigMap {name})")
                for key, value in values.items()
            )
    for variable in container.get("env") or []:
        if not isinstance(variable, dict) or "name" not in variable:
            continue
        value = _env_value(variable, namespace, config_maps)
        if value is not None:
            key = str(variable["name"])
            settings.append(_Setting(key, value, f"env {key}"))
    for argument in [*(container.get("command") or []), *(container.get("args") or [])]:
        flag, separator, value = str(argument).partition("=")
        if separator and flag.startswith("-"):
            settings.append(_Setting(flag.lstrip("-"), value, f"argument {flag}"))
    return settings


def _env_value(
    variable: dict[str, Any],
    namespace: str,
    config_maps: dict[tuple[str, str], dict[str, str]],
) -> str | None:
    if "value" in variable:
        return str(variable["value"])
    source = variable.get("valueFrom")
    reference = source.get("configMapKeyRef") if isinstance(source, dict) else None
    if not isinstance(reference, dict):
        return None  # secrets and field references name no host we can read
    values = config_maps.get((namespace, str(reference.get("name"))), {})
    return values.get(str(reference.get("key")))


def _service_names(
    documents: list[_Document], workloads: list[_Workload]
) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Return the aliases of each service, and every name mapped to its service."""
    aliases: dict[str, set[str]] = {w.name: set() for w in workloads}
    for document in documents:
        if document.body.get("kind") != "Service":
            continue
        name, namespace = _metadata(document.body)
        spec = document.body.get("spec")
        selector = spec.get("selector") if isinstance(spec, dict) else None
        if not name:
            continue
        selected = _selected(workloads, namespace, selector)
        for workload in selected:
            aliases[workload.name].add(name)
        if not selected:
            aliases.setdefault(name, set())
    names = {alias: name for name, found in aliases.items() for alias in found}
    names.update({name: name for name in aliases})
    return aliases, names


def _selected(
    workloads: list[_Workload], namespace: str, selector: Any
) -> list[_Workload]:
    if not isinstance(selector, dict) or not selector:
        return []
    required_labels = {str(k): str(v) for k, v in selector.items()}
    return [
        workload
        for workload in workloads
        if workload.namespace == namespace
        and required_labels.items() <= workload.labels.items()
    ]
