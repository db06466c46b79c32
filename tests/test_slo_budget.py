"""Error-budget arithmetic: worked examples as exact values, and its properties."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slo.budget import (
    Span,
    bad_slices,
    burn_rate,
    combine,
    current_burn_rate,
    request_budget,
    request_share,
    seconds,
    share,
    time_budget,
    time_to_exhaustion,
)
from bot.slo.model import BudgetingMethod, Slo, Window
from bot.slo.text import format_seconds, format_share

START = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
THIRTY_DAYS = timedelta(days=30)
THREE_NINES = Fraction(999, 1000)


def availability(objective: Fraction = THREE_NINES, days: int = 30) -> Slo:
    return Slo("checkout", "availability", objective, Window.rolling_days(days))


def timeslices(slice_minutes: int, slice_target: Fraction) -> Slo:
    return Slo(
        "checkout",
        "good-minutes",
        THREE_NINES,
        Window.rolling_days(30),
        BudgetingMethod.TIMESLICES,
        timedelta(minutes=slice_minutes),
        slice_target,
    )


def span(minutes: float, ratio: Fraction, offset_minutes: float = 0) -> Span:
    start = START + timedelta(minutes=offset_minutes)
    return Span(start, start + timedelta(minutes=minutes), ratio)


def test_forty_percent_for_47_minutes():
    used = share(availability(), [span(47, Fraction(2, 5))], THIRTY_DAYS)

    assert used == Fraction(47, 108)
    assert format_share(used) == "43.52%"


def test_full_outage_of_one_hour():
    used = share(availability(), [span(60, Fraction(1))], THIRTY_DAYS)

    assert used == Fraction(25, 18)
    assert format_share(used) == "138.89%"


def test_burn_rate_14_4_exhausts_in_50_hours():
    left = time_to_exhaustion(Fraction(1), Fraction(72, 5), THIRTY_DAYS)

    assert left == 50 * 3600


def test_three_nines_allow_43_minutes():
    budget = time_budget(THREE_NINES, THIRTY_DAYS)

    assert budget == Fraction(2592)
    assert format_seconds(budget) == "43m 12s"


# Google SRE workbook, "Alerting on SLOs": burn rate and time to exhaustion of a
# 99.9% SLO over 30 days.
@pytest.mark.parametrize(
    ("rate", "error_ratio", "exhausted_after"),
    [
        (1, Fraction(1, 1000), timedelta(days=30)),
        (2, Fraction(2, 1000), timedelta(days=15)),
        (10, Fraction(1, 100), timedelta(days=3)),
        (1000, Fraction(1), timedelta(minutes=43, seconds=12)),
    ],
    ids=["1x", "2x", "10x", "1000x"],
)
def test_workbook_burn_rate_table(rate, error_ratio, exhausted_after):
    assert burn_rate(error_ratio, THREE_NINES) == rate
    left = time_to_exhaustion(Fraction(1), Fraction(rate), THIRTY_DAYS)
    assert left == seconds(exhausted_after)


# The workbook's recommended alerts: the share of a 30-day budget spent by the time
# each fires is burn rate x long window / period.
@pytest.mark.parametrize(
    ("rate", "window", "spent"),
    [
        (Fraction(72, 5), timedelta(hours=1), Fraction(2, 100)),
        (Fraction(6), timedelta(hours=6), Fraction(5, 100)),
        (Fraction(1), timedelta(days=3), Fraction(10, 100)),
    ],
    ids=["14.4x-1h", "6x-6h", "1x-3d"],
)
def test_workbook_alert_budget_spent(rate, window, spent):
    error_ratio = rate * (1 - THREE_NINES)
    minutes = window.total_seconds() / 60

    assert share(availability(), [span(minutes, error_ratio)], THIRTY_DAYS) == spent


def test_request_budget_of_a_million():
    assert request_budget(THREE_NINES, 1_000_000) == 1000
    assert request_share(250, 1_000_000, THREE_NINES) == Fraction(1, 4)


def test_overlapping_incidents_capped_at_full_outage():
    first = span(60, Fraction(7, 10))
    second = span(60, Fraction(1, 2), offset_minutes=30)

    merged = combine([first, second])

    assert [s.error_ratio for s in merged] == [Fraction(7, 10), 1, Fraction(1, 2)]
    assert share(availability(), [first, second], THIRTY_DAYS) == Fraction(
        (30 * Fraction(7, 10) + 30 + 30 * Fraction(1, 2)) * 60, 2592
    )


def test_bad_slices_count_partial_slices():
    # 14:02 to 14:13 at 40%: slices 14:00, 14:05 and 14:10 all exceed 5% errors.
    slo = timeslices(5, Fraction(95, 100))

    used = share(slo, [span(11, Fraction(2, 5), offset_minutes=2)], THIRTY_DAYS)

    assert used == Fraction(3 * 300, 2592)


def test_short_burst_leaves_slice_good():
    # 10 seconds at 100% in a 5-minute slice is 3.3% errors, under the 5% limit.
    burst = Span(START, START + timedelta(seconds=10), Fraction(1))

    assert bad_slices([burst], timedelta(minutes=5), Fraction(95, 100)) == 0


def test_current_burn_rate_over_last_hour():
    incident = span(30, Fraction(1, 100), offset_minutes=30)
    now = START + timedelta(hours=1)

    rate = current_burn_rate(availability(), [incident], now, timedelta(hours=1))

    assert rate == 5


def test_exhaustion_when_nothing_burns():
    assert time_to_exhaustion(Fraction(1, 2), Fraction(0), THIRTY_DAYS) is None
    assert time_to_exhaustion(Fraction(-1, 2), Fraction(3), THIRTY_DAYS) == 0


ratios = st.fractions(min_value=Fraction(1, 10**6), max_value=1)
objectives = st.sampled_from(
    [Fraction(9, 10), Fraction(99, 100), Fraction(995, 1000), THREE_NINES]
)
minutes = st.integers(min_value=1, max_value=60 * 24 * 10)


@given(objective=objectives, days=st.sampled_from([7, 28, 30]))
def test_property_budget_of_full_outage_is_one(objective, days):
    window = timedelta(days=days)
    budget_minutes = time_budget(objective, window) / 60
    outage = Span(START, START + timedelta(minutes=float(budget_minutes)), Fraction(1))

    assert share(availability(objective, days), [outage], window) == 1


@given(ratio=ratios, length=minutes, objective=objectives)
def test_property_share_is_ratio_times_time(ratio, length, objective):
    used = share(availability(objective), [span(length, ratio)], THIRTY_DAYS)

    assert used == ratio * length * 60 / time_budget(objective, THIRTY_DAYS)


@given(first=ratios, second=ratios, a=minutes, b=minutes)
def test_property_disjoint_incidents_add_up(first, second, a, b):
    early = span(a, first)
    late = span(b, second, offset_minutes=a + 5)
    slo = availability()

    together = share(slo, [early, late], THIRTY_DAYS)

    assert together == share(slo, [early], THIRTY_DAYS) + share(
        slo, [late], THIRTY_DAYS
    )


@given(first=ratios, second=ratios, a=minutes, b=minutes, shift=minutes)
def test_property_overlap_never_exceeds_sum(first, second, a, b, shift):
    early = span(a, first)
    late = span(b, second, offset_minutes=shift)
    slo = availability()

    together = share(slo, [early, late], THIRTY_DAYS)

    assert together <= share(slo, [early], THIRTY_DAYS) + share(
        slo, [late], THIRTY_DAYS
    )
    assert all(part.error_ratio <= 1 for part in combine([early, late]))


@given(
    remaining=st.fractions(min_value=Fraction(1, 1000), max_value=1),
    rate=st.fractions(min_value=Fraction(1, 100), max_value=1000),
)
def test_property_exhaustion_times_rate_is_budget(remaining, rate):
    left = time_to_exhaustion(remaining, rate, THIRTY_DAYS)

    assert left is not None
    assert left * rate == remaining * seconds(THIRTY_DAYS)


@given(ratio=ratios, objective=objectives)
def test_property_burn_rate_inverts(ratio, objective):
    assert burn_rate(ratio, objective) * (1 - objective) == ratio


@given(slices=st.integers(min_value=1, max_value=500), ratio=ratios)
def test_property_aligned_slices_all_bad_or_good(slices, ratio):
    incident = Span(START, START + timedelta(minutes=slices), ratio)

    bad = bad_slices([incident], timedelta(minutes=1), Fraction(99, 100))

    assert bad == (slices if ratio > Fraction(1, 100) else 0)
