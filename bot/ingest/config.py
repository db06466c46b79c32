"""The `alerts:` section of warroom.yaml: sources, service mapping and routing rules.

warroom.yaml names the environment variables that contain secrets, never the secrets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.ingest.auth import DEFAULT_SIGNATURE_HEADER, Credentials
from bot.ingest.routing import DECLARE, IGNORE, TRIAGE, Match, Rule
from bot.ingest.services import DEFAULT_SERVICE_LABELS, ServiceMapping
from bot.ingest.signal import SOURCES

if TYPE_CHECKING:
    from bot.config import _Reader

ALERTS_KEYS = {
    "team_id": "Slack workspace id that alerts belong to",
    "triage_channel": "channel for signals that no rule routes elsewhere",
    "service_labels": "labels naming the service, tried in order",
    "service_aliases": "label value to service name",
    "sources": "credentials of each alert source",
    "rules": "routing rules, first match wins",
}
SOURCE_KEYS = {
    "bearer_token_env": "environment variable containing the bearer token",
    "hmac_secret_env": "environment variable containing the HMAC-SHA256 secret",
    "signature_header": "header carrying the HMAC-SHA256 signature",
    "signing_secret_env": "environment variable containing PagerDuty's secret",
}
RULE_KEYS = {
    "match": "conditions on the signal",
    "declare": "declare an incident at this severity level",
    "triage": "post to this triage channel",
    "ignore": "store the signal only",
}
MATCH_KEYS = {
    "source": "alert source",
    "name": "alert name",
    "severity": "severity the source sent",
    "service": "service name",
    "labels": "label values",
}
ENV_NAME_HINT = "Name an environment variable, e.g. PAGERDUTY_WEBHOOK_SECRET."


@dataclass(frozen=True)
class SourceConfig:
    """Names of the environment variables with one source's credentials."""

    bearer_token_env: str | None = None
    hmac_secret_env: str | None = None
    signature_header: str = DEFAULT_SIGNATURE_HEADER
    signing_secret_env: str | None = None

    def variables(self) -> tuple[str, ...]:
        names = (self.bearer_token_env, self.hmac_secret_env, self.signing_secret_env)
        return tuple(name for name in names if name)

    def credentials(self, environ: Mapping[str, str]) -> Credentials:
        """Read the secrets; an unset or empty variable leaves its credential out."""

        def read(name: str | None) -> str | None:
            return (environ.get(name) or "").strip() or None if name else None

        return Credentials(
            bearer_token=read(self.bearer_token_env),
            hmac_secret=read(self.hmac_secret_env),
            signature_header=self.signature_header,
            signing_secret=read(self.signing_secret_env),
        )


@dataclass(frozen=True)
class AlertsConfig:
    # None means the workspace the bot token belongs to.
    team_id: str | None = None
    triage_channel: str | None = None
    services: ServiceMapping = field(default_factory=ServiceMapping)
    sources: Mapping[str, SourceConfig] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()


def read_alerts(reader: _Reader, value: Any, levels: tuple[int, ...]) -> AlertsConfig:
    """Read the `alerts:` mapping; `levels` are the configured severity levels."""
    values = reader.mapping(value, "alerts", ALERTS_KEYS)
    config: dict[str, Any] = {}
    if "team_id" in values:
        config["team_id"] = reader.string(
            values["team_id"], "alerts.team_id", 'e.g. "T0123ABCD"'
        )
    if "triage_channel" in values:
        hint = 'Use a channel id such as "C0123ABCD" or a name such as "#alerts".'
        config["triage_channel"] = reader.string(
            values["triage_channel"], "alerts.triage_channel", hint
        )
    config["services"] = _read_service_mapping(reader, values)
    if "sources" in values:
        config["sources"] = _read_sources(reader, values["sources"])
    if "rules" in values:
        config["rules"] = reader.items(
            values["rules"], "alerts.rules", _rule_reader(reader, levels)
        )
    return AlertsConfig(**config)


def _read_service_mapping(reader: _Reader, values: dict[str, Any]) -> ServiceMapping:
    labels: tuple[str, ...] = DEFAULT_SERVICE_LABELS
    if "service_labels" in values:
        labels = reader.strings(values["service_labels"], "alerts.service_labels")
    aliases: dict[str, str] = {}
    if "service_aliases" in values:
        where = "alerts.service_aliases"
        raw = values["service_aliases"]
        if not isinstance(raw, dict):
            hint = 'Map label values to service names, e.g. {"API Service": api}.'
            raise reader.fail(where, "expected a mapping", hint)
        for key, name in raw.items():
            aliases[str(key)] = reader.string(name, f"{where}.{key}")
    return ServiceMapping(labels=labels, aliases=aliases)


def _read_sources(reader: _Reader, value: Any) -> dict[str, SourceConfig]:
    known = dict.fromkeys(SOURCES, "alert source")
    values = reader.mapping(value, "alerts.sources", known)
    return {
        source: _read_source(reader, source, entry) for source, entry in values.items()
    }


def _read_source(reader: _Reader, source: str, value: Any) -> SourceConfig:
    where = f"alerts.sources.{source}"
    values = reader.mapping(value if value is not None else {}, where, SOURCE_KEYS)
    if "signing_secret_env" in values and source != "pagerduty":
        hint = "Use bearer_token_env or hmac_secret_env for this source."
        raise reader.fail(
            f"{where}.signing_secret_env", "only PagerDuty sends this signature", hint
        )
    names: dict[str, Any] = {}
    for key in ("bearer_token_env", "hmac_secret_env", "signing_secret_env"):
        if key in values:
            names[key] = _read_env_name(reader, values[key], f"{where}.{key}")
    if "signature_header" in values:
        names["signature_header"] = reader.string(
            values["signature_header"], f"{where}.signature_header"
        )
    return SourceConfig(**names)


def _read_env_name(reader: _Reader, value: Any, where: str) -> str:
    name = reader.string(value, where, ENV_NAME_HINT)
    if not all(ch.isalnum() or ch == "_" for ch in name) or name[0].isdigit():
        problem = f'"{name}" is not an environment variable name'
        raise reader.fail(where, problem, ENV_NAME_HINT)
    return name


def _rule_reader(reader: _Reader, levels: tuple[int, ...]) -> Any:
    def read(item: Any, where: str) -> Rule:
        values = reader.mapping(item, where, RULE_KEYS)
        actions = [key for key in (DECLARE, TRIAGE, IGNORE) if key in values]
        if len(actions) != 1:
            hint = (
                "Give exactly one of declare: <level>, triage: <channel>, ignore: true."
            )
            raise reader.fail(where, f"the rule has {len(actions)} actions", hint)
        match = _read_match(reader, values.get("match", {}), f"{where}.match")
        action = actions[0]
        if action == DECLARE:
            level = _read_level(reader, values[DECLARE], f"{where}.declare", levels)
            return Rule(match, DECLARE, severity=level)
        if action == TRIAGE:
            channel = reader.string(values[TRIAGE], f"{where}.triage", "e.g. #alerts")
            return Rule(match, TRIAGE, channel=channel)
        if values[IGNORE] is not True:
            raise reader.fail(f"{where}.ignore", "expected true", "Write ignore: true.")
        return Rule(match, IGNORE)

    return read


def _read_level(
    reader: _Reader, value: Any, where: str, levels: tuple[int, ...]
) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in levels:
        choices = ", ".join(str(level) for level in levels)
        hint = f"Use one of the severity levels {choices}."
        raise reader.fail(where, f"{value!r} is not a severity level", hint)
    return value


def _read_match(reader: _Reader, value: Any, where: str) -> Match:
    values = reader.mapping(value if value is not None else {}, where, MATCH_KEYS)

    def patterns(key: str) -> tuple[str, ...]:
        if key not in values:
            return ()
        raw = values[key]
        if isinstance(raw, str):
            return (reader.string(raw, f"{where}.{key}"),)
        return reader.strings(raw, f"{where}.{key}")

    labels: list[tuple[str, tuple[str, ...]]] = []
    if "labels" in values:
        raw_labels = values["labels"]
        if not isinstance(raw_labels, dict):
            hint = "Map label names to values, e.g. {team: payments}."
            raise reader.fail(f"{where}.labels", "expected a mapping", hint)
        for label, pattern in raw_labels.items():
            key = f"{where}.labels.{label}"
            items = [pattern] if isinstance(pattern, str) else pattern
            labels.append((str(label), reader.strings(items, key)))
    if "source" in values:
        for source in patterns("source"):
            if source not in SOURCES:
                hint = "Sources are " + ", ".join(SOURCES) + "."
                raise reader.fail(f"{where}.source", f'unknown source "{source}"', hint)
    return Match(
        sources=patterns("source"),
        names=patterns("name"),
        severities=patterns("severity"),
        services=patterns("service"),
        labels=tuple(labels),
    )
