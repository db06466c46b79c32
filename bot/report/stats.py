"""Median and percentiles of durations, with the unknown values counted apart."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction


def percentile(values: Sequence[timedelta], fraction: Fraction) -> timedelta:
    """Interpolate the `fraction` quantile linearly between the closest ranks.

    This is numpy's default method (Hyndman and Fan type 7): for n sorted values
    x[0] … x[n-1], the rank is h = (n - 1) * fraction, and the result is
    x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]). The median of an
    even count is therefore the mean of the two middle values. The arithmetic is
    exact and the result is rounded to the nearest microsecond.

    Raises ValueError when `values` is empty or `fraction` is outside [0, 1].
    """
    if not values:
        raise ValueError("A percentile of no values is undefined.")
    if not 0 <= fraction <= 1:
        raise ValueError(f"The fraction must be between 0 and 1, not {fraction}.")

    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    lower = math.floor(rank)
    if lower == len(ordered) - 1:
        return ordered[lower]
    low = _microseconds(ordered[lower])
    high = _microseconds(ordered[lower + 1])
    exact = low + (rank - lower) * (high - low)
    return timedelta(microseconds=round(exact))


def _microseconds(duration: timedelta) -> int:
    return (duration.days * 86400 + duration.seconds) * 1_000_000 + (
        duration.microseconds
    )


MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)


@dataclass(frozen=True)
class DurationSummary:
    """Median, 90th percentile and mean of the known durations of a group.

    `excluded` counts the incidents whose duration is unknown, for example because
    they are not resolved yet, so the figures never hide how many are missing.
    """

    count: int
    excluded: int
    median: timedelta | None
    p90: timedelta | None
    mean: timedelta | None


def summarize(durations: Iterable[timedelta | None]) -> DurationSummary:
    """Summarize durations, leaving out and counting the unknown (None) ones."""
    known: list[timedelta] = []
    excluded = 0
    for duration in durations:
        if duration is None:
            excluded += 1
        else:
            known.append(duration)
    if not known:
        return DurationSummary(0, excluded, None, None, None)

    total = sum(known, timedelta())
    mean = timedelta(microseconds=round(Fraction(_microseconds(total), len(known))))
    return DurationSummary(
        count=len(known),
        excluded=excluded,
        median=percentile(known, MEDIAN),
        p90=percentile(known, P90),
        mean=mean,
    )
