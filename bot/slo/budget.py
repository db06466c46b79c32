"""Error-budget arithmetic in exact fractions.

The budget is (1 - objective) x window, in time or in requests. Consumption is a
share of the budget: 1 means the whole budget, more than 1 an overdrawn one. An
incident is a span with a constant error ratio. Request counts are not known, so
traffic is taken as even over time, and request-based and time-based shares agree.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from bot.slo.model import BudgetingMethod, Slo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def seconds(duration: timedelta) -> Fraction:
    """Return a timedelta as an exact number of seconds."""
    whole = duration.days * 86400 + duration.seconds
    return whole + Fraction(duration.microseconds, 1_000_000)


def to_timedelta(amount: Fraction) -> timedelta:
    """Return seconds as a timedelta, rounded to the microsecond."""
    return timedelta(microseconds=round(amount * 1_000_000))


def time_budget(objective: Fraction, window: timedelta) -> Fraction:
    """Return the seconds of full outage the window allows: (1 - objective) x window."""
    return (1 - objective) * seconds(window)


def request_budget(objective: Fraction, total_requests: int) -> Fraction:
    """Return how many of `total_requests` may fail: (1 - objective) x total."""
    return (1 - objective) * total_requests


def request_share(
    bad_requests: int, total_requests: int, objective: Fraction
) -> Fraction:
    """Return the share of the budget that `bad_requests` of `total_requests` use."""
    return Fraction(bad_requests) / request_budget(objective, total_requests)


def burn_rate(error_ratio: Fraction, objective: Fraction) -> Fraction:
    """Return how many times faster than sustainable the budget burns."""
    return error_ratio / (1 - objective)


def time_to_exhaustion(
    remaining: Fraction, rate: Fraction, window: timedelta
) -> Fraction | None:
    """Return the seconds until the remaining share is spent at `rate`.

    None when nothing burns; 0 when the budget is already spent.
    """
    if remaining <= 0:
        return Fraction(0)
    if rate <= 0:
        return None
    return remaining * seconds(window) / rate


@dataclass(frozen=True)
class Span:
    """A period with a constant error ratio."""

    start: datetime
    end: datetime
    error_ratio: Fraction


def clip(span: Span, start: datetime, end: datetime) -> Span | None:
    """Return the part of `span` inside [start, end), or None."""
    clipped = Span(max(span.start, start), min(span.end, end), span.error_ratio)
    return clipped if clipped.start < clipped.end else None


def combine(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping spans into disjoint ones whose ratios add up, capped at 1.

    The cap is there because two incidents hitting one service at once cannot fail
    more than every request.
    """
    spans = [span for span in spans if span.start < span.end and span.error_ratio > 0]
    moments = sorted({m for span in spans for m in (span.start, span.end)})
    merged: list[Span] = []
    for start, end in itertools.pairwise(moments):
        ratio = sum(
            (s.error_ratio for s in spans if s.start <= start and end <= s.end),
            Fraction(0),
        )
        if ratio == 0:
            continue
        ratio = min(ratio, Fraction(1))
        if merged and merged[-1].end == start and merged[-1].error_ratio == ratio:
            merged[-1] = Span(merged[-1].start, end, ratio)
        else:
            merged.append(Span(start, end, ratio))
    return merged


def share(slo: Slo, spans: Sequence[Span], window: timedelta) -> Fraction:
    """Return the share of the budget of `slo` over `window` that `spans` use."""
    disjoint = combine(spans)
    if slo.method is BudgetingMethod.TIMESLICES:
        assert slo.slice_length is not None and slo.slice_target is not None
        bad = bad_slices(disjoint, slo.slice_length, slo.slice_target)
        return bad * seconds(slo.slice_length) / time_budget(slo.objective, window)
    # Occurrences and ratio time slices both sum error ratio x time: with even
    # traffic, a slice's ratio is the ratio of its requests.
    bad_time = sum(
        (span.error_ratio * seconds(span.end - span.start) for span in disjoint),
        Fraction(0),
    )
    return bad_time / time_budget(slo.objective, window)


def bad_slices(
    spans: Sequence[Span], slice_length: timedelta, slice_target: Fraction
) -> int:
    """Count slices whose good ratio falls below `slice_target`."""
    return len(bad_slice_indices(spans, slice_length, slice_target))


def bad_slice_indices(
    spans: Sequence[Span], slice_length: timedelta, slice_target: Fraction
) -> list[int]:
    """Return the sorted indices of bad slices, slice i starting at i x length.

    Slices are aligned to the Unix epoch, as Prometheus aligns steps. A slice's error
    ratio is the time-weighted mean of the spans inside it, so a short burst can leave
    a slice good.
    """
    limit = 1 - slice_target
    length = seconds(slice_length)
    errors: dict[int, Fraction] = {}
    for span in spans:
        span_start = seconds(span.start - EPOCH)
        span_end = seconds(span.end - EPOCH)
        for index in range(int(span_start // length), int(-(-span_end // length))):
            slice_start = index * length
            overlap = min(span_end, slice_start + length) - max(span_start, slice_start)
            if overlap > 0:
                added = span.error_ratio * overlap
                errors[index] = errors.get(index, Fraction(0)) + added
    return sorted(index for index, total in errors.items() if total / length > limit)


def current_burn_rate(
    slo: Slo, spans: Sequence[Span], now: datetime, lookback: timedelta
) -> Fraction:
    """Return the burn rate over the `lookback` before `now`."""
    recent = [s for s in (clip(span, now - lookback, now) for span in spans) if s]
    bad_time = sum(
        (span.error_ratio * seconds(span.end - span.start) for span in combine(recent)),
        Fraction(0),
    )
    return burn_rate(bad_time / seconds(lookback), slo.objective)


def objective_for_share(objective: Fraction, consumed: Fraction) -> Fraction:
    """Return the objective whose budget the same bad events would use exactly.

    Events that used `consumed` of the budget at `objective` use all of it at
    1 - consumed x (1 - objective), because time-based and slice-based shares both
    scale with 1 / (1 - objective).
    """
    return 1 - consumed * (1 - objective)
