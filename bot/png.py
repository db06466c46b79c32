"""A drawing canvas that encodes itself as a PNG, with no imaging library.

The file is 8-bit RGB (colour type 2), one IDAT chunk compressed with zlib, and
filter type 0 (None) on every scanline, as the PNG specification (ISO/IEC 15948)
allows. That is larger than an optimised PNG but valid for every viewer.
"""

from __future__ import annotations

import struct
import zlib

Color = tuple[int, int, int]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
WHITE: Color = (255, 255, 255)
# Large enough for any chart warroom draws, small enough to keep memory bounded.
MAX_SIDE = 4096


class Canvas:
    """An RGB image of `width` x `height` pixels; (0, 0) is the top-left corner.

    Drawing outside the canvas is clipped, so callers need not check bounds.
    """

    def __init__(self, width: int, height: int, background: Color = WHITE) -> None:
        if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
            raise ValueError(
                f"A canvas must be 1 to {MAX_SIDE} pixels each way, "
                f"not {width} x {height}."
            )
        _check_color(background)
        self.width = width
        self.height = height
        self._pixels = bytearray(bytes(background) * (width * height))

    def set_pixel(self, x: int, y: int, color: Color) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            offset = (y * self.width + x) * 3
            self._pixels[offset : offset + 3] = bytes(color)

    def pixel(self, x: int, y: int) -> Color:
        offset = (y * self.width + x) * 3
        red, green, blue = self._pixels[offset : offset + 3]
        return (red, green, blue)

    def line(
        self, x0: int, y0: int, x1: int, y1: int, color: Color, *, dash: int = 0
    ) -> None:
        """Draw a one-pixel line with Bresenham's algorithm, both ends included.

        With `dash` > 0 the line alternates `dash` drawn and `dash` skipped pixels,
        counted along the line from (x0, y0).
        """
        dx = abs(x1 - x0)
        dy = -abs(y1 - y0)
        step_x = 1 if x0 < x1 else -1
        step_y = 1 if y0 < y1 else -1
        error = dx + dy
        count = 0
        while True:
            if not dash or (count // dash) % 2 == 0:
                self.set_pixel(x0, y0, color)
            count += 1
            if x0 == x1 and y0 == y1:
                return
            doubled = 2 * error
            if doubled >= dy:
                error += dy
                x0 += step_x
            if doubled <= dx:
                error += dx
                y0 += step_y

    def rect(
        self,
        x: int,
        y: int,
        width: int,
        height: int,
        color: Color,
        *,
        fill: bool = True,
    ) -> None:
        """Draw a rectangle whose top-left pixel is (x, y), filled or as an outline."""
        if width <= 0 or height <= 0:
            return
        right = x + width - 1
        bottom = y + height - 1
        if not fill:
            self.line(x, y, right, y, color)
            self.line(x, bottom, right, bottom, color)
            self.line(x, y, x, bottom, color)
            self.line(right, y, right, bottom, color)
            return
        for row in range(max(y, 0), min(bottom, self.height - 1) + 1):
            for column in range(max(x, 0), min(right, self.width - 1) + 1):
                self.set_pixel(column, row, color)

    def to_png(self) -> bytes:
        """Encode the canvas as a PNG file."""
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        stride = self.width * 3
        scanlines = bytearray()
        for row in range(self.height):
            scanlines.append(0)  # filter type 0: the bytes follow unchanged
            scanlines += self._pixels[row * stride : (row + 1) * stride]
        return b"".join(
            (
                SIGNATURE,
                _chunk(b"IHDR", header),
                _chunk(b"IDAT", zlib.compress(bytes(scanlines), 9)),
                _chunk(b"IEND", b""),
            )
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    # The CRC covers the chunk type and data, not the length.
    checksum = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def _check_color(color: Color) -> None:
    if len(color) != 3 or not all(0 <= part <= 255 for part in color):
        raise ValueError(f"A color is three values from 0 to 255, not {color}.")
