"""Discover services and their dependencies in docker-compose files.

Files are merged in the order given, as `docker compose -f a.yml -f b.yml` does:
a later file adds services and overrides or extends the keys of earlier ones.
Variables are substituted from the `.env` file next to the first compose file.
Dependencies come from `depends_on`, `links` and environment values (including
`env_file` files) that name another service as a host, URL, `host:port` or
connection string.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.investigate.errors import InvestigationError
from bot.investigate.graph import Discovery, Edge, Evidence, ExternalDependency
from bot.investigate.hosts import find_hosts, resolve_host
from bot.investigate.yamlfiles import describe, load_documents, read_text

log = logging.getLogger(__name__)

DEFAULT_FILES = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
)
OVERRIDE_FILES = (
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
)
VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:(?P<operator>:?[-?+])(?P<argument>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass
class _Service:
    """One compose service merged across files; each value keeps its file."""

    environment: dict[str, tuple[str, str]] = field(default_factory=dict)
    depends_on: dict[str, str] = field(default_factory=dict)
    links: dict[str, tuple[str, str]] = field(default_factory=dict)
    external_links: dict[str, str] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)
    build_context: str | None = None


def default_compose_files(root: Path) -> tuple[Path, ...]:
    """Return the compose file and override that `docker compose` would pick in root."""
    found = [root / name for name in DEFAULT_FILES if (root / name).is_file()]
    if not found:
        return ()
    overrides = [root / name for name in OVERRIDE_FILES if (root / name).is_file()]
    return (found[0], *overrides[:1])


def read_compose(
    files: Sequence[Path], root: Path, environment: Mapping[str, str] | None = None
) -> Discovery:
    """Read and merge compose `files`; evidence names files relative to `root`.

    `environment` overrides the `.env` file, as the shell environment does for
    `docker compose`.
    """
    if not files:
        return Discovery()
    project = files[0].parent
    variables = {**read_env_file(project / ".env", {}), **(environment or {})}
    services: dict[str, _Service] = {}
    for path in files:
        location = describe(path, root)
        data = _interpolate(_load_compose(path), variables, location)
        for name, spec in _services_of(data, location).items():
            merged = services.setdefault(name, _Service())
            _merge_service(merged, spec, path.parent, location, root)
    return _discovery(services, project, root)


def _load_compose(path: Path) -> Any:
    documents = load_documents(path)
    return documents[0] if documents else {}


def _services_of(data: Any, location: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvestigationError(
            f"{location}: expected a mapping at the top level. A compose file "
            "starts with `services:`."
        )
    services = data.get("services") or {}
    if not isinstance(services, dict):
        raise InvestigationError(
            f"{location}: services: expected a mapping from service names to "
            "their settings."
        )
    for name, spec in services.items():
        if spec is not None and not isinstance(spec, dict):
            raise InvestigationError(
                f"{location}: services.{name}: expected a mapping of settings."
            )
    return {str(name): spec or {} for name, spec in services.items()}


def _merge_service(
    merged: _Service, spec: dict[str, Any], folder: Path, location: str, root: Path
) -> None:
    for env_file in _env_files(spec.get("env_file")):
        env_location = describe(folder / env_file, root)
        if not (folder / env_file).is_file():
            # docker compose rejects a missing env_file unless it is marked optional.
            log.warning("%s: env_file %s does not exist", location, env_location)
        values = read_env_file(folder / env_file, {})
        for key, value in values.items():
            merged.environment[key] = (value, env_location)
    for key, value in _environment(spec.get("environment")).items():
        merged.environment[key] = (value, location)
    for target in _depends_on(spec.get("depends_on")):
        merged.depends_on[target] = location
    for link in _strings(spec.get("links")):
        target, _, alias = link.partition(":")
        merged.links[target] = (alias or target, location)
    for link in _strings(spec.get("external_links")):
        merged.external_links[link.partition(":")[0]] = location
    merged.aliases.update(_aliases(spec))
    context = _build_context(spec.get("build"))
    if context is not None:
        merged.build_context = describe(folder / context, root)


def _env_files(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        return []
    files = []
    for item in value:
        if isinstance(item, str):
            files.append(item)
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            files.append(item["path"])
    return files


def _environment(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    environment = {}
    for item in _strings(value):
        key, _, text = item.partition("=")
        environment[key.strip()] = text
    return environment


def _depends_on(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(name) for name in value]
    return _strings(value)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [str(item) for item in value if isinstance(item, str | int | float)]


def _aliases(spec: dict[str, Any]) -> set[str]:
    aliases = {
        str(spec[key])
        for key in ("container_name", "hostname")
        if isinstance(spec.get(key), str)
    }
    networks = spec.get("networks")
    if isinstance(networks, dict):
        for network in networks.values():
            if isinstance(network, dict):
                aliases.update(_strings(network.get("aliases")))
    return aliases


def _build_context(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("context"), str):
        return str(value["context"])
    return None


def _discovery(services: dict[str, _Service], project: Path, root: Path) -> Discovery:
    aliases = {name: set(service.aliases) for name, service in services.items()}
    for service in services.values():
        for target, (alias, _) in service.links.items():
            if target in aliases:
                aliases[target].add(alias)
    names = {alias: name for name, found in aliases.items() for alias in found}
    names.update({name: name for name in services})
    edges: list[Edge] = []
    externals: list[ExternalDependency] = []
    for name, service in services.items():
        found_edges, found_externals = _dependencies(name, service, names)
        edges.extend(found_edges)
        externals.extend(found_externals)
    paths = {
        name: (_as_folder(service.build_context),)
        for name, service in services.items()
        if service.build_context is not None and service.build_context != "."
    }
    return Discovery(
        services=tuple(services),
        aliases={name: frozenset(found) for name, found in aliases.items()},
        paths=paths,
        edges=tuple(edges),
        externals=tuple(externals),
    )


def _as_folder(path: str) -> str:
    return path.rstrip("/") + "/"


def _dependencies(
    name: str, service: _Service, names: Mapping[str, str]
) -> tuple[list[Edge], list[ExternalDependency]]:
    edges = []
    externals = []
    declared = [
        (target, location, f"depends_on: {target}")
        for target, location in service.depends_on.items()
    ]
    declared += [
        (target, location, f"links: {target}")
        for target, (_, location) in service.links.items()
    ]
    for declared_target, location, detail in declared:
        target = names.get(declared_target)
        if target is None:
            # docker compose rejects this file; the rest of the graph is still useful.
            log.warning("%s: %s: %s is not a service", location, name, detail)
            continue
        evidence = Evidence("compose", location, detail)
        edges.append(Edge(name, target, (evidence,)))
    for host, location in service.external_links.items():
        evidence = Evidence("compose", location, f"external_links: {host}")
        externals.append(ExternalDependency(name, host, (evidence,)))
    for variable, (value, location) in service.environment.items():
        evidence = Evidence("compose", location, f"environment {variable}")
        for reference in find_hosts(variable, value):
            reached = resolve_host(reference.host, names)
            if reached is not None:
                edges.append(Edge(name, names[reached], (evidence,)))
            elif reference.certain:
                externals.append(ExternalDependency(name, reference.host, (evidence,)))
    return edges, externals


def read_env_file(path: Path, variables: Mapping[str, str]) -> dict[str, str]:
    """Return the variables of a `.env` file, or none when the file is missing.

    Lines are `KEY=value` or `export KEY=value`; `#` starts a comment, quotes are
    removed, and `${VAR}` in unquoted and double-quoted values refers to earlier lines.
    """
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        text = text.removeprefix("export ").strip()
        key, separator, value = text.partition("=")
        if not separator or not key.strip():
            log.warning("%s:%d: skipped a line that is not KEY=value", path, number)
            continue
        values[key.strip()] = _env_value(
            value.strip(), {**variables, **values}, f"{path}:{number}"
        )
    return values


def _env_value(value: str, variables: Mapping[str, str], location: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return substitute(value[1:-1], variables, location)
    value = re.split(r"\s+#", value, maxsplit=1)[0]
    return substitute(value, variables, location)


def _interpolate(data: Any, variables: Mapping[str, str], location: str) -> Any:
    if isinstance(data, str):
        return substitute(data, variables, location)
    if isinstance(data, list):
        return [_interpolate(item, variables, location) for item in data]
    if isinstance(data, dict):
        return {k: _interpolate(v, variables, location) for k, v in data.items()}
    return data


def substitute(text: str, variables: Mapping[str, str], location: str) -> str:
    """Replace `$VAR`, `${VAR}`, `${VAR:-default}` and the other compose forms.

    A variable that is unset, or required (`${VAR:?message}`) and unset, becomes an
    empty string with a warning, so one missing value does not hide the whole graph.

    NOTE: a default that itself contains `${...}` comes out garbled, because the
    pattern stops at the first closing brace.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("braced") or match.group("plain")
        operator = match.group("operator") or ""
        argument = match.group("argument") or ""
        value = variables.get(name)
        is_set = value is not None and (value != "" or not operator.startswith(":"))
        if operator.endswith("-"):
            return value if is_set and value is not None else argument
        if operator.endswith("+"):
            return argument if is_set else ""
        if value is None or (operator == ":?" and not value):
            log.warning(
                "%s: variable %s is not set; using an empty value", location, name
            )
            return ""
        return value

    return VARIABLE.sub(replace, text)
