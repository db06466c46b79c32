"""Burn-down chart of an error budget over its window, as PNG bytes.

The x axis is the window, the y axis the remaining budget from 100% at the top to 0%
(or the lowest overdrawn value). A dashed grey line shows an even burn that spends the
budget exactly by the window's end. The blue line is the remaining budget, which falls
during each incident, and red ticks on the x axis mark where incidents started.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from bot.png import Canvas
from bot.report.font import GLYPH_HEIGHT, draw_text
from bot.slo.budget import (
    EPOCH,
    Span,
    bad_slice_indices,
    clip,
    combine,
    seconds,
    share,
    time_budget,
)
from bot.slo.impact import IncidentImpact
from bot.slo.model import BudgetingMethod, Slo

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 24
WHITE = (255, 255, 255)
AXIS = (40, 40, 40)
GRID = (170, 170, 170)
BUDGET = (31, 119, 180)
INCIDENT = (214, 39, 40)


def remaining_curve(
    slo: Slo, spans: Sequence[Span], start: datetime, end: datetime, points: int
) -> list[Fraction]:
    """Return the remaining budget at `points` even steps from start to end.

    With time slices, a bad slice counts from the moment it ends.
    """
    length = end - start
    moments = [start + length * index / (points - 1) for index in range(points)]
    inside = [s for s in (clip(span, start, end) for span in spans) if s]
    if slo.method is BudgetingMethod.TIMESLICES:
        return _slice_curve(slo, inside, moments, length)
    curve = []
    for moment in moments:
        used = [s for s in (clip(span, start, moment) for span in inside) if s]
        curve.append(1 - share(slo, used, length))
    return curve


def _slice_curve(
    slo: Slo, spans: Sequence[Span], moments: Sequence[datetime], length: timedelta
) -> list[Fraction]:
    # Bad slices are found once, because finding them per point is slow for long
    # incidents cut into short slices.
    assert slo.slice_length is not None and slo.slice_target is not None
    slice_seconds = seconds(slo.slice_length)
    bad_ends = [
        (index + 1) * slice_seconds
        for index in bad_slice_indices(
            combine(spans), slo.slice_length, slo.slice_target
        )
    ]
    cost = slice_seconds / time_budget(slo.objective, length)
    return [
        1 - bisect.bisect_right(bad_ends, seconds(moment - EPOCH)) * cost
        for moment in moments
    ]


def burndown_png(
    slo: Slo, spans: Sequence[Span], start: datetime, end: datetime
) -> bytes:
    """Draw the burn-down of `slo` over [start, end) for the incident `spans`."""
    canvas = Canvas(WIDTH, HEIGHT, WHITE)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    curve = remaining_curve(slo, spans, start, end, plot_width)
    lowest = min([Fraction(0), *curve])

    def y_of(value: Fraction) -> int:
        return TOP + round((1 - value) / (1 - lowest) * (plot_height - 1))

    def x_of(moment: datetime) -> int:
        return LEFT + round((moment - start) / (end - start) * (plot_width - 1))

    canvas.line(LEFT, TOP, LEFT, TOP + plot_height - 1, AXIS)
    canvas.line(LEFT, y_of(Fraction(0)), WIDTH - RIGHT, y_of(Fraction(0)), AXIS)
    canvas.line(
        LEFT, y_of(Fraction(1)), WIDTH - RIGHT - 1, y_of(Fraction(0)), GRID, dash=4
    )
    draw_text(canvas, 4, y_of(Fraction(1)), "100%", AXIS)
    draw_text(canvas, 4, y_of(Fraction(0)) - GLYPH_HEIGHT - 2, "0%", AXIS)
    days = round((end - start).total_seconds() / 86400)
    draw_text(canvas, WIDTH - RIGHT - 32, HEIGHT - BOTTOM + 8, f"{days}d", AXIS)
    for span in spans:
        if start <= span.start < end:
            x = x_of(span.start)
            canvas.line(x, HEIGHT - BOTTOM, x, HEIGHT - BOTTOM + 5, INCIDENT)
    previous = None
    for column, value in enumerate(curve):
        point = (LEFT + column, y_of(value))
        if previous is not None:
            canvas.line(*previous, *point, BUDGET)
        previous = point
    return canvas.to_png()


def impacts_png(
    slo: Slo, impacts: Sequence[IncidentImpact], start: datetime, end: datetime
) -> bytes:
    """Draw the burn-down of `slo` over [start, end) for the impacts on its service.

    Impacts of other services, and those with an unknown error ratio, are left out.
    """
    spans = [
        Span(impact.start, impact.end, impact.error_ratio)
        for impact in impacts
        if slo.service in impact.services and impact.error_ratio is not None
    ]
    return burndown_png(slo, spans, start, end)
