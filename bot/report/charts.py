"""PNG bar charts of a report: MTTR median per period and error budget per service.

Each bar carries its value as text above it and its label below it, so a chart
reads on its own in Slack. Values are scaled for drawing only, and the exact
figures are in the report's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from bot.incidents.lifecycle import format_duration
from bot.png import Canvas, Color
from bot.report.font import GLYPH_HEIGHT, draw_text, text_width
from bot.report.trends import Report

# Wider charts are hard to read in Slack, so only the newest bars are drawn.
MAX_BARS = 36
PLOT_HEIGHT = 200
MIN_WIDTH = 480
MARGIN = 16
TITLE_SCALE = 2
BAR_GAP = 10
LABEL_GAP = 6

BACKGROUND: Color = (255, 255, 255)
INK: Color = (33, 37, 41)
AXIS: Color = (134, 142, 150)
BAR: Color = (51, 102, 204)
OVER_LIMIT: Color = (214, 51, 51)


@dataclass(frozen=True)
class Bar:
    """One bar: its label below, its height, and the text above it.

    A `value` of None draws no bar, for a period or service without data.
    """

    label: str
    value: float | None
    text: str


def mttr_chart(report: Report) -> bytes | None:
    """Draw the MTTR median per period; None when no incident in it is resolved."""
    bars = [
        Bar(
            trend.period.label,
            _hours(trend.times.resolve.median),
            _duration_text(trend.times.resolve.median),
        )
        for trend in report.periods
    ]
    if all(bar.value is None for bar in bars):
        return None
    title = f"MTTR median per {report.period_kind}"
    return bar_chart(title, bars[-MAX_BARS:])


def budget_chart(report: Report) -> bytes | None:
    """Draw the error budget consumed per service; None without budget data.

    Services without an SLO are left out, and bars at or above 100 % are red.
    """
    bars = [
        Bar(
            trend.service, float(trend.budget_consumed), _percent(trend.budget_consumed)
        )
        for trend in report.services
        if trend.budget_consumed is not None
    ]
    if not bars:
        return None
    bars.sort(key=lambda bar: -(bar.value or 0.0))
    return bar_chart("Error budget consumed", bars[:MAX_BARS], limit=1.0)


def bar_chart(title: str, bars: Sequence[Bar], *, limit: float | None = None) -> bytes:
    """Draw a bar chart with a zero baseline, and a line at `limit` when given.

    Bars that reach `limit` are drawn in red.
    """
    if not bars:
        raise ValueError("A bar chart needs at least one bar.")
    widest = max(max(text_width(bar.label), text_width(bar.text)) for bar in bars)
    slot = widest + BAR_GAP
    title_height = GLYPH_HEIGHT * TITLE_SCALE
    plot_top = MARGIN + title_height + MARGIN + GLYPH_HEIGHT + LABEL_GAP
    baseline = plot_top + PLOT_HEIGHT
    width = max(MIN_WIDTH, 2 * MARGIN + slot * len(bars))
    height = baseline + LABEL_GAP + GLYPH_HEIGHT + MARGIN

    canvas = Canvas(width, height, BACKGROUND)
    draw_text(canvas, MARGIN, MARGIN, title, INK, TITLE_SCALE)
    values = [bar.value for bar in bars if bar.value is not None]
    top_value = max([*values, limit or 0.0]) or 1.0

    def bar_top(value: float) -> int:
        return baseline - round(PLOT_HEIGHT * max(value, 0.0) / top_value)

    for index, bar in enumerate(bars):
        left = MARGIN + index * slot
        _draw_bar(canvas, left, slot, bar, bar_top, baseline, limit)
    canvas.line(MARGIN, baseline, width - MARGIN, baseline, AXIS)
    if limit is not None:
        limit_top = bar_top(limit)
        _dashed_line(canvas, MARGIN, width - MARGIN, limit_top, OVER_LIMIT)
        label = _percent(Fraction(limit))
        label_left = width - MARGIN - text_width(label)
        draw_text(
            canvas, label_left, limit_top - LABEL_GAP - GLYPH_HEIGHT, label, OVER_LIMIT
        )
    return canvas.to_png()


def _draw_bar(
    canvas: Canvas,
    left: int,
    slot: int,
    bar: Bar,
    bar_top: Callable[[float], int],
    baseline: int,
    limit: float | None,
) -> None:
    centre = left + slot // 2
    top = baseline if bar.value is None else bar_top(bar.value)
    if bar.value is not None:
        over = limit is not None and bar.value >= limit
        color = OVER_LIMIT if over else BAR
        bar_width = slot - BAR_GAP
        canvas.rect(left + BAR_GAP // 2, top, bar_width, baseline - top, color)
    text_top = top - LABEL_GAP - GLYPH_HEIGHT
    draw_text(canvas, centre - text_width(bar.text) // 2, text_top, bar.text, INK)
    label_top = baseline + LABEL_GAP
    draw_text(canvas, centre - text_width(bar.label) // 2, label_top, bar.label, INK)


def _dashed_line(canvas: Canvas, left: int, right: int, y: int, color: Color) -> None:
    for x in range(left, right, 8):
        canvas.line(x, y, min(x + 3, right), y, color)


def _hours(duration: timedelta | None) -> float | None:
    return None if duration is None else duration.total_seconds() / 3600


def _duration_text(duration: timedelta | None) -> str:
    return "-" if duration is None else format_duration(duration)


def _percent(fraction: Fraction | None) -> str:
    return "-" if fraction is None else f"{float(fraction * 100):.1f}%"
