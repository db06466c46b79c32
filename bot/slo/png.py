"""A small RGB raster with lines and digits, encoded as PNG with zlib and struct.

Enough for one chart without adding an imaging library as a dependency.
"""

from __future__ import annotations

import struct
import zlib

Color = tuple[int, int, int]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# 3x5 glyphs, one string of 0/1 per row.
GLYPHS = {
    "0": ("111", "101", "101", "101", "111"),
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "010", "010", "010"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
    "%": ("101", "001", "010", "100", "101"),
    "-": ("000", "000", "111", "000", "000"),
    "d": ("001", "001", "111", "101", "111"),
    " ": ("000", "000", "000", "000", "000"),
}


class Canvas:
    """Pixels in rows, top-left origin; drawing outside the canvas is clipped."""

    def __init__(self, width: int, height: int, background: Color) -> None:
        self.width = width
        self.height = height
        self.pixels = [bytearray(bytes(background) * width) for _ in range(height)]

    def set(self, x: int, y: int, color: Color) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            self.pixels[y][3 * x : 3 * x + 3] = bytes(color)

    def get(self, x: int, y: int) -> Color:
        row = self.pixels[y]
        return (row[3 * x], row[3 * x + 1], row[3 * x + 2])

    def line(
        self, x0: int, y0: int, x1: int, y1: int, color: Color, dash: int = 0
    ) -> None:
        """Draw a line with Bresenham's algorithm; `dash` > 0 leaves gaps."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        step_x = 1 if x0 < x1 else -1
        step_y = 1 if y0 < y1 else -1
        error = dx + dy
        count = 0
        while True:
            if not dash or (count // dash) % 2 == 0:
                self.set(x0, y0, color)
            count += 1
            if x0 == x1 and y0 == y1:
                return
            double = 2 * error
            if double >= dy:
                error += dy
                x0 += step_x
            if double <= dx:
                error += dx
                y0 += step_y

    def text(self, x: int, y: int, text: str, color: Color, scale: int = 2) -> None:
        """Draw `text` with the built-in glyphs; unknown characters are skipped."""
        for index, char in enumerate(text):
            glyph = GLYPHS.get(char)
            if glyph is None:
                continue
            left = x + index * 4 * scale
            for row, bits in enumerate(glyph):
                for column, bit in enumerate(bits):
                    if bit == "1":
                        self.fill(left + column * scale, y + row * scale, scale, color)

    def fill(self, x: int, y: int, size: int, color: Color) -> None:
        for dy in range(size):
            for dx in range(size):
                self.set(x + dx, y + dy, color)

    def to_png(self) -> bytes:
        """Encode as an 8-bit RGB PNG, every row with filter type 0 (none)."""
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        raw = b"".join(b"\x00" + bytes(row) for row in self.pixels)
        return (
            PNG_SIGNATURE
            + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 9))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)
