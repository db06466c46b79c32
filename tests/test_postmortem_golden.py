"""Golden files of the rendered postmortem: a full incident and a bare one.

Set WARROOM_UPDATE_GOLDEN=1 to rewrite the files after an intended change, then
review the diff like any other change.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Service, WarroomConfig
from bot.docs.postmortem import build_context, render
from bot.store import incidents
from bot.store.db import make_session_factory, transaction
from bot.store.models import ActionItem
from bot.templating import make_environment

GOLDEN = Path(__file__).parent / "golden"
START = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
CONFIG = WarroomConfig(timezone="Europe/Berlin")
CATALOGUE = (
    Service("web", depends_on=("checkout",)),
    Service("checkout", depends_on=("payments",)),
    Service("payments", depends_on=("postgres",)),
    Service("postgres"),
)


def minutes(count: int) -> datetime:
    return START + timedelta(minutes=count)


def full_incident(session) -> int:
    incident = incidents.create_incident(
        session,
        team_id="T0GOLDEN01",
        title="Checkout errors for EU users",
        description="Payments failed with 503s.",
        declared_by="U0COMMAND1",
        now=minutes(10),
        severity=2,
        services=["checkout", "payments"],
    )
    incident.severity_confirmed = True
    incident.impact_started_at = minutes(0)
    incident.detected_at = minutes(6)
    incident.acknowledged_at = minutes(9)
    incident.mitigated_at = minutes(40)
    incident.resolved_at = minutes(47)
    incident.status = "resolved"
    incident.resolution_summary = "Rolled back config 4812."
    entries = [
        (12, "note", "paged the payments team"),
        (20, "trigger", "config push 4812 set the pool size to 0"),
        (25, "why", "the pool had no connections"),
        (26, "why", "the loader accepted an empty pool size"),
        (30, "cause", "the config loader accepts an empty pool size | no check"),
        (31, "factor", "no alert on pool exhaustion"),
        (32, "impact", "40% of EU checkouts failed for 47 minutes"),
        (45, "lesson", "the rollback took 2 minutes"),
        (33, "failure-mode", "connection pool exhausted"),
        (34, "change", "4812: set the pool size from the new loader"),
        (35, "runbook", "payments-pool followed: restarted the pods"),
        (6, "milestone", "detected: PaymentsErrorBudgetBurn paged on-call"),
        (40, "milestone", "mitigated: rolled back config 4812"),
    ]
    data = {
        "lesson": {"category": "went-well"},
        "change": {
            "reference": "4812",
            "note": "set the pool size from the new loader",
        },
        "runbook": {
            "name": "payments-pool",
            "outcome": "followed",
            "note": "restarted the pods",
        },
    }
    for offset, kind, text in entries:
        extra = data.get(kind, {})
        if kind == "milestone":
            extra = {"milestone": text.partition(":")[0]}
        incidents.add_event(
            session,
            incident,
            kind=kind,
            occurred_at=minutes(offset),
            actor_id="U0COMMAND1",
            text=text,
            data=extra,
            now=minutes(offset),
        )
    session.add(
        ActionItem(
            team_id="T0GOLDEN01",
            incident_id=incident.id,
            text="Validate pool sizes in the config loader",
            owner_id="U0OWNER001",
            priority="P1",
            category="prevent",
            phase="prevention",
            effort="M",
            status="open",
            due_on=date(2026, 11, 17),
            created_by="U0COMMAND1",
            created_at=minutes(50),
        )
    )
    for text, effort, phase in [
        ("Page on pool exhaustion before checkouts fail", "S", "detection"),
        ("Add a one-click config rollback", "L", "mitigation"),
        ("Alert when a config push changes pool sizes", "2d", "detection"),
    ]:
        session.add(
            ActionItem(
                team_id="T0GOLDEN01",
                incident_id=incident.id,
                text=text,
                owner_id="U0OWNER001",
                priority="P2",
                category="mitigate" if phase == "mitigation" else "detect",
                phase=phase,
                effort=effort,
                status="open",
                due_on=date(2026, 11, 24),
                created_by="U0COMMAND1",
                created_at=minutes(51),
            )
        )
    return incident.id


def bare_incident(session) -> int:
    incident = incidents.create_incident(
        session,
        team_id="T0GOLDEN01",
        title="Something is slow",
        description="",
        declared_by="U0COMMAND1",
        now=START,
    )
    return incident.id


@pytest.mark.parametrize(
    ("name", "build", "slo"),
    [("full", full_incident, True), ("bare", bare_incident, False)],
    ids=["full", "bare"],
)
def test_postmortem_matches_golden(engine, name, build, slo):
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        incident_id = build(session)
    with sessions() as session:
        incident = incidents.lock_incident(session, incident_id)
        config = CONFIG
        if slo:
            config = replace(CONFIG, slo_file=GOLDEN / "slo.yaml", services=CATALOGUE)
        context = build_context(
            session,
            incident,
            config,
            config_path=GOLDEN / "warroom.yaml",
            now=minutes(60 * 24),
        )
    rendered = render(make_environment(), context)
    golden = GOLDEN / f"postmortem-{name}.md"
    if os.environ.get("WARROOM_UPDATE_GOLDEN") == "1":
        golden.write_text(rendered, encoding="utf-8")

    assert rendered == golden.read_text(encoding="utf-8")


def test_utc_timeline_has_one_time_column(engine):
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        incident_id = bare_incident(session)
    with sessions() as session:
        incident = incidents.lock_incident(session, incident_id)
        context = build_context(session, incident, WarroomConfig(), now=START)
    rendered = render(make_environment(), context)

    assert "| UTC | What | Who |" in rendered
    assert "| UTC | UTC |" not in rendered
