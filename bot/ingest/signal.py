"""The signal: one alert from a monitoring source, in one shape for every source."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.errors import WarroomError

FIRING = "firing"
RESOLVED = "resolved"

SOURCES = ("alertmanager", "grafana", "pagerduty", "datadog")

# Keys longer than this are stored as their SHA-256 digest, which fits the column.
MAX_KEY_LENGTH = 200

# Alertmanager and Grafana send this endsAt for an alert that has not ended.
ZERO_TIME = "0001-01-01T00:00:00Z"

_FRACTION = re.compile(r"\.(\d+)")


class PayloadError(WarroomError):
    """An alert webhook body is not valid JSON or lacks a field the source sends."""


@dataclass(frozen=True)
class AlertSignal:
    """One alert as warroom stores it, whatever the source.

    `fingerprint` identifies the alert across deliveries, so a repeat updates the
    stored signal. `group_key` identifies the notification group the source sent it
    in; the triage post is one per group.
    """

    source: str
    name: str
    fingerprint: str
    group_key: str
    status: str
    starts_at: datetime
    ends_at: datetime | None = None
    severity: str | None = None
    service: str | None = None
    summary: str = ""
    runbook_url: str | None = None
    dashboard_url: str | None = None
    source_url: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)


def stable_key(value: str) -> str:
    """Return `value`, or its SHA-256 hex digest when it is too long to store."""
    if len(value) <= MAX_KEY_LENGTH:
        return value
    return hashlib.sha256(value.encode()).hexdigest()


def parse_time(value: object, where: str) -> datetime:
    """Parse an RFC 3339 time as sources send it into an aware UTC datetime.

    Go's encoder writes up to nine fraction digits (Alertmanager's startsAt), but
    Python parses at most six, so the rest are dropped.
    """
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{where}: expected an RFC 3339 time, got {value!r}.")
    text = _FRACTION.sub(lambda match: "." + match.group(1)[:6].ljust(6, "0"), value)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise PayloadError(f"{where}: {value!r} is not an RFC 3339 time.") from error
    if moment.tzinfo is None:
        raise PayloadError(f"{where}: {value!r} has no time zone offset.")
    return moment.astimezone(UTC)


def parse_optional_end(value: object, where: str) -> datetime | None:
    """Parse endsAt, where a missing value or year 1 means the alert has not ended."""
    if value in (None, "", ZERO_TIME):
        return None
    moment = parse_time(value, where)
    return None if moment.year == 1 else moment


def parse_epoch_millis(value: object, where: str) -> datetime:
    """Parse epoch milliseconds, sent as a string of digits or as a number."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PayloadError(f"{where}: expected epoch milliseconds, got {value!r}.")
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise PayloadError(f"{where}: {value!r} is not epoch milliseconds.")
    return datetime.fromtimestamp(int(text) / 1000, UTC)


def text_field(data: Mapping[str, object], key: str, where: str) -> str:
    """Return a required non-empty string field of a payload object."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{where}.{key}: expected a non-empty string.")
    return value.strip()


def optional_text(data: Mapping[str, object], key: str) -> str | None:
    """Return a string field, or None when it is missing, empty or not a string."""
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def mapping_field(
    data: Mapping[str, object], key: str, where: str
) -> dict[str, object]:
    """Return an object field; a missing one is empty, any other type is an error."""
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"{where}.{key}: expected an object.")
    return value


def string_labels(data: Mapping[str, object]) -> dict[str, str]:
    """Keep the string-valued entries of a labels or annotations object."""
    return {str(key): value for key, value in data.items() if isinstance(value, str)}
