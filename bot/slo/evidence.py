"""What the stored data shows about users and alerts during one incident.

Whether users noticed an incident is decided by the first rule that matches:

1. A detection note (the text of `/incident detected [time] <note>`) says a customer
   or user reported it, or names a support ticket: users complained.
2. An impact statement says there was no customer or user impact: users did not
   notice.
3. The severity is SEV1 or SEV2: users complained.
4. An impact statement mentions customers, users, clients, merchants or support
   tickets: users complained.
5. There is no impact statement and the severity is SEV3 or SEV4: users did not
   notice.
6. Otherwise it is unclear, e.g. a SEV3 whose impact statement names no users.

An incident is resolved as no impact when it is resolved and an impact statement or
its resolution summary says there was no impact, or calls it a false alarm or false
positive.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.slo.impact import EventRecord, IncidentImpact, IncidentRecord, impact_of

USER = r"(?:customers?|users?|clients?|merchants?)"
NO_USER_IMPACT = re.compile(
    rf"\bno\s+(?:{USER}[- ](?:facing\s+|visible\s+)?|user[- ]visible\s+)?impact\b"
    rf"|\bnot\s+(?:customer|user)[- ](?:facing|visible)\b"
    rf"|\bno\s+{USER}\s+(?:were\s+|was\s+)?(?:affected|impacted)\b"
    rf"|\b{USER}\s+(?:did\s+not|didn't|never)\s+notice"
    rf"|\binvisible\s+to\s+{USER}",
    re.IGNORECASE,
)
MENTIONS_USERS = re.compile(rf"\b{USER}\b|\bsupport\s+tickets?\b", re.IGNORECASE)
USER_REPORTED = re.compile(
    rf"\b{USER}\b[^.;]*?\b(?:report\w*|complain\w*|told|e-?mailed|called|wrote)\b"
    rf"|\b(?:reported|raised|flagged)\s+by\s+(?:an?\s+|the\s+|some\s+|several\s+)?"
    rf"(?:{USER}|support)\b"
    r"|\bsupport\s+tickets?\b",
    re.IGNORECASE,
)
FALSE_ALARM = re.compile(
    r"\bfalse\s+(?:alarm|positive)\b|\bnot\s+an\s+incident\b", re.IGNORECASE
)
DETECTED_PREFIX = "detected: "


class Notice(enum.Enum):
    """Whether users noticed an incident, by the rules of this module."""

    COMPLAINED = "noticed by users"
    UNNOTICED = "not noticed by users"
    UNCLEAR = "unclear whether users noticed"


@dataclass(frozen=True)
class UserNotice:
    """The notice decision and the data it rests on, e.g. `SEV2`."""

    notice: Notice
    reason: str


@dataclass(frozen=True)
class AlertRecord:
    """An `alert` timeline event, which the alert webhooks write when alerts fire."""

    occurred_at: datetime
    name: str
    source: str
    status: str
    severity: str | None
    service: str | None


@dataclass(frozen=True)
class DismissedAlert:
    """A signal of a group that someone dismissed in triage."""

    name: str
    source: str
    severity: str | None
    service: str
    starts_at: datetime


@dataclass(frozen=True)
class IncidentEvidence:
    """An incident's impact with the texts and alerts that tell what users saw."""

    impact: IncidentImpact
    impact_texts: tuple[str, ...]
    detection_notes: tuple[str, ...]
    resolution: str
    resolved: bool
    alerts: tuple[AlertRecord, ...]


class ResolvedIncidentRecord(IncidentRecord, Protocol):
    """A stored incident with its resolution summary."""

    @property
    def resolution_summary(self) -> str: ...


def evidence_of(
    incident: ResolvedIncidentRecord, events: Iterable[EventRecord], now: datetime
) -> IncidentEvidence:
    """Collect an incident's impact, impact texts, detection notes and alerts."""
    stored = list(events)
    return IncidentEvidence(
        impact=impact_of(incident, stored, now),
        impact_texts=tuple(e.text for e in stored if e.kind == "impact"),
        detection_notes=tuple(_detection_notes(stored)),
        resolution=incident.resolution_summary or "",
        resolved=incident.resolved_at is not None,
        alerts=tuple(_alert(e) for e in stored if e.kind == "alert"),
    )


def _detection_notes(events: list[EventRecord]) -> list[str]:
    notes = []
    for event in events:
        data = event.data or {}
        detected = event.kind == "milestone" and data.get("milestone") == "detected"
        if detected and event.text.startswith(DETECTED_PREFIX):
            notes.append(event.text.removeprefix(DETECTED_PREFIX))
    return notes


def _alert(event: EventRecord) -> AlertRecord:
    data = event.data or {}
    severity = data.get("severity")
    service = data.get("service")
    # The alert feed writes "<alert name> firing[: <summary>]".
    name = event.text.split(" firing", 1)[0]
    return AlertRecord(
        occurred_at=event.occurred_at,
        name=name,
        source=str(data.get("source") or "unknown source"),
        status=str(data.get("status") or ""),
        severity=None if severity is None else str(severity),
        service=None if service is None else str(service),
    )


def user_notice(evidence: IncidentEvidence) -> UserNotice:
    """Decide whether users noticed the incident, by the rules of this module."""
    severity = evidence.impact.severity
    for note in evidence.detection_notes:
        if USER_REPORTED.search(note):
            return UserNotice(Notice.COMPLAINED, f'detection note "{note}"')
    for text in evidence.impact_texts:
        if NO_USER_IMPACT.search(text):
            return UserNotice(Notice.UNNOTICED, f'impact "{text}"')
    if severity in (1, 2):
        return UserNotice(Notice.COMPLAINED, f"SEV{severity}")
    for text in evidence.impact_texts:
        if MENTIONS_USERS.search(text):
            return UserNotice(Notice.COMPLAINED, f'impact "{text}"')
    if not evidence.impact_texts and severity in (3, 4):
        return UserNotice(Notice.UNNOTICED, f"SEV{severity} with no impact recorded")
    if severity is None:
        return UserNotice(Notice.UNCLEAR, "no severity set")
    return UserNotice(Notice.UNCLEAR, f"SEV{severity}, impact names no users")


def no_impact_reason(evidence: IncidentEvidence) -> str | None:
    """Return the text showing the incident was resolved as no impact, else None."""
    if not evidence.resolved:
        return None
    for text in evidence.impact_texts:
        if NO_USER_IMPACT.search(text) or FALSE_ALARM.search(text):
            return f'impact "{text}"'
    resolution = evidence.resolution
    if NO_USER_IMPACT.search(resolution) or FALSE_ALARM.search(resolution):
        return f'resolution "{resolution}"'
    return None
