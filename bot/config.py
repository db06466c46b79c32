"""Load and validate warroom.yaml, the optional file of team-specific choices.

Every problem is reported as a `ConfigError` naming the file, the line, the path of the
key inside the file (`severities[1].name`) and a hint, so a person can fix it without
reading a traceback.
"""

from __future__ import annotations

import difflib
import re
import string
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.incidents.permissions import ACTIONS, LEVELS, Permissions
from bot.ingest.config import AlertsConfig, read_alerts

DEFAULT_CHANNEL_PATTERN = "inc-{date}-{slug}"
CHANNEL_PATTERN_FIELDS = ("date", "slug", "number")


@dataclass(frozen=True)
class Severity:
    level: int
    name: str
    description: str


DEFAULT_SEVERITIES = (
    Severity(1, "SEV1", "Critical: full outage or data loss."),
    Severity(2, "SEV2", "Major degradation for many users."),
    Severity(3, "SEV3", "Minor or partial impact."),
    Severity(4, "SEV4", "No customer impact."),
)


DEFAULT_POSTMORTEM_DUE = ((1, (3, False)), (2, (5, True)), (3, (10, False)))
DEFAULT_ACTION_DUE_DAYS = (("P0", 1), ("P1", 7), ("P2", 14), ("P3", 28))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_STATUS_CADENCE = (
    (1, timedelta(minutes=30)),
    (2, timedelta(hours=1)),
    (3, timedelta(hours=4)),
)


@dataclass(frozen=True)
class Responders:
    users: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Service:
    name: str
    owners: tuple[str, ...] = ()
    slack_group: str | None = None
    repository: str | None = None
    paths: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocsRemote:
    """The remote that published documents are pushed to, and its branch.

    No branch means the branch checked out in the docs repository.
    """

    name: str
    branch: str | None = None


@dataclass(frozen=True)
class Investigation:
    """Sources of the service graph, of recent changes and of runbooks."""

    # Checkout of the system under investigation; compose and Kubernetes paths are
    # inside it. None means the folder of warroom.yaml.
    repository: str | None = None
    compose_files: tuple[str, ...] = ()  # empty: compose.yaml and the like, if any
    kubernetes: tuple[str, ...] = ()  # manifest files or folders
    lookback: timedelta = timedelta(days=7)
    change_date: str = "committer"  # or "author"
    deploy_tag_pattern: str = "deploy*"  # glob, as `git tag --list` takes
    runbook_dirs: tuple[str, ...] = ("docs/runbooks", "runbooks")


@dataclass(frozen=True)
class WarroomConfig:
    timezone: str = "UTC"
    channel_name_pattern: str = DEFAULT_CHANNEL_PATTERN
    announcement_channel: str | None = None
    timeline_emoji: str = "pushpin"
    # None keeps channels open; otherwise they are archived this long after resolution.
    archive_channel_after: timedelta | None = None
    # Severity level → how long without a status update before the commander is
    # reminded; a level missing here gets no reminders.
    status_update_every: tuple[tuple[int, timedelta], ...] = DEFAULT_STATUS_CADENCE
    # Priority → days until an action item given without a due date is due.
    action_due_days: tuple[tuple[str, int], ...] = DEFAULT_ACTION_DUE_DAYS
    # Severity level → (days, counted in business days?) from resolution until the
    # postmortem is due; levels missing here get no deadline reminders.
    postmortem_due: tuple[tuple[int, tuple[int, bool]], ...] = DEFAULT_POSTMORTEM_DUE
    # Weekdays (Monday = 0) on which overdue action items are reminded.
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    responders: Responders = field(default_factory=Responders)
    permissions: Permissions = field(default_factory=Permissions)
    severities: tuple[Severity, ...] = DEFAULT_SEVERITIES
    services: tuple[Service, ...] = ()
    # None commits published documents locally without pushing them.
    docs_remote: DocsRemote | None = None
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    # SLO definitions; None means slo.yaml in the docs repository.
    slo_file: Path | None = None
    investigation: Investigation = field(default_factory=Investigation)


class _Reader:
    """Walks the parsed YAML and turns each value into a typed one, or a ConfigError."""

    def __init__(self, path: Path, root: yaml.Node) -> None:
        self.path = path
        self.root = root

    def fail(self, where: str, problem: str, hint: str) -> ConfigError:
        line = _line_of(self.root, where)
        location = f"{self.path}:{line}" if line else str(self.path)
        key = where or "(top level)"
        message = f"{location}: {key}: {problem}."
        return ConfigError(f"{message} {hint}" if hint else message)

    def mapping(
        self, value: Any, where: str, known: Mapping[str, str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {_kind(value)}", "")
        for key in value:
            if key not in known:
                raise self.fail(
                    _join(where, str(key)), "unknown key", _suggest(str(key), known)
                )
        return value

    def string(self, value: Any, where: str, hint: str = "") -> str:
        if isinstance(value, str) and not value.strip():
            raise self.fail(
                where, "expected a non-empty string, got an empty one", hint
            )
        if not isinstance(value, str):
            problem = f"expected a non-empty string, got {_kind(value)}"
            raise self.fail(where, problem, hint)
        return value.strip()

    def strings(self, value: Any, where: str, hint: str = "") -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {_kind(value)}", hint)
        return tuple(
            self.string(item, f"{where}[{i}]", hint) for i, item in enumerate(value)
        )

    def items(
        self, value: Any, where: str, read_one: Callable[[Any, str], Any]
    ) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {_kind(value)}", "")
        return tuple(read_one(item, f"{where}[{i}]") for i, item in enumerate(value))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names |= {list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _suggest(key: str, known: Mapping[str, str], what: str = "keys") -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    if close:
        return f'Did you mean "{close[0]}"?'
    return f"Known {what}: " + ", ".join(sorted(known)) + "."


def _line_of(root: yaml.Node, where: str) -> int | None:
    """Return the 1-based line of the node at `where`, or of its nearest parent."""
    node = root
    line = node.start_mark.line + 1
    for step in where.replace("[", ".[").split("."):
        if not step:
            continue
        child = _child(node, step)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node, step: str) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and step.startswith("["):
        digits = step.strip("[]")
        if not digits.isdigit():
            return None
        index = int(digits)
        items: list[yaml.Node] = node.value
        return items[index] if index < len(items) else None
    if isinstance(node, yaml.MappingNode):
        pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
        for key_node, value_node in pairs:
            if key_node.value == step:
                # Point at the key: that is where a wrong key or value is written.
                return key_node if not _has_children(value_node) else value_node
    return None


def _has_children(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode | yaml.SequenceNode)


TOP_KEYS = {
    "timezone": "IANA time zone used to show times, e.g. Europe/Berlin",
    "channel_name_pattern": "name of incident channels",
    "announcement_channel": "channel where new incidents are announced",
    "timeline_emoji": "reaction that adds a message to the timeline",
    "archive_channel_after": "archive incident channels this long after resolution",
    "status_update_every": "remind the commander after this long without an update",
    "action_due_days": "days until an action item is due, by priority",
    "postmortem_due": "days from resolution until the postmortem is due, by severity",
    "working_days": "weekdays on which overdue action items are reminded",
    "responders": "people and user groups invited to every incident",
    "permissions": "who may confirm severity, resolve, reopen, edit and publish",
    "severities": "severity levels and what they mean",
    "services": "the services catalogue",
    "slo_file": "SLO definitions, relative to this file (default: docs repo slo.yaml)",
    "alerts": "alert webhooks: sources, service mapping and routing rules",
    "docs": "where published postmortems and runbooks are pushed",
    "investigation": "sources of the service graph, recent changes and runbooks",
}
DOCS_KEYS = {
    "remote": "git remote of WARROOM_DOCS_REPO to push to, e.g. origin",
    "branch": "branch on that remote (default: the checked-out branch)",
}
SEVERITY_KEYS = {"level": "1 to 9", "name": "short name", "description": "meaning"}
RESPONDER_KEYS = {
    "users": "Slack user ids or e-mail addresses",
    "groups": "Slack user group ids",
}
SERVICE_KEYS = {
    "name": "service name",
    "owners": "Slack user ids of the owners",
    "slack_group": "Slack user group id of the owning team",
    "repository": "path of the git checkout holding the service's code",
    "paths": "paths inside the repository that belong to the service",
    "depends_on": "names of services this one calls",
}
INVESTIGATION_KEYS = {
    "repository": "checkout of the system; compose and Kubernetes paths are inside",
    "compose_files": "docker-compose files, merged in order",
    "kubernetes": "Kubernetes manifest files or folders",
    "lookback": "how far before the impact start to look for changes",
    "change_date": "committer or author: which commit date places a change",
    "deploy_tag_pattern": "glob of the git tags that mark deploys",
    "runbook_dirs": "folders of Markdown runbooks",
}


def load_config(path: Path | None) -> WarroomConfig:
    """Read warroom.yaml at `path`, or return the defaults when `path` is None."""
    if path is None:
        return WarroomConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"Could not read the configuration file {path}: {error.strerror}. "
            "Check WARROOM_CONFIG."
        ) from error
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: not UTF-8 text (invalid byte at offset {error.start}). "
            "Save the file as UTF-8."
        ) from error
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{where}: invalid YAML: {problem}.") from error
    except RecursionError as error:
        raise ConfigError(f"{path}: the YAML is nested too deeply.") from error
    if root is None:
        return WarroomConfig()
    reader = _Reader(path, root)
    _reject_duplicate_keys(reader, root, "")
    return _read_config(reader, data)


def _reject_duplicate_keys(reader: _Reader, node: yaml.Node, where: str) -> None:
    """Fail on a key written twice, which YAML loaders silently resolve last-wins."""
    if isinstance(node, yaml.SequenceNode):
        items: list[yaml.Node] = node.value
        for index, item in enumerate(items):
            _reject_duplicate_keys(reader, item, f"{where}[{index}]")
    if not isinstance(node, yaml.MappingNode):
        return
    seen: set[str] = set()
    pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
    for key_node, value_node in pairs:
        key = str(key_node.value)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise ConfigError(
                f"{reader.path}:{line}: {_join(where, key)}: duplicate key. "
                "Keep one of the two entries."
            )
        seen.add(key)
        _reject_duplicate_keys(reader, value_node, _join(where, key))


def _read_config(reader: _Reader, data: Any) -> WarroomConfig:
    values = reader.mapping(data, "", TOP_KEYS)
    config: dict[str, Any] = {}
    if "timezone" in values:
        config["timezone"] = _read_timezone(reader, values["timezone"])
    if "channel_name_pattern" in values:
        pattern = values["channel_name_pattern"]
        config["channel_name_pattern"] = _read_pattern(reader, pattern)
    if "announcement_channel" in values:
        channel = values["announcement_channel"]
        hint = 'Use a channel id such as "C0123ABCD" or a name such as "#incidents".'
        config["announcement_channel"] = reader.string(
            channel, "announcement_channel", hint
        )
    if "timeline_emoji" in values:
        config["timeline_emoji"] = _read_emoji(reader, values["timeline_emoji"])
    if "archive_channel_after" in values:
        value = values["archive_channel_after"]
        config["archive_channel_after"] = _read_duration(
            reader, value, "archive_channel_after"
        )
    if "status_update_every" in values:
        config["status_update_every"] = _read_cadence(
            reader, values["status_update_every"]
        )
    if "action_due_days" in values:
        config["action_due_days"] = _read_due_days(reader, values["action_due_days"])
    if "postmortem_due" in values:
        config["postmortem_due"] = _read_postmortem_due(
            reader, values["postmortem_due"]
        )
    if "working_days" in values:
        config["working_days"] = _read_working_days(reader, values["working_days"])
    if "responders" in values:
        config["responders"] = _read_responders(reader, values["responders"])
    if "permissions" in values:
        config["permissions"] = _read_permissions(reader, values["permissions"])
    if "severities" in values:
        config["severities"] = _read_severities(reader, values["severities"])
    if "services" in values:
        config["services"] = _read_services(reader, values["services"])
    if "docs" in values:
        config["docs_remote"] = _read_docs(reader, values["docs"])
    if "alerts" in values:
        levels = tuple(s.level for s in config.get("severities", DEFAULT_SEVERITIES))
        config["alerts"] = read_alerts(reader, values["alerts"], levels)
    if "slo_file" in values:
        hint = "Give the path of slo.yaml, e.g. slo/slo.yaml."
        name = reader.string(values["slo_file"], "slo_file", hint)
        config["slo_file"] = reader.path.parent / Path(name).expanduser()
    if "investigation" in values:
        config["investigation"] = _read_investigation(reader, values["investigation"])
    return WarroomConfig(**config)


def _read_docs(reader: _Reader, value: Any) -> DocsRemote | None:
    values = reader.mapping(value, "docs", DOCS_KEYS)
    if "remote" not in values:
        if "branch" in values:
            hint = "Add `remote: origin` (or your remote's name) beside it."
            raise reader.fail("docs.branch", "a branch needs a remote", hint)
        return None
    hint = 'Use the name of a remote of WARROOM_DOCS_REPO, e.g. "origin".'
    remote = reader.string(values["remote"], "docs.remote", hint)
    branch = None
    if "branch" in values:
        branch = reader.string(values["branch"], "docs.branch", 'e.g. "main"')
    return DocsRemote(remote, branch)


def _read_timezone(reader: _Reader, value: Any) -> str:
    hint = "Use an IANA time zone name such as Europe/Berlin or America/New_York."
    name = reader.string(value, "timezone", hint)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise reader.fail("timezone", f'unknown time zone "{name}"', hint) from error
    return name


DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _read_duration(reader: _Reader, value: Any, where: str) -> timedelta:
    hint = "Use a number and a unit: 30m, 12h, 2d or 1w."
    text = reader.string(str(value) if isinstance(value, int) else value, where, hint)
    amount, unit = text[:-1].strip(), text[-1:].lower()
    if unit not in DURATION_UNITS or not amount.isdigit() or int(amount) == 0:
        raise reader.fail(where, f'"{text}" is not a duration', hint)
    return timedelta(**{DURATION_UNITS[unit]: int(amount)})


def _read_cadence(reader: _Reader, value: Any) -> tuple[tuple[int, timedelta], ...]:
    where = "status_update_every"
    hint = "Map severity levels to durations, e.g. {1: 30m, 2: 1h, 4: never}."
    if not isinstance(value, dict):
        raise reader.fail(where, f"expected a mapping, got {_kind(value)}", hint)
    cadence = []
    for level, every in value.items():
        key = _join(where, str(level))
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 9:
            raise reader.fail(key, "expected a severity level from 1 to 9", hint)
        if every in ("never", None):
            continue
        cadence.append((level, _read_duration(reader, every, key)))
    return tuple(sorted(cadence))


def _read_due_days(reader: _Reader, value: Any) -> tuple[tuple[str, int], ...]:
    where = "action_due_days"
    hint = "Give whole days per priority, e.g. {P0: 1, P1: 7, P2: 14, P3: 28}."
    values = reader.mapping(value, where, {p: "" for p, _ in DEFAULT_ACTION_DUE_DAYS})
    days = dict(DEFAULT_ACTION_DUE_DAYS)
    for priority, amount in values.items():
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            problem = f"expected a whole number of days, got {_kind(amount)}"
            raise reader.fail(_join(where, priority), problem, hint)
        days[priority] = amount
    return tuple(days.items())


POSTMORTEM_DUE = re.compile(r"^(\d+)\s*(d|days?|bd|business\s+days?)$", re.IGNORECASE)


def _read_postmortem_due(
    reader: _Reader, value: Any
) -> tuple[tuple[int, tuple[int, bool]], ...]:
    where = "postmortem_due"
    hint = 'Map severity levels to "3d", "5 business days" or "never".'
    if not isinstance(value, dict):
        raise reader.fail(where, f"expected a mapping, got {_kind(value)}", hint)
    rules = []
    for level, due in value.items():
        key = _join(where, str(level))
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 9:
            raise reader.fail(key, "expected a severity level from 1 to 9", hint)
        if due in ("never", None):
            continue
        match = POSTMORTEM_DUE.match(str(due).strip())
        if match is None:
            raise reader.fail(key, f'"{due}" is not a number of days', hint)
        business = match.group(2).lower().startswith("b")
        rules.append((level, (int(match.group(1)), business)))
    return tuple(sorted(rules))


def _read_working_days(reader: _Reader, value: Any) -> frozenset[int]:
    hint = "List weekdays such as [mon, tue, wed, thu, fri]."
    names = reader.strings(value, "working_days", hint)
    unknown = [name for name in names if name.lower()[:3] not in WEEKDAYS]
    if unknown or not names:
        problem = f'"{unknown[0]}" is not a weekday' if unknown else "the list is empty"
        raise reader.fail("working_days", problem, hint)
    return frozenset(WEEKDAYS.index(name.lower()[:3]) for name in names)


def _read_emoji(reader: _Reader, value: Any) -> str:
    hint = 'Use an emoji name such as "pushpin" or ":round_pushpin:".'
    name = reader.string(value, "timeline_emoji", hint).strip(":")
    if not name or not all(ch.isalnum() or ch in "_-+'" for ch in name):
        raise reader.fail("timeline_emoji", f'"{value}" is not an emoji name', hint)
    return name


def _read_pattern(reader: _Reader, value: Any) -> str:
    hint = "Placeholders are {date} (YYYYMMDD), {slug} and {number}."
    pattern = reader.string(value, "channel_name_pattern", hint)
    try:
        fields = {field for _, field, _, _ in string.Formatter().parse(pattern)}
    except ValueError as error:
        problem = f'unbalanced braces in "{pattern}"'
        raise reader.fail("channel_name_pattern", problem, hint) from error
    unknown = sorted(str(f) for f in fields - {None, *CHANNEL_PATTERN_FIELDS})
    if unknown:
        problem = f'invalid placeholder {{{unknown[0]}}} in "{pattern}"'
        raise reader.fail("channel_name_pattern", problem, hint)
    try:
        pattern.format(date="20260101", slug="x", number=1)
    except (ValueError, TypeError) as error:
        problem = f'invalid format in "{pattern}": {error}'
        raise reader.fail("channel_name_pattern", problem, hint) from error
    if not fields & {"slug", "number"}:
        problem = "the pattern contains neither {slug} nor {number}"
        hint = "Without one of them every incident channel would get the same name."
        raise reader.fail("channel_name_pattern", problem, hint)
    return pattern


def _read_responders(reader: _Reader, value: Any) -> Responders:
    values = reader.mapping(value, "responders", RESPONDER_KEYS)
    users = reader.strings(values.get("users", []), "responders.users", "")
    groups = reader.strings(values.get("groups", []), "responders.groups", "")
    return Responders(users=users, groups=groups)


def _read_permissions(reader: _Reader, value: Any) -> Permissions:
    values = reader.mapping(value, "permissions", ACTIONS)
    hint = "Use " + ", ".join(LEVELS) + "."
    levels = {}
    for action, level in values.items():
        where = _join("permissions", action)
        text = reader.string(level, where, hint)
        if text not in LEVELS:
            raise reader.fail(where, f'"{text}" is not a permission level', hint)
        levels[action] = text
    return Permissions(**levels)


def _read_severities(reader: _Reader, value: Any) -> tuple[Severity, ...]:
    severities = reader.items(value, "severities", _severity_reader(reader))
    if not severities:
        hint = "Remove the key to use SEV1 to SEV4, or list at least one level."
        raise reader.fail("severities", "the list is empty", hint)
    levels = [severity.level for severity in severities]
    if sorted(levels) != list(range(1, len(levels) + 1)):
        problem = f"levels are {levels}"
        hint = "Number the levels 1, 2, 3 … without gaps; 1 is the most severe."
        raise reader.fail("severities", problem, hint)
    return tuple(sorted(severities, key=lambda severity: severity.level))


def _severity_reader(reader: _Reader) -> Callable[[Any, str], Severity]:
    def read(item: Any, where: str) -> Severity:
        values = reader.mapping(item, where, SEVERITY_KEYS)
        level = values.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 9:
            hint = "Use a whole number from 1 (most severe) to 9."
            shown = level if isinstance(level, int) else _kind(level)
            problem = f"expected a level number from 1 to 9, got {shown}"
            raise reader.fail(_join(where, "level"), problem, hint)
        name = reader.string(values.get("name"), _join(where, "name"), "e.g. SEV1")
        description = reader.string(
            values.get("description"), _join(where, "description"), ""
        )
        return Severity(level=level, name=name, description=description)

    return read


def _read_services(reader: _Reader, value: Any) -> tuple[Service, ...]:
    services = reader.items(value, "services", _service_reader(reader))
    names = [service.name for service in services]
    for index, name in enumerate(names):
        if name in names[:index]:
            where = f"services[{index}].name"
            raise reader.fail(where, f'duplicate service "{name}"', "")
    for index, service in enumerate(services):
        for dependency in service.depends_on:
            if dependency not in names:
                where = f"services[{index}].depends_on"
                problem = f'"{dependency}" is not a service in the catalogue'
                known = dict.fromkeys(names, "")
                hint = _suggest(dependency, known, "services")
                raise reader.fail(where, problem, hint)
    return services


def _service_reader(reader: _Reader) -> Callable[[Any, str], Service]:
    def read(item: Any, where: str) -> Service:
        values = reader.mapping(item, where, SERVICE_KEYS)

        def optional(key: str) -> str | None:
            if key not in values:
                return None
            return reader.string(values[key], _join(where, key))

        def many(key: str) -> tuple[str, ...]:
            return reader.strings(values.get(key, []), _join(where, key))

        return Service(
            name=reader.string(values.get("name"), _join(where, "name")),
            owners=many("owners"),
            slack_group=optional("slack_group"),
            repository=optional("repository"),
            paths=many("paths"),
            depends_on=many("depends_on"),
        )

    return read


def _read_investigation(reader: _Reader, value: Any) -> Investigation:
    where = "investigation"
    values = reader.mapping(value, where, INVESTIGATION_KEYS)
    settings: dict[str, Any] = {}
    if "repository" in values:
        key = _join(where, "repository")
        settings["repository"] = reader.string(values["repository"], key)
    for key in ("compose_files", "kubernetes", "runbook_dirs"):
        if key in values:
            settings[key] = reader.strings(values[key], _join(where, key))
    if "lookback" in values:
        key = _join(where, "lookback")
        settings["lookback"] = _read_duration(reader, values["lookback"], key)
    if "change_date" in values:
        key = _join(where, "change_date")
        choice = reader.string(values["change_date"], key)
        if choice not in ("committer", "author"):
            problem = f'"{choice}" is not a commit date'
            raise reader.fail(key, problem, "Use committer or author.")
        settings["change_date"] = choice
    if "deploy_tag_pattern" in values:
        key = _join(where, "deploy_tag_pattern")
        hint = 'Use a glob such as "deploy-*" or "release/*".'
        settings["deploy_tag_pattern"] = reader.string(
            values["deploy_tag_pattern"], key, hint
        )
    return Investigation(**settings)
