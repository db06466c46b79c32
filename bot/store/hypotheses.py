"""Hypotheses and their evidence, and the services each incident affected."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.incidents.naming import incident_reference
from bot.investigate.deps import TracedIncident
from bot.store.models import Hypothesis, HypothesisEvidence, Incident, TimelineEvent

OPEN = "open"
CONFIRMED = "confirmed"
RULED_OUT = "ruled-out"
STATUSES = (OPEN, CONFIRMED, RULED_OUT)


def for_incident(session: Session, incident_id: int) -> Sequence[Hypothesis]:
    """Return the incident's hypotheses, oldest first, with their evidence loaded."""
    return session.scalars(
        select(Hypothesis)
        .where(Hypothesis.incident_id == incident_id)
        .options(selectinload(Hypothesis.evidence))
        .order_by(Hypothesis.created_at, Hypothesis.id)
    ).all()


def find(
    session: Session, team_id: str, hypothesis_id: int, *, fresh: bool = False
) -> Hypothesis | None:
    """Return the team's hypothesis; `fresh` reloads it instead of using the cache."""
    hypothesis = session.get(Hypothesis, hypothesis_id, populate_existing=fresh)
    if hypothesis is None or hypothesis.team_id != team_id:
        return None
    return hypothesis


def add_evidence(
    session: Session,
    hypothesis: Hypothesis,
    *,
    link: str,
    note: str,
    user_id: str,
    at: datetime,
) -> HypothesisEvidence:
    evidence = HypothesisEvidence(
        team_id=hypothesis.team_id,
        hypothesis_id=hypothesis.id,
        link=link,
        note=note,
        added_by=user_id,
        added_at=at,
    )
    session.add(evidence)
    session.flush()
    return evidence


def traced_incidents(session: Session, team_id: str | None) -> list[TracedIncident]:
    """Return the services of every incident, `team_id`'s only when given.

    Services come from the incident's list and from timeline events of kind
    "services" whose data contains a "services" list.
    """
    query = select(Incident)
    if team_id is not None:
        query = query.where(Incident.team_id == team_id)
    found = []
    for incident in session.scalars(query.order_by(Incident.team_id, Incident.number)):
        services = list(incident.services or [])
        events = session.scalars(
            select(TimelineEvent).where(
                TimelineEvent.incident_id == incident.id,
                TimelineEvent.kind == "services",
                TimelineEvent.deleted.is_(False),
            )
        )
        for event in events:
            listed = (event.data or {}).get("services")
            if isinstance(listed, list):
                services.extend(str(name) for name in listed)
        reference = incident_reference(incident.number)
        found.append(TracedIncident(reference, tuple(dict.fromkeys(services))))
    return found
