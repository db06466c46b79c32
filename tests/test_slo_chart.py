"""The burn-down chart is a valid PNG whose pixels follow the budget."""

import struct
import zlib
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from bot.slo import chart
from bot.slo.budget import Span
from bot.slo.chart import burndown_png, remaining_curve
from bot.slo.model import BudgetingMethod, Slo, Window

END = datetime(2026, 12, 1, tzinfo=UTC)
START = END - timedelta(days=30)
CHECKOUT = Slo("checkout", "availability", Fraction(999, 1000), Window.rolling_days(30))


def decode(png: bytes) -> tuple[int, int, list[bytes]]:
    """Check chunk CRCs and return width, height and the RGB rows."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position = 8
    chunks: dict[bytes, bytes] = {}
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(
            ">I", png[position + 8 + length : position + 12 + length]
        )
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF, kind
        chunks[kind] = chunks.get(kind, b"") + data
        position += 12 + length
    width, height, depth, color, _, _, _ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, color) == (8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 3 * width
    rows = [raw[i * stride : (i + 1) * stride] for i in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, [row[1:] for row in rows]


def pixel(rows: list[bytes], x: int, y: int) -> tuple[int, int, int]:
    return tuple(rows[y][3 * x : 3 * x + 3])  # type: ignore[return-value]


def column_of(color: tuple[int, int, int], rows: list[bytes], x: int) -> list[int]:
    return [y for y in range(len(rows)) if pixel(rows, x, y) == color]


def test_png_is_valid_and_sized():
    width, height, rows = decode(burndown_png(CHECKOUT, [], START, END))

    assert (width, height) == (chart.WIDTH, chart.HEIGHT)
    assert len(rows) == height


def test_budget_line_falls_after_incident():
    incident_start = START + timedelta(days=15)
    outage = Span(incident_start, incident_start + timedelta(minutes=21, seconds=36), 1)

    _, _, rows = decode(burndown_png(CHECKOUT, [outage], START, END))

    before = column_of(chart.BUDGET, rows, chart.LEFT + 100)
    after = column_of(chart.BUDGET, rows, chart.WIDTH - chart.RIGHT - 10)
    assert before == [chart.TOP]
    # Half the budget is left: the line sits halfway between 100% and 0%.
    middle = chart.TOP + round((chart.HEIGHT - chart.TOP - chart.BOTTOM - 1) / 2)
    assert after == [middle]


def test_incident_start_is_marked():
    incident_start = START + timedelta(days=15)
    outage = Span(incident_start, incident_start + timedelta(minutes=5), 1)

    _, _, rows = decode(burndown_png(CHECKOUT, [outage], START, END))

    plot_width = chart.WIDTH - chart.LEFT - chart.RIGHT
    x = chart.LEFT + round(Fraction(1, 2) * (plot_width - 1))
    assert pixel(rows, x, chart.HEIGHT - chart.BOTTOM + 2) == chart.INCIDENT


def test_overdrawn_budget_extends_axis():
    outage = Span(START + timedelta(days=1), START + timedelta(days=1, hours=1), 1)

    curve = remaining_curve(CHECKOUT, [outage], START, END, 10)
    _, _, rows = decode(burndown_png(CHECKOUT, [outage], START, END))

    assert curve[0] == 1
    assert curve[-1] == 1 - Fraction(25, 18)
    last = column_of(chart.BUDGET, rows, chart.WIDTH - chart.RIGHT - 10)
    assert last == [chart.HEIGHT - chart.BOTTOM - 1]


def test_timeslice_curve_counts_finished_slices():
    slo = Slo(
        "checkout",
        "good-minutes",
        Fraction(999, 1000),
        Window.rolling_days(30),
        BudgetingMethod.TIMESLICES,
        timedelta(minutes=1),
        Fraction(99, 100),
    )
    # 12 bad one-minute slices: 720 s of a 2,592 s budget.
    incident = Span(
        START + timedelta(days=10), START + timedelta(days=10, minutes=12), 1
    )

    curve = remaining_curve(slo, [incident], START, END, 4)

    assert curve == [1, 1, Fraction(2592 - 720, 2592), Fraction(2592 - 720, 2592)]
