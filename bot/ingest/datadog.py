"""Datadog webhook payloads: a template the user writes, with string values.

Datadog fills `$VARIABLE`s into a JSON template and sends every value as a string,
times as epoch milliseconds. The default template sends `id`, `title`, `date`,
`last_updated`, `event_type`, `body` and `org`. These optional keys are read when
the template adds them, each filled from the Datadog variable of the same name in
upper case: `alert_id`, `alert_transition`, `aggreg_key`, `alert_priority`, `tags`,
`link`, `runbook_url`, `hostname`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.ingest.services import ServiceMapping
from bot.ingest.signal import (
    FIRING,
    RESOLVED,
    AlertSignal,
    PayloadError,
    optional_text,
    parse_epoch_millis,
    stable_key,
    text_field,
)

# The title of the default template starts with the transition in brackets, e.g.
# "[Triggered] [Memory Alert]" or "[Recovered on {host:a}] Disk full".
_TRANSITION_PREFIX = re.compile(r"^\[(?P<transition>[^\]]+)\]\s*")
RESOLVING_TRANSITIONS = frozenset({"recovered", "ok", "resolved"})
WARNING_TRANSITIONS = frozenset({"warn", "re-warn", "warning"})


def parse_datadog(
    payload: Mapping[str, Any], services: ServiceMapping
) -> list[AlertSignal]:
    title = text_field(payload, "title", "")
    transition, name = _split_title(title)
    transition = optional_text(payload, "alert_transition") or transition
    if not transition:
        raise PayloadError(
            "alert_transition: missing, and the title does not start with one such "
            'as "[Triggered]". Add "alert_transition": "$ALERT_TRANSITION" to the '
            "webhook payload."
        )
    resolved = _base_transition(transition) in RESOLVING_TRANSITIONS
    date = parse_epoch_millis(payload.get("date"), "date")
    labels = _tags(payload.get("tags"))
    monitor = optional_text(payload, "alert_id")
    return [
        AlertSignal(
            source="datadog",
            name=name,
            fingerprint=stable_key(_dedup_key(payload, monitor, name)),
            group_key=stable_key(monitor or name),
            status=RESOLVED if resolved else FIRING,
            starts_at=date,
            ends_at=date if resolved else None,
            severity=_severity(payload, transition),
            service=services.service_for(labels),
            summary=optional_text(payload, "body") or name,
            runbook_url=optional_text(payload, "runbook_url"),
            source_url=optional_text(payload, "link"),
            labels=labels,
        )
    ]


def _split_title(title: str) -> tuple[str | None, str]:
    match = _TRANSITION_PREFIX.match(title)
    if match is None:
        return None, title
    name = title[match.end() :].strip() or title
    return match.group("transition"), name


def _base_transition(transition: str) -> str:
    """Return "recovered" for "Recovered on {host:a}" and the like."""
    return transition.strip().split(" on ")[0].strip().lower()


def _dedup_key(payload: Mapping[str, Any], monitor: str | None, name: str) -> str:
    """Prefer Datadog's aggregation key, which stays the same across transitions."""
    key = optional_text(payload, "aggreg_key")
    if key:
        return key
    host = optional_text(payload, "hostname")
    base = monitor or name
    return f"{base}:{host}" if host else base


def _severity(payload: Mapping[str, Any], transition: str) -> str | None:
    priority = optional_text(payload, "alert_priority")
    if priority:
        return priority
    if _base_transition(transition) in WARNING_TRANSITIONS:
        return "warning"
    return None


def _tags(value: object) -> dict[str, str]:
    """Read "service:checkout,env:prod" (Datadog's $TAGS) into labels."""
    if value is None or value == "":
        return {}
    if not isinstance(value, str):
        raise PayloadError('tags: expected a comma-separated string such as "a:b,c".')
    labels = {}
    for tag in value.split(","):
        key, _, tag_value = tag.strip().partition(":")
        if key:
            labels[key] = tag_value
    return labels
