"""Percentiles and summaries of durations, checked against values worked by hand."""

from datetime import timedelta
from fractions import Fraction

import pytest

from bot.report.stats import MEDIAN, P90, percentile, summarize


def minutes(*values: float) -> list[timedelta]:
    return [timedelta(minutes=value) for value in values]


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        # rank = (n - 1) * fraction; interpolate between the neighbouring values.
        pytest.param(minutes(30), MEDIAN, 30, id="single"),
        pytest.param(minutes(10, 40, 20, 30, 100), MEDIAN, 30, id="odd-median"),
        pytest.param(minutes(15, 45, 60, 120), MEDIAN, 52.5, id="even-median"),
        pytest.param(minutes(10, 20, 30, 40, 100), P90, 76, id="p90-of-5"),
        pytest.param(minutes(15, 45, 60, 120), P90, 102, id="p90-of-4"),
        pytest.param(minutes(5, 25, 35), P90, 33, id="p90-of-3"),
        pytest.param(minutes(5, 25, 35), Fraction(0), 5, id="minimum"),
        pytest.param(minutes(5, 25, 35), Fraction(1), 35, id="maximum"),
        pytest.param(minutes(-4, 6), MEDIAN, 1, id="negative"),
    ],
)
def test_percentile_interpolates(values, fraction, expected):
    assert percentile(values, fraction) == timedelta(minutes=expected)


def test_percentile_rounds_to_microseconds():
    values = [timedelta(microseconds=1), timedelta(microseconds=2)]

    assert percentile(values, MEDIAN) == timedelta(microseconds=2)
    assert percentile(values, Fraction(1, 3)) == timedelta(microseconds=1)


@pytest.mark.parametrize(
    ("values", "fraction"),
    [
        pytest.param([], MEDIAN, id="empty"),
        pytest.param(minutes(1), Fraction(11, 10), id="above-one"),
        pytest.param(minutes(1), Fraction(-1, 10), id="below-zero"),
    ],
)
def test_percentile_rejects_invalid_input(values, fraction):
    with pytest.raises(ValueError):
        percentile(values, fraction)


def test_summarize_excludes_unknown():
    summary = summarize([*minutes(15, 45), None, *minutes(60, 120), None])

    assert summary.count == 4
    assert summary.excluded == 2
    assert summary.median == timedelta(minutes=52.5)
    assert summary.p90 == timedelta(minutes=102)
    assert summary.mean == timedelta(minutes=60)


def test_summarize_only_unknown():
    summary = summarize([None, None])

    assert summary.count == 0
    assert summary.excluded == 2
    assert summary.median is None
    assert summary.p90 is None
    assert summary.mean is None
