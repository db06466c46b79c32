"""What an incident did to its services: when, for how long, and at which error ratio.

The error ratio comes, in this order, from the newest `/incident impact` statement
that states one ("40% errors"), from alert data stored on a timeline event under
`error_ratio`, or, for a SEV1 with nothing else known, a full outage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Protocol

FULL_OUTAGE = Fraction(1)
NUMBER = r"(\d+(?:[.,]\d+)?)\s*%"
ERROR_WORDS = (
    r"errors?|error[- ]rate|fail(?:ed|ing|ures?|s)?|5xx|unavailable|timeouts?|"
    r"timed[- ]out|dropped|rejected|broken|down"
)
# "40% errors", "40% of checkouts failed", "0.4% of requests failed"
PERCENT_THEN_WORD = re.compile(
    NUMBER + r"(?:\s+of\s+(?:the\s+|all\s+)?[\w/.-]+(?:\s+[\w/.-]+)?)?\s+"
    rf"(?:were\s+|are\s+|got\s+)?(?:{ERROR_WORDS})\b",
    re.IGNORECASE,
)
# "error rate 2.5%", "error rate of 2.5%", "errors at 40%", "failure rate: 3%"
WORD_THEN_PERCENT = re.compile(
    r"\b(?:error|failure|fail)(?:s|\s+rate|\s+ratio)?\s*(?:of|at|was|is|:|=|~)?\s*"
    r"(?:about\s+|around\s+|~)?" + NUMBER,
    re.IGNORECASE,
)
# "success rate 97%", "availability 99.2%": the error ratio is the rest.
SUCCESS_PERCENT = re.compile(
    r"\b(?:success(?:\s+rate)?|availability)\s*(?:of|at|was|fell to|dropped to|:|=)?"
    r"\s*" + NUMBER,
    re.IGNORECASE,
)
FULL = re.compile(
    r"\b(?:full|complete|total|hard)\s+outage\b|\b(?:completely|fully)\s+down\b|"
    r"\ball\s+requests\s+failed\b",
    re.IGNORECASE,
)


def parse_error_ratio(text: str) -> Fraction | None:
    """Find the error ratio stated in an impact text, or None when it states none."""
    if FULL.search(text):
        return FULL_OUTAGE
    for pattern in (PERCENT_THEN_WORD, WORD_THEN_PERCENT):
        match = pattern.search(text)
        if match:
            return _percent(match.group(1))
    match = SUCCESS_PERCENT.search(text)
    if match:
        success = _percent(match.group(1))
        return None if success is None else 1 - success
    return None


def _percent(number: str) -> Fraction | None:
    try:
        value = Fraction(Decimal(number.replace(",", "."))) / 100
    except InvalidOperation:
        return None
    return value if 0 < value <= 1 else None


def alert_error_ratio(data: Mapping[str, Any]) -> Fraction | None:
    """Read `error_ratio` (a fraction such as 0.4, or text "40%") from alert data."""
    value = data.get("error_ratio")
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    if text.endswith("%"):
        return _percent(text[:-1])
    try:
        ratio = Fraction(Decimal(text))
    except InvalidOperation:
        return None
    return ratio if 0 < ratio <= 1 else None


class EventRecord(Protocol):
    """A stored timeline event, as bot.store.models.TimelineEvent provides it."""

    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def data(self) -> dict[str, Any]: ...


class IncidentRecord(Protocol):
    """A stored incident, as bot.store.models.Incident provides it."""

    @property
    def number(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> int | None: ...
    @property
    def services(self) -> list[str]: ...
    @property
    def declared_at(self) -> datetime: ...
    @property
    def impact_started_at(self) -> datetime | None: ...
    @property
    def detected_at(self) -> datetime | None: ...
    @property
    def mitigated_at(self) -> datetime | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class IncidentImpact:
    """An incident's impact window and error ratio, ready for budget arithmetic."""

    reference: str
    title: str
    severity: int | None
    services: tuple[str, ...]
    start: datetime
    end: datetime
    # True while neither mitigation nor resolution is recorded; `end` is then "now".
    ongoing: bool
    error_ratio: Fraction | None
    # Where the ratio came from, or what to run when it is unknown.
    ratio_source: str
    detected_at: datetime


UNKNOWN_RATIO = (
    "no error ratio is known. Record one with `/incident impact 40% errors` "
    "(or `error rate 2.5%`, `full outage`)"
)


def impact_of(
    incident: IncidentRecord, events: Iterable[EventRecord], now: datetime
) -> IncidentImpact:
    """Build an incident's impact from its stored record and timeline events."""
    detected = min(
        moment
        for moment in (incident.detected_at, incident.declared_at)
        if moment is not None
    )
    start = incident.impact_started_at or detected
    end = incident.mitigated_at or incident.resolved_at
    ratio, source = _error_ratio(incident.severity, list(events))
    return IncidentImpact(
        reference=f"INC-{incident.number}",
        title=incident.title,
        severity=incident.severity,
        services=tuple(incident.services or ()),
        start=start,
        end=max(end or now, start),
        ongoing=end is None,
        error_ratio=ratio,
        ratio_source=source,
        detected_at=detected,
    )


def _error_ratio(
    severity: int | None, events: list[EventRecord]
) -> tuple[Fraction | None, str]:
    newest_first = sorted(events, key=lambda event: event.occurred_at, reverse=True)
    for event in newest_first:
        if event.kind == "impact":
            ratio = parse_error_ratio(event.text)
            if ratio is not None:
                return ratio, f'impact statement "{event.text}"'
    for event in newest_first:
        ratio = alert_error_ratio(event.data or {})
        if ratio is not None:
            return ratio, f"alert data of the {event.kind} event"
    if severity == 1:
        return FULL_OUTAGE, "SEV1 with no error ratio recorded, counted as full outage"
    return None, UNKNOWN_RATIO
