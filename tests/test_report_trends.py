"""Trends over a hand-written history of three months with known medians and p90s."""

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.incidents.lifecycle import Instants
from bot.report.periods import WEEK, parse_since, split_periods
from bot.report.records import ActionRecord, IncidentRecord
from bot.report.tables import NOT_CONFIGURED, render_tables
from bot.report.trends import build_report

BERLIN = ZoneInfo("Europe/Berlin")
SINCE = datetime(2026, 9, 1, tzinfo=BERLIN)
UNTIL = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
SEVERITY_NAMES = {1: "SEV1", 2: "SEV2", 3: "SEV3", 4: "SEV4"}
POOL = "Connection pool exhausted"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def incident(
    number: int,
    declared: str,
    resolve_minutes: float | None,
    *,
    severity: int | None = 2,
    services: tuple[str, ...] = ("checkout",),
    failure_mode: str = "",
    private: bool = False,
) -> IncidentRecord:
    declared_at = utc(declared)
    resolved = None
    if resolve_minutes is not None:
        resolved = declared_at + timedelta(minutes=resolve_minutes)
    return IncidentRecord(
        number=number,
        title=f"Incident number {number}",
        private=private,
        severity=severity,
        services=services,
        instants=Instants(declared=declared_at, resolved=resolved),
        failure_mode=failure_mode,
    )


# MTTR in minutes per month, in the time zone of Berlin:
#   September 10, 20, 30, 40, 100: median 30, p90 76 (rank 3.6), mean 40
#   October   15, 45, 60, 120 and one unresolved: median 52.5, p90 102, mean 60
#   November  5, 25, 35: median 25, p90 33 (rank 1.8)
#   all 12 resolved: median 32.5 (rank 5.5), p90 96 (rank 9.9)
HISTORY = [
    incident(1, "2026-08-30T10:00", 999),  # before the window
    incident(2, "2026-09-02T09:00", 10, severity=1, failure_mode=POOL),
    incident(3, "2026-09-05T09:00", 20, services=("search",)),
    incident(4, "2026-09-09T09:00", 30, failure_mode=POOL, private=True),
    incident(5, "2026-09-20T09:00", 40, services=("search", "payments")),
    incident(6, "2026-09-28T09:00", 100, severity=3),
    # 00:30 on 1 October in Berlin, although still September in UTC.
    incident(7, "2026-09-30T22:30", 15, severity=None, services=()),
    incident(8, "2026-10-06T09:00", 45, failure_mode="disk full"),
    incident(9, "2026-10-12T09:00", 60, services=("search",), failure_mode="disk full"),
    incident(10, "2026-10-20T09:00", 120, severity=1),
    incident(11, "2026-10-29T09:00", None),
    incident(12, "2026-11-03T09:00", 5, failure_mode="connection pool exhausted!"),
    incident(13, "2026-11-11T09:00", 25, services=("payments",)),
    incident(14, "2026-11-25T09:00", 35, severity=4),
]

ACTIONS = [
    ActionRecord(1, utc("2026-08-31T10:00"), date(2026, 9, 3), utc("2026-09-02T10:00")),
    ActionRecord(
        2, utc("2026-09-10T10:00"), date(2026, 9, 20), utc("2026-09-18T10:00")
    ),
    # Closed five days late: overdue in October, closed in October.
    ActionRecord(
        8, utc("2026-10-02T10:00"), date(2026, 10, 10), utc("2026-10-15T10:00")
    ),
    # Closed at 23:30 in Berlin on the due day, so on time.
    ActionRecord(
        8, utc("2026-10-20T10:00"), date(2026, 10, 31), utc("2026-10-31T22:30")
    ),
    ActionRecord(12, utc("2026-11-03T10:00"), date(2026, 11, 20), None),
    ActionRecord(14, utc("2026-11-25T10:00"), date(2026, 12, 31), None),
    ActionRecord(14, utc("2026-11-26T10:00"), None, None),
]


def build(**options):
    return build_report(
        HISTORY,
        ACTIONS,
        since=SINCE,
        until=UNTIL,
        zone=BERLIN,
        severity_names=SEVERITY_NAMES,
        **options,
    )


def by_label(report):
    return {trend.period.label: trend for trend in report.periods}


def test_periods_are_calendar_months():
    report = build()

    assert [t.period.label for t in report.periods] == [
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    ]
    assert [t.incidents for t in report.periods] == [5, 5, 3, 0]
    assert report.incidents == 13


@pytest.mark.parametrize(
    ("label", "count", "excluded", "median", "p90", "mean"),
    [
        pytest.param("2026-09", 5, 0, 30, 76, 40, id="september"),
        pytest.param("2026-10", 4, 1, 52.5, 102, 60, id="october"),
        pytest.param("2026-11", 3, 0, 25, 33, 65 / 3, id="november"),
    ],
)
def test_mttr_per_month(label, count, excluded, median, p90, mean):
    resolve = by_label(build())[label].times.resolve

    assert resolve.count == count
    assert resolve.excluded == excluded
    assert resolve.median == timedelta(minutes=median)
    assert resolve.p90 == timedelta(minutes=p90)
    assert resolve.mean == timedelta(microseconds=round(mean * 60_000_000))


def test_mttr_over_window():
    resolve = build().times.resolve

    assert resolve.count == 12
    assert resolve.excluded == 1
    assert resolve.median == timedelta(minutes=32.5)
    assert resolve.p90 == timedelta(minutes=96)


def test_empty_month_has_no_figures():
    december = by_label(build())["2026-12"]

    assert december.times.resolve.count == 0
    assert december.times.resolve.median is None


def test_metrics_use_impact_start():
    declared = utc("2026-10-01T12:00")
    record = IncidentRecord(
        number=1,
        title="Slow search",
        private=False,
        severity=2,
        services=("search",),
        instants=Instants(
            declared=declared,
            impact_started=declared - timedelta(minutes=10),
            detected=declared - timedelta(minutes=6),
            mitigated=declared + timedelta(minutes=20),
            resolved=declared + timedelta(minutes=50),
        ),
    )

    report = build_report([record], [], since=SINCE, until=UNTIL, zone=BERLIN)

    assert report.times.detect.median == timedelta(minutes=4)
    assert report.times.acknowledge.median == timedelta(minutes=10)
    assert report.times.mitigate.median == timedelta(minutes=30)
    assert report.times.resolve.median == timedelta(minutes=60)


def test_severity_columns_and_counts():
    report = build()

    assert report.severity_columns == ("SEV1", "SEV2", "SEV3", "SEV4", "unset")
    assert report.by_severity == (2, 8, 1, 1, 1)
    assert by_label(report)["2026-10"].by_severity == (1, 3, 0, 0, 1)


def test_services_count_each_incident_once():
    services = {trend.service: trend for trend in build().services}

    assert set(services) == {"checkout", "search", "payments"}
    assert services["checkout"].incidents == 8
    assert services["search"].incidents == 3
    assert services["payments"].incidents == 2
    assert services["search"].by_severity == (0, 3, 0, 0, 0)
    assert [t.service for t in build().services] == ["checkout", "search", "payments"]


def test_repeats_match_slugs_per_service():
    repeats = build().repeats

    assert len(repeats) == 1
    assert repeats[0].service == "checkout"
    assert [i.number for i in repeats[0].incidents] == [2, 4, 12]
    assert repeats[0].failure_mode == "connection pool exhausted!"


@pytest.mark.parametrize(
    ("label", "opened", "closed", "overdue"),
    [
        pytest.param("2026-09", 1, 2, 0, id="september"),
        pytest.param("2026-10", 2, 2, 1, id="october"),
        pytest.param("2026-11", 3, 0, 1, id="november"),
        pytest.param("2026-12", 0, 0, 0, id="december"),
    ],
)
def test_action_items_per_month(label, opened, closed, overdue):
    actions = by_label(build())[label].actions

    assert actions.opened == opened
    assert actions.closed == closed
    assert actions.overdue == overdue


def test_overdue_now_counts_open_items():
    assert build().actions_overdue_now == 1


def test_budget_shown_only_when_given():
    without = build()
    given = build(budget={"checkout": Fraction(3, 2), "ledger": Fraction(1, 10)})
    services = {trend.service: trend for trend in given.services}

    assert not without.budget_configured
    assert all(trend.budget_consumed is None for trend in without.services)
    assert given.budget_configured
    assert services["checkout"].budget_consumed == Fraction(3, 2)
    assert services["ledger"].budget_consumed == Fraction(1, 10)
    assert services["ledger"].incidents == 0
    assert services["search"].budget_consumed is None


def test_tables_without_budget_say_so():
    text = "\n\n".join(render_tables(build()))

    assert NOT_CONFIGURED in text
    assert "Error budget consumed  " not in text
    assert "2026-10      4        1  52m 30s   1h 42m   1h 00m" in text
    assert "13 incidents declared, 1 of them private." in text


def test_tables_show_budget_percent():
    text = "\n\n".join(render_tables(build(budget={"checkout": Fraction(3, 2)})))

    assert "Error budget consumed" in text
    assert "150.0%" in text
    assert "no SLO" in text
    assert NOT_CONFIGURED not in text


def test_tables_hide_private_titles():
    shown = "\n".join(render_tables(build()))
    hidden = "\n".join(render_tables(build(), hide_private=True))

    assert "INC-4  2026-09-09  Incident number 4" in shown
    assert "INC-4  2026-09-09  (private)" in hidden
    assert "Incident number 4" not in hidden
    assert "INC-2  2026-09-02  Incident number 2" in hidden


def test_private_only_failure_mode_hidden():
    records = [
        incident(1, "2026-10-01T09:00", 5, failure_mode="secret vendor", private=True),
        incident(2, "2026-10-02T09:00", 5, failure_mode="Secret vendor", private=True),
    ]
    report = build_report(records, [], since=SINCE, until=UNTIL, zone=BERLIN)

    hidden = "\n".join(render_tables(report, hide_private=True))

    assert "(failure mode of private incidents)" in hidden
    assert "ecret vendor" not in hidden


def test_weeks_are_iso_weeks():
    periods = split_periods(SINCE, UNTIL, BERLIN, WEEK)

    assert periods[0].label == "2026-W36"
    assert periods[0].start == datetime(2026, 8, 31, tzinfo=BERLIN)
    assert periods[-1].label == "2026-W49"
    assert len(periods) == 14


def test_month_across_dst_change():
    periods = split_periods(SINCE, UNTIL, BERLIN, "month")
    october = periods[1]

    # October has 31 days plus the hour gained when summer time ends.
    length = october.end.astimezone(UTC) - october.start.astimezone(UTC)
    assert length == timedelta(days=31, hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("90d", UNTIL - timedelta(days=90), id="days"),
        pytest.param("2w", UNTIL - timedelta(days=14), id="weeks"),
        pytest.param("2026-09-01", SINCE, id="date"),
    ],
)
def test_parse_since(text, expected):
    assert parse_since(text, UNTIL, BERLIN) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("ninety", "neither a number of days", id="word"),
        pytest.param("0d", "not in the past", id="zero"),
        pytest.param("2027-01-01", "not in the past", id="future"),
        pytest.param("4000d", "more than 3660 days", id="too-long"),
    ],
)
def test_parse_since_rejects(text, message):
    with pytest.raises(UserError, match=message):
        parse_since(text, UNTIL, BERLIN)
