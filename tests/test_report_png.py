"""The PNG encoder and the report charts, decoded back with zlib and struct."""

import struct
import zlib
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from bot.incidents.lifecycle import Instants
from bot.png import SIGNATURE, WHITE, Canvas
from bot.report.charts import BAR, OVER_LIMIT, budget_chart, mttr_chart
from bot.report.font import GLYPH_HEIGHT, GLYPH_WIDTH, GLYPHS
from bot.report.records import IncidentRecord
from bot.report.trends import build_report

UNTIL = datetime(2026, 12, 4, 12, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def read_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png[:8] == SIGNATURE
    chunks = []
    position = 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(
            ">I", png[position + 8 + length : position + 12 + length]
        )
        assert crc == zlib.crc32(kind + data), kind
        chunks.append((kind, data))
        position += 12 + length
    return chunks


def decode(png: bytes) -> tuple[int, int, list[bytes]]:
    """Return width, height and the RGB bytes of each row of a filter-0 PNG."""
    chunks = read_chunks(png)
    kinds = [kind for kind, _ in chunks]
    assert kinds[0] == b"IHDR"
    assert kinds[-1] == b"IEND"
    width, height, depth, color_type, _, _, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1]
    )
    assert (depth, color_type, interlace) == (8, 2, 0)
    raw = zlib.decompress(b"".join(data for kind, data in chunks if kind == b"IDAT"))
    stride = width * 3 + 1
    assert len(raw) == stride * height
    rows = []
    for row in range(height):
        line = raw[row * stride : (row + 1) * stride]
        assert line[0] == 0  # filter type None
        rows.append(line[1:])
    return width, height, rows


def colors(rows: list[bytes]) -> set[tuple[int, int, int]]:
    return {
        (row[i], row[i + 1], row[i + 2]) for row in rows for i in range(0, len(row), 3)
    }


def test_canvas_round_trips_pixels():
    canvas = Canvas(4, 3)
    canvas.set_pixel(1, 2, (10, 20, 30))
    canvas.set_pixel(9, 9, (1, 1, 1))  # outside, clipped

    width, height, rows = decode(canvas.to_png())

    assert (width, height) == (4, 3)
    assert rows[2][3:6] == bytes([10, 20, 30])
    assert rows[0] == bytes(WHITE) * 4


def test_line_includes_both_ends():
    canvas = Canvas(10, 10)
    canvas.line(1, 1, 8, 5, (0, 0, 0))

    assert canvas.pixel(1, 1) == (0, 0, 0)
    assert canvas.pixel(8, 5) == (0, 0, 0)
    drawn = [
        (x, y) for x in range(10) for y in range(10) if canvas.pixel(x, y) != WHITE
    ]
    assert len(drawn) == 8  # one pixel per column on a shallow line


def test_rect_fill_and_outline():
    canvas = Canvas(10, 10)
    canvas.rect(1, 1, 3, 2, (0, 0, 0))
    canvas.rect(5, 5, 4, 4, (9, 9, 9), fill=False)

    filled = [(x, y) for x in range(5) for y in range(5) if canvas.pixel(x, y) != WHITE]
    assert sorted(filled) == [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]
    assert canvas.pixel(6, 6) == WHITE
    assert canvas.pixel(8, 8) == (9, 9, 9)


@pytest.mark.parametrize(
    ("width", "height"),
    [pytest.param(0, 5, id="zero"), pytest.param(5000, 5, id="too-wide")],
)
def test_canvas_rejects_sizes(width, height):
    with pytest.raises(ValueError, match="1 to 4096 pixels"):
        Canvas(width, height)


def test_glyphs_fit_the_grid():
    for character, rows in GLYPHS.items():
        assert len(rows) == GLYPH_HEIGHT, character
        assert all(0 <= bits < 1 << GLYPH_WIDTH for bits in rows), character


def record(number: int, days_ago: int, minutes: int | None) -> IncidentRecord:
    declared = UNTIL - timedelta(days=days_ago)
    resolved = None if minutes is None else declared + timedelta(minutes=minutes)
    return IncidentRecord(
        number=number,
        title=f"Incident {number}",
        private=False,
        severity=2,
        services=("checkout",),
        instants=Instants(declared=declared, resolved=resolved),
    )


def report_of(records, **options):
    return build_report(
        records,
        [],
        since=UNTIL - timedelta(days=90),
        until=UNTIL,
        zone=UTC_ZONE,
        **options,
    )


def test_mttr_chart_draws_bars():
    report = report_of([record(1, 80, 30), record(2, 40, 90), record(3, 5, 60)])

    width, height, rows = decode(mttr_chart(report))

    assert width >= 480
    assert height > 200
    assert BAR in colors(rows)
    assert len(colors(rows)) >= 3  # background, bars and text


def test_mttr_chart_none_without_resolved():
    assert mttr_chart(report_of([record(1, 10, None)])) is None


def test_budget_chart_marks_overspent():
    budget = {"checkout": Fraction(3, 2), "search": Fraction(1, 4)}
    report = report_of([record(1, 10, 30)], budget=budget)

    _, _, rows = decode(budget_chart(report))

    assert OVER_LIMIT in colors(rows)
    assert BAR in colors(rows)


def test_budget_chart_none_without_budget():
    assert budget_chart(report_of([record(1, 10, 30)])) is None


def test_line_dash_skips_pixels():
    canvas = Canvas(12, 1)
    canvas.line(0, 0, 11, 0, (0, 0, 0), dash=3)

    drawn = [x for x in range(12) if canvas.pixel(x, 0) != WHITE]
    assert drawn == [0, 1, 2, 6, 7, 8]
