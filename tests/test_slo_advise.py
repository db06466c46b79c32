"""`warroom slo advise`: proposals from an incident history spanning several months."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.slo.advice_text import advice_lines
from bot.slo.advise import (
    FIX_ALERTING,
    KEEP,
    LOOSEN,
    NOT_ENOUGH_DATA,
    TIGHTEN,
    Advice,
    advise,
    window_ends,
)
from bot.slo.evidence import (
    DismissedAlert,
    IncidentEvidence,
    Notice,
    evidence_of,
    no_impact_reason,
    user_notice,
)
from bot.slo.model import Slo, SloCatalog, Window
from bot.store import incidents
from bot.store.db import make_session_factory, transaction
from bot.store.models import Signal, SignalGroup

NOW = datetime(2026, 12, 1, tzinfo=UTC)
RECORDS_SINCE = datetime(2026, 6, 1, tzinfo=UTC)
CHECKOUT = Slo("checkout", "availability", Fraction(999, 1000), Window.rolling_days(30))
SEARCH = Slo("search", "availability", Fraction(995, 1000), Window.rolling_days(30))
PAYMENTS = Slo("payments", "availability", Fraction(999, 1000), Window.rolling_days(30))
CATALOG = SloCatalog((CHECKOUT, SEARCH, PAYMENTS))


@dataclass(frozen=True)
class Event:
    """A timeline event as the store returns it."""

    kind: str
    text: str
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Record:
    """A stored incident as the store returns it."""

    number: int
    title: str
    severity: int | None
    services: list[str]
    declared_at: datetime
    impact_started_at: datetime | None = None
    detected_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution_summary: str = ""


def incident(
    number: int,
    started: datetime,
    minutes: int,
    *,
    service: str,
    severity: int,
    impact: str | None = None,
    detected_after: int = 2,
    detection_note: str | None = None,
    resolution: str = "",
    alerts: tuple[str, ...] = (),
) -> IncidentEvidence:
    """Build an incident's evidence the way the store does, from records and events."""
    detected = started + timedelta(minutes=detected_after)
    mitigated = started + timedelta(minutes=minutes)
    record = Record(
        number=number,
        title=f"Incident {number}",
        severity=severity,
        services=[service],
        declared_at=detected + timedelta(minutes=1),
        impact_started_at=started,
        detected_at=detected,
        mitigated_at=mitigated,
        resolved_at=mitigated + timedelta(minutes=20),
        resolution_summary=resolution,
    )
    events = []
    if impact is not None:
        events.append(Event("impact", impact, mitigated))
    if detection_note is not None:
        events.append(
            Event(
                "milestone",
                f"detected: {detection_note}",
                detected,
                {"milestone": "detected"},
            )
        )
    for name in alerts:
        data = {"source": "alertmanager", "status": "firing", "severity": "page"}
        events.append(Event("alert", f"{name} firing", started, data))
    return evidence_of(record, events, NOW)


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


def unnoticed_batch_errors(number: int, days: int, hours: int = 4) -> IncidentEvidence:
    # 20% errors for 4 hours: 2,880 s of a 2,592 s budget, 111.11%.
    return incident(
        number,
        days_ago(days),
        hours * 60,
        service="checkout",
        severity=3,
        impact="20% errors on internal reconciliation calls, no customer impact",
    )


def search_complaint(number: int, days: int, minutes: int = 30) -> IncidentEvidence:
    # 1% errors for 30 minutes: 18 s of a 12,960 s budget, 0.14%.
    return incident(
        number,
        days_ago(days),
        minutes,
        service="search",
        severity=2,
        impact="1% errors, customers saw empty search results",
    )


def advice_for(
    slo: Slo,
    history: list[IncidentEvidence],
    dismissed: tuple[DismissedAlert, ...] = (),
    records_since: datetime | None = RECORDS_SINCE,
) -> Advice:
    found = advise(CATALOG, history, dismissed, now=NOW, records_since=records_since)
    (advice,) = [advice for advice in found if advice.slo == slo]
    return advice


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param(
            incident(1, NOW, 10, service="x", severity=3),
            Notice.UNNOTICED,
            id="sev3-no-impact",
        ),
        pytest.param(
            incident(1, NOW, 10, service="x", severity=2, impact="no customer impact"),
            Notice.UNNOTICED,
            id="sev2-says-no-customer-impact",
        ),
        pytest.param(
            incident(1, NOW, 10, service="x", severity=2),
            Notice.COMPLAINED,
            id="sev2",
        ),
        pytest.param(
            incident(
                1, NOW, 10, service="x", severity=3, impact="users saw stale prices"
            ),
            Notice.COMPLAINED,
            id="impact-names-users",
        ),
        pytest.param(
            incident(
                1,
                NOW,
                10,
                service="x",
                severity=4,
                impact="no customer impact",
                detection_note="reported by a customer through a support ticket",
            ),
            Notice.COMPLAINED,
            id="customer-reported-wins",
        ),
        pytest.param(
            incident(1, NOW, 10, service="x", severity=3, impact="cache hit rate fell"),
            Notice.UNCLEAR,
            id="sev3-impact-without-users",
        ),
    ],
)
def test_user_notice_rules(evidence, expected):
    assert user_notice(evidence).notice is expected


def test_no_impact_needs_resolution():
    false_alarm = incident(
        1, NOW, 10, service="x", severity=3, resolution="False alarm: probe misfired"
    )
    unresolved = replace(false_alarm, resolved=False)

    assert no_impact_reason(false_alarm) == 'resolution "False alarm: probe misfired"'
    assert no_impact_reason(unresolved) is None


def test_rolling_windows_end_now():
    moments = window_ends(CHECKOUT, NOW, 3)

    assert moments == [days_ago(60), days_ago(30), NOW]


def test_calendar_windows_include_running_month():
    monthly = Slo("checkout", "monthly", Fraction(999, 1000), Window.calendar_month())
    now = datetime(2026, 12, 15, tzinfo=UTC)

    bounds = [monthly.window.bounds(m) for m in window_ends(monthly, now, 3)]

    assert [start.month for start, _ in bounds] == [10, 11, 12]
    assert bounds[-1][1] == datetime(2027, 1, 1, tzinfo=UTC)


def test_unnoticed_breaches_propose_loosen():
    history = [
        unnoticed_batch_errors(n, days) for n, days in ((1, 75), (2, 45), (3, 10))
    ]

    advice = advice_for(CHECKOUT, history)

    assert advice.verdicts == (LOOSEN,)
    assert [w.consumed for w in advice.windows] == [Fraction(10, 9)] * 3
    assert "used the whole budget or more on their own" in advice.reasons[0]
    # 1 - 10/9 x 0.1% = 99.8888...%, rounded down.
    assert "An objective of 99.8888% or lower" in advice.reasons[2]


def test_loosen_disappears_when_one_window_holds():
    history = [
        unnoticed_batch_errors(1, 75),
        unnoticed_batch_errors(2, 45, hours=1),
        unnoticed_batch_errors(3, 10),
    ]

    advice = advice_for(CHECKOUT, history)

    assert advice.verdicts == (KEEP,)
    assert advice.windows[1].consumed == Fraction(5, 18)
    assert "2 of 3 windows exhausted the budget" in advice.reasons[0]


def test_quiet_budget_with_complaints_proposes_tighten():
    history = [search_complaint(1, 70), search_complaint(2, 20)]

    advice = advice_for(SEARCH, history)

    assert advice.verdicts == (TIGHTEN,)
    assert "No window came close to exhausting the budget" in advice.reasons[0]
    assert "INC-1 (SEV2, used 0.14%)" in advice.reasons[1]
    # 1 - 18/12960 x 0.5% = 99.999305...%, rounded up.
    assert "99.9994% or higher would have used the whole budget" in advice.reasons[2]


def test_tighten_disappears_near_exhaustion():
    # A full search outage of 3 hours uses 83.33% of the budget.
    outage = incident(
        3, days_ago(40), 180, service="search", severity=1, impact="full outage"
    )

    advice = advice_for(SEARCH, [search_complaint(1, 70), outage])

    assert advice.verdicts == (KEEP,)
    assert advice.windows[1].consumed == Fraction(5, 6)


def test_unknown_ratio_is_not_enough_data():
    slow = incident(
        1,
        days_ago(20),
        90,
        service="payments",
        severity=3,
        impact="payments slow for some users",
    )

    advice = advice_for(PAYMENTS, [slow])

    assert advice.verdicts == (NOT_ENOUGH_DATA,)
    assert "No error ratio is recorded for INC-1" in advice.reasons[0]
    assert "at least 0.00% used" in advice_lines([advice])[3]


def test_recorded_ratio_replaces_unknown():
    slow = incident(
        1,
        days_ago(20),
        90,
        service="payments",
        severity=3,
        impact="payments slow for some users, 0.5% errors",
    )

    advice = advice_for(PAYMENTS, [slow])

    # Users noticed, and 27 s of a 2,592 s budget is far from exhaustion.
    assert advice.verdicts == (TIGHTEN,)


def test_records_after_oldest_window():
    advice = advice_for(CHECKOUT, [], records_since=days_ago(40))

    assert advice.verdicts == (NOT_ENOUGH_DATA,)
    assert "Use --windows 1 to judge only the windows recorded." in advice.reasons[0]


def test_no_records_at_all():
    advice = advice_for(CHECKOUT, [], records_since=None)

    assert advice.verdicts == (NOT_ENOUGH_DATA,)
    assert "warroom has no records yet" in advice.reasons[0]


def test_no_incidents_keeps_objective():
    advice = advice_for(CHECKOUT, [])

    assert advice.verdicts == (KEEP,)
    assert "No incident was charged" in advice.reasons[0]


def test_late_detection_fixes_alerting():
    # A full outage detected after 30 minutes: the fast-burn alert (14.4x over 1h)
    # would have fired after 51.84 s.
    outage = incident(
        1,
        days_ago(12),
        40,
        service="payments",
        severity=1,
        impact="full outage of card payments",
        detected_after=30,
        detection_note="customer reported failed payments to support",
    )

    advice = advice_for(PAYMENTS, [outage])

    assert advice.verdicts == (KEEP, FIX_ALERTING)
    late = [reason for reason in advice.reasons if "fast burn alert" in reason]
    assert len(late) == 1
    assert "29m 08s after the fast burn alert (14.4x over 1h and 5m)" in late[0]


def test_prompt_detection_needs_no_alerting_fix():
    outage = incident(
        1,
        days_ago(12),
        40,
        service="payments",
        severity=1,
        impact="full outage of card payments",
        detected_after=3,
    )

    advice = advice_for(PAYMENTS, [outage])

    assert FIX_ALERTING not in advice.verdicts


def dismissed(days: int) -> DismissedAlert:
    return DismissedAlert(
        name="PaymentsLatencyHigh",
        source="alertmanager",
        severity="page",
        service="payments",
        starts_at=days_ago(days),
    )


def false_alarm(number: int, days: int) -> IncidentEvidence:
    return incident(
        number,
        days_ago(days),
        15,
        service="payments",
        severity=3,
        resolution="False alarm, the synthetic check lost its credentials",
        alerts=("PaymentsErrorBudgetBurn",),
    )


def test_one_noisy_alert_is_reported_only():
    advice = advice_for(PAYMENTS, [false_alarm(1, 50)])

    assert advice.verdicts == (KEEP,)
    assert advice.reasons[-2] == (
        "1 alert on payments fired for nothing, which is not yet a pattern."
    )


def test_noisy_alerts_fix_alerting():
    advice = advice_for(PAYMENTS, [false_alarm(1, 50)], (dismissed(20),))

    assert advice.verdicts == (KEEP, FIX_ALERTING)
    assert "2 alerts on payments fired for nothing." in advice.reasons
    assert any("INC-1 was resolved as no impact" in r for r in advice.reasons)
    assert any("dismissed in triage" in r for r in advice.reasons)


def test_old_noise_is_ignored():
    advice = advice_for(PAYMENTS, [false_alarm(1, 50)], (dismissed(120),))

    assert advice.verdicts == (KEEP,)


def test_advice_lines_show_windows_and_verdict():
    history = [
        unnoticed_batch_errors(n, days) for n, days in ((1, 75), (2, 45), (3, 10))
    ]

    lines = advice_lines([advice_for(CHECKOUT, history)])

    assert lines[0].startswith("checkout/availability: 99.9% over a rolling 30d")
    assert lines[1] == "  2026-09-02 00:00 to 2026-10-02 00:00 UTC: 111.11% used"
    assert lines[2].startswith("    INC-1 111.11%, not noticed by users (impact ")
    assert "  verdict: loosen" in lines


SLO_YAML = """\
slos:
  - service: checkout
    sli: availability
    objective: 99.9%
    window: 30d
  - service: payments
    sli: availability
    objective: 99.9%
    window: 30d
"""


def store_history(engine) -> None:
    """Store six months of checkout and payments incidents, and dismissed alerts."""
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        first = incidents.create_incident(
            session,
            team_id="T0FAKETEAM",
            title="Checkout deploy rolled back",
            description="",
            declared_by="U0FAKEUSER1",
            now=RECORDS_SINCE,
            severity=4,
            services=["checkout"],
        )
        first.resolved_at = RECORDS_SINCE + timedelta(minutes=30)
        for days in (75, 45, 10):
            _store_batch_errors(session, days)
        _store_false_alarm(session, 50)
        for days in (30, 5):
            _store_dismissed(session, days)


def _store_batch_errors(session, days: int) -> None:
    started = days_ago(days)
    stored = incidents.create_incident(
        session,
        team_id="T0FAKETEAM",
        title="Reconciliation errors",
        description="",
        declared_by="U0FAKEUSER1",
        now=started + timedelta(minutes=5),
        severity=3,
        services=["checkout"],
    )
    stored.impact_started_at = started
    stored.mitigated_at = started + timedelta(hours=4)
    stored.resolved_at = stored.mitigated_at
    incidents.add_event(
        session,
        stored,
        kind="impact",
        occurred_at=stored.mitigated_at,
        actor_id="U0FAKEUSER1",
        text="20% errors on internal reconciliation calls, no customer impact",
        now=stored.mitigated_at,
    )


def _store_false_alarm(session, days: int) -> None:
    started = days_ago(days)
    stored = incidents.create_incident(
        session,
        team_id="T0FAKETEAM",
        title="Payments error budget burn",
        description="",
        declared_by="U0FAKEUSER1",
        now=started,
        severity=3,
        services=["payments"],
    )
    stored.resolved_at = started + timedelta(minutes=15)
    stored.resolution_summary = "False alarm, the synthetic check lost its login"
    incidents.add_event(
        session,
        stored,
        kind="alert",
        occurred_at=started,
        actor_id=None,
        text="PaymentsErrorBudgetBurn firing",
        data={"source": "alertmanager", "status": "firing", "severity": "page"},
        now=started,
    )


def _store_dismissed(session, days: int) -> None:
    moment = days_ago(days)
    group = SignalGroup(
        team_id="T0FAKETEAM",
        source="alertmanager",
        group_key=f"payments-latency-{days}",
        title="PaymentsLatencyHigh",
        route="triage",
        state="dismissed",
        decided_by="U0FAKEUSER1",
        created_at=moment,
        updated_at=moment,
    )
    session.add(group)
    session.flush()
    session.add(
        Signal(
            team_id="T0FAKETEAM",
            source="alertmanager",
            fingerprint=f"latency-{days}",
            group_id=group.id,
            name="PaymentsLatencyHigh",
            status="resolved",
            severity="page",
            service="payments",
            starts_at=moment,
            first_received_at=moment,
            last_received_at=moment,
        )
    )


def run_cli(monkeypatch, *args: str, **env: str) -> int:
    for name in ("WARROOM_CONFIG", "WARROOM_DOCS_REPO", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(list(args))


@pytest.fixture
def docs_repo(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "slo.yaml").write_text(SLO_YAML, encoding="utf-8")
    return folder


def test_cli_advise_prints_verdicts(
    monkeypatch, capsys, engine, database_url, docs_repo
):
    store_history(engine)

    code = run_cli(
        monkeypatch,
        "slo",
        "advise",
        "--now",
        NOW.isoformat(),
        DATABASE_URL=database_url,
        WARROOM_DOCS_REPO=str(docs_repo),
    )

    out = capsys.readouterr().out
    checkout, payments = out.split("\n\n")
    assert code == 0
    assert "  verdict: loosen" in checkout.splitlines()
    assert "An objective of 99.8888% or lower" in checkout
    assert "  verdict: keep, fix alerting" in payments.splitlines()
    assert "  - 3 alerts on payments fired for nothing." in payments.splitlines()
    assert 'resolved as no impact (resolution "False alarm' in payments


def test_cli_advise_fewer_windows(monkeypatch, capsys, engine, database_url, docs_repo):
    store_history(engine)

    code = run_cli(
        monkeypatch,
        "slo",
        "advise",
        "--windows",
        "1",
        "--now",
        NOW.isoformat(),
        DATABASE_URL=database_url,
        WARROOM_DOCS_REPO=str(docs_repo),
    )

    out = capsys.readouterr().out
    assert code == 0
    checkout = out.split("\n\n")[0].splitlines()
    assert len([line for line in checkout if line.endswith(" used")]) == 1
    assert "  verdict: loosen" in checkout


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        pytest.param(
            "--windows", "0", "is not a whole number from 1 to 120", id="zero"
        ),
        pytest.param("--now", "2026-12-01T00:00", "has no offset", id="naive"),
        pytest.param("--now", "yesterday", "is not an ISO 8601 time", id="text"),
    ],
)
def test_cli_advise_rejects_options(monkeypatch, capsys, option, value, message):
    with pytest.raises(SystemExit) as exit_info:
        run_cli(monkeypatch, "slo", "advise", option, value)

    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
