"""Incident impact, budget accounts, burn-rate alert timings and policy findings."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest

from bot.slo.accounting import budget_status, incident_costs, services_without_slo
from bot.slo.alerting import DEFAULT_RULES, alert_rule, alert_timings, rules_for
from bot.slo.impact import (
    FULL_OUTAGE,
    IncidentImpact,
    alert_error_ratio,
    impact_of,
    parse_error_ratio,
)
from bot.slo.model import AlertWindows, BurnRateRule, Slo, SloCatalog, Window
from bot.slo.policy import (
    FEATURE_FREEZE,
    LATE_DETECTION,
    NO_SLO,
    POSTMORTEM_REQUIRED,
    policy_findings,
)
from bot.slo.text import report_lines

START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
CHECKOUT = Slo("checkout", "availability", Fraction(999, 1000), Window.rolling_days(30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40% errors", Fraction(2, 5)),
        ("error rate 2.5%", Fraction(1, 40)),
        ("0.4% of requests failed", Fraction(1, 250)),
        ("full outage", FULL_OUTAGE),
        ("40% of checkouts failed for 47 minutes", Fraction(2, 5)),
        ("about 5% of payments were rejected", Fraction(1, 20)),
        ("success rate fell to 97%", Fraction(3, 100)),
        ("error rate of 12,5% in the EU", Fraction(1, 8)),
        ("checkout completely down", FULL_OUTAGE),
        ("latency 40% higher than usual", None),
        ("3000 users could not log in", None),
        ("", None),
    ],
    ids=[
        "percent-errors",
        "error-rate",
        "of-requests-failed",
        "full-outage",
        "of-checkouts-failed",
        "were-rejected",
        "success-rate",
        "decimal-comma",
        "completely-down",
        "latency-not-errors",
        "count-not-ratio",
        "empty",
    ],
)
def test_error_ratio_parsed(text, expected):
    assert parse_error_ratio(text) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"error_ratio": 0.4}, Fraction(2, 5)),
        ({"error_ratio": "12.5%"}, Fraction(1, 8)),
        ({"error_ratio": 7}, None),
        ({"error_ratio": True}, None),
        ({}, None),
    ],
    ids=["fraction", "percent-text", "above-one", "boolean", "absent"],
)
def test_alert_error_ratio(data, expected):
    assert alert_error_ratio(data) == expected


@dataclass
class StoredIncident:
    number: int = 7
    title: str = "Checkout errors"
    severity: int | None = 2
    services: list[str] = field(default_factory=lambda: ["checkout"])
    declared_at: datetime = START + timedelta(minutes=20)
    impact_started_at: datetime | None = START
    detected_at: datetime | None = START + timedelta(minutes=15)
    mitigated_at: datetime | None = START + timedelta(minutes=47)
    resolved_at: datetime | None = START + timedelta(hours=2)


@dataclass
class StoredEvent:
    kind: str
    text: str
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def test_impact_uses_newest_statement_with_ratio():
    events = [
        StoredEvent("impact", "10% errors", START + timedelta(minutes=10)),
        StoredEvent("impact", "40% errors", START + timedelta(minutes=30)),
        StoredEvent("impact", "customers angry", START + timedelta(minutes=40)),
        StoredEvent("alert", "", START + timedelta(minutes=50), {"error_ratio": 1}),
    ]

    impact = impact_of(StoredIncident(), events, START + timedelta(hours=3))

    assert impact.error_ratio == Fraction(2, 5)
    assert impact.ratio_source == 'impact statement "40% errors"'
    assert impact.start == START
    assert impact.end == START + timedelta(minutes=47)
    assert impact.detected_at == START + timedelta(minutes=15)
    assert impact.ongoing is False


def test_impact_falls_back_to_alert_data():
    events = [StoredEvent("alert", "", START, {"error_ratio": "25%"})]

    impact = impact_of(StoredIncident(), events, START + timedelta(hours=3))

    assert impact.error_ratio == Fraction(1, 4)
    assert "alert data" in impact.ratio_source


@pytest.mark.parametrize(
    ("severity", "expected"), [(1, FULL_OUTAGE), (2, None)], ids=["sev1", "sev2"]
)
def test_impact_without_data(severity, expected):
    impact = impact_of(StoredIncident(severity=severity), [], START)

    assert impact.error_ratio == expected
    if expected is None:
        assert "/incident impact 40% errors" in impact.ratio_source


def test_ongoing_impact_ends_now():
    incident = StoredIncident(
        mitigated_at=None, resolved_at=None, impact_started_at=None
    )
    now = START + timedelta(hours=1)

    impact = impact_of(incident, [], now)

    assert impact.ongoing is True
    assert impact.end == now
    # Without a recorded start, impact starts at detection (earlier than declaring).
    assert impact.start == START + timedelta(minutes=15)


def make_impact(
    minutes: int = 47,
    ratio: Fraction | None = Fraction(2, 5),
    detected_after: timedelta = timedelta(minutes=15),
    reference: str = "INC-7",
    offset: timedelta = timedelta(),
    services: tuple[str, ...] = ("checkout",),
) -> IncidentImpact:
    start = START + offset
    return IncidentImpact(
        reference=reference,
        title="Checkout errors",
        severity=2,
        services=services,
        start=start,
        end=start + timedelta(minutes=minutes),
        ongoing=False,
        error_ratio=ratio,
        ratio_source="impact statement",
        detected_at=start + detected_after,
    )


def test_fast_burn_fire_time_is_workbook_formula():
    impact = make_impact(minutes=60, ratio=Fraction(1))

    fast, slow, ticket = alert_timings(CHECKOUT, impact, DEFAULT_RULES)

    # ((1 - SLO) / error ratio) x window x burn rate = 0.001 x 3600 s x 14.4.
    assert fast.delay == Fraction(5184, 100)
    assert fast.burn_rate == Fraction(72, 5)
    assert slow.delay == Fraction(648, 5)  # 6 h x 6 x 0.001 = 129.6 s
    assert slow.burn_rate == 6
    assert ticket.delay == Fraction(3 * 86400, 1000)
    assert fast.fires_at == START + timedelta(seconds=51.84)


def test_slow_error_ratio_fires_no_page():
    # 1% errors is a 10x burn: above the 6x threshold, below 14.4x.
    impact = make_impact(minutes=600, ratio=Fraction(1, 100))

    fast, slow, _ = alert_timings(CHECKOUT, impact, DEFAULT_RULES)

    assert fast.fires_at is None
    assert slow.delay == 6 * 3600 * Fraction(6, 1000) / Fraction(1, 100)


def test_short_incident_ends_before_alert():
    impact = make_impact(minutes=1, ratio=Fraction(1, 2))

    timings = alert_timings(CHECKOUT, impact, DEFAULT_RULES)

    assert [timing.fires_at for timing in timings] == [None, None, None]


def test_burn_rates_scale_with_window():
    weekly = Slo(
        "checkout", "availability", Fraction(999, 1000), Window.rolling_days(7)
    )

    rates = [rule.burn_rate(weekly.window.nominal_length()) for rule in DEFAULT_RULES]

    assert rates == [Fraction(336, 100), Fraction(7, 5), Fraction(7, 30)]


def test_alert_windows_replace_defaults():
    custom = BurnRateRule(
        "page quick", Fraction(1, 50), timedelta(hours=1), timedelta(minutes=5), "page"
    )
    windows = AlertWindows(timedelta(days=30), (custom,))
    other = AlertWindows(timedelta(days=28), ())

    assert rules_for(CHECKOUT, [other, windows]) == (custom,)
    assert rules_for(CHECKOUT, [other]) == DEFAULT_RULES


def test_alert_rule_uses_sloth_queries():
    slo = Slo(
        "myservice",
        "requests-availability",
        Fraction(999, 1000),
        Window.rolling_days(30),
        error_query='sum(rate(http_total{code=~"5.."}[{{.window}}]))',
        total_query="sum(rate(http_total[{{.window}}]))",
    )
    (timing, *_) = alert_timings(slo, make_impact(ratio=Fraction(1)), DEFAULT_RULES)

    rule = alert_rule(slo, timing)

    assert "- alert: MyserviceRequestsAvailabilityFastBurn" in rule
    expected = 'sum(rate(http_total{code=~"5.."}[1h])) / sum(rate(http_total[1h]))'
    assert f"({expected}) > 0.0144" in rule
    assert 'sum(rate(http_total{code=~"5.."}[5m]))' in rule
    assert "severity: page" in rule


def test_alert_rule_without_queries_names_recording_rule():
    (timing, *_) = alert_timings(
        CHECKOUT, make_impact(ratio=Fraction(1)), DEFAULT_RULES
    )

    rule = alert_rule(CHECKOUT, timing)

    labels = 'service="checkout", slo="availability"'
    assert f"(slo:sli_error:ratio_rate1h{{{labels}}}) > 0.0144" in rule


def test_incident_cost_of_worked_example():
    catalog = SloCatalog(slos=(CHECKOUT,))

    (cost,) = incident_costs(catalog, make_impact(), [])

    assert cost.share == Fraction(47, 108)
    assert cost.burn_rate == 400
    assert cost.remaining == Fraction(61, 108)
    assert cost.budget_seconds == 2592
    # 61/108 of 30 days at 400x: 61/108 x 2,592,000 s / 400.
    assert cost.exhaustion_seconds == Fraction(61, 108) * 2_592_000 / 400


def test_budget_status_sums_incidents_in_window():
    first = make_impact(reference="INC-1", offset=timedelta(days=-40))
    second = make_impact(reference="INC-2", offset=timedelta(days=-10))
    third = make_impact(reference="INC-3", ratio=None, offset=timedelta(days=-5))
    other = make_impact(reference="INC-4", services=("payments",))

    status = budget_status(CHECKOUT, [first, second, third, other], START)

    assert [row[0].reference for row in status.incidents] == ["INC-2", "INC-3"]
    assert status.incidents[0][1] == Fraction(47, 108)
    assert status.incidents[1][1] is None
    assert status.consumed == Fraction(47, 108)
    assert status.status == "ok"
    assert status.burn_rate == 0


def test_budget_status_exhausted_and_burning():
    outage = make_impact(minutes=60, ratio=Fraction(1), offset=timedelta(hours=-1))

    status = budget_status(CHECKOUT, [outage], START)

    assert status.remaining == 1 - Fraction(25, 18)
    assert status.status == "exhausted"
    assert status.burn_rate == 1000


def test_window_override_shortens_report():
    old = make_impact(offset=timedelta(days=-10))

    status = budget_status(CHECKOUT, [old], START, window=timedelta(days=7))

    assert status.incidents == ()
    assert status.window_start == START - timedelta(days=7)
    assert status.budget_seconds == Fraction(7 * 86400, 1000)


def test_report_lines_show_each_incident():
    status = budget_status(CHECKOUT, [make_impact(offset=timedelta(days=-1))], START)

    lines = report_lines([status])

    assert lines[0].split() == [
        "SLO",
        "objective",
        "budget",
        "consumed",
        "remaining",
        "burn",
        "status",
    ]
    assert lines[1].split()[:6] == [
        "checkout/availability",
        "99.9%",
        "43m",
        "12s",
        "43.52%",
        "56.48%",
    ]
    assert "  INC-7 43.52%  Checkout errors" in lines


def test_policy_findings_for_large_late_incident():
    catalog = SloCatalog(slos=(CHECKOUT,))
    impact = make_impact(minutes=60, ratio=Fraction(1), services=("checkout", "cart"))
    costs = incident_costs(catalog, impact, [])
    uncovered = services_without_slo(catalog, impact.services)

    findings = policy_findings(costs, uncovered, has_p0_action=False)

    assert [f.kind for f in findings] == [
        NO_SLO,
        POSTMORTEM_REQUIRED,
        FEATURE_FREEZE,
        LATE_DETECTION,
    ]
    assert findings[0].service == "cart"
    assert "138.89%" in findings[1].message
    assert "/incident action <text> P0" in findings[1].message
    assert "feature releases" in findings[2].message
    assert "14m 08s after the fast burn alert" in findings[3].message
    assert findings[3].rule.startswith("- alert: CheckoutAvailabilityFastBurn")


def test_small_prompt_incident_has_no_findings():
    catalog = SloCatalog(slos=(CHECKOUT,))
    impact = make_impact(minutes=10, ratio=Fraction(1, 10), detected_after=timedelta())
    costs = incident_costs(catalog, impact, [])

    assert policy_findings(costs, [], has_p0_action=False) == []


def test_existing_p0_is_acknowledged():
    catalog = SloCatalog(slos=(CHECKOUT,))
    costs = incident_costs(catalog, make_impact(detected_after=timedelta()), [])

    (finding,) = policy_findings(costs, [], has_p0_action=True)

    assert finding.kind == POSTMORTEM_REQUIRED
    assert finding.message.endswith("A P0 action item exists.")
