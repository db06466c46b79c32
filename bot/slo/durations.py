"""Duration strings of the SLO formats, parsed case-sensitively.

OpenSLO v1 writes a whole number and one unit letter, where `m` is a minute and `M` a
month (also `Q` quarter and `Y` year). Prometheus, and so Sloth and Pyrra, write
`1h30m`, `4w` or `1y` (365 days) and have no months.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

FIXED_UNITS = {
    "ms": timedelta(milliseconds=1),
    "s": timedelta(seconds=1),
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}
CALENDAR_MONTHS = {"M": 1, "Q": 3, "Y": 12}
OPENSLO_DURATION = re.compile(r"^([1-9][0-9]*)(s|m|h|d|w|M|Q|Y)$")
PROMETHEUS_PART = re.compile(r"([0-9]+)(ms|s|m|h|d|w|y)")
OPENSLO_HINT = (
    "Write a whole number and one unit: m minutes, h hours, d days, w weeks, "
    "M months, Q quarters, Y years (units are case-sensitive), e.g. 28d or 1M."
)
PROMETHEUS_HINT = "Write a Prometheus duration such as 5m, 1h, 30d or 4w."


class DurationError(ValueError):
    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.hint = hint


def parse_duration(value: Any, *, months: bool) -> tuple[timedelta | None, int]:
    """Parse an OpenSLO (`months=True`) or Prometheus duration.

    Returns a fixed length, or (None, n) for n calendar months (OpenSLO only).
    """
    hint = OPENSLO_HINT if months else PROMETHEUS_HINT
    if not isinstance(value, str) or not value.strip():
        raise DurationError(f"expected a duration such as 30d, got {value!r}", hint)
    text = value.strip()
    if months:
        return _parse_openslo(text, hint)
    return _parse_prometheus(text, hint), 0


def _parse_openslo(text: str, hint: str) -> tuple[timedelta | None, int]:
    match = OPENSLO_DURATION.match(text)
    if match is None:
        raise DurationError(f'"{text}" is not a duration', hint)
    amount, unit = int(match.group(1)), match.group(2)
    if unit in CALENDAR_MONTHS:
        return None, amount * CALENDAR_MONTHS[unit]
    try:
        return amount * FIXED_UNITS[unit], 0
    except OverflowError:
        raise DurationError(f'"{text}" is too long to be a duration', hint) from None


def _parse_prometheus(text: str, hint: str) -> timedelta:
    if "M" in text:
        problem = f'"{text}" uses M, which is not a Prometheus unit'
        raise DurationError(problem, hint + " Minutes are a lower-case m.")
    position = 0
    total = timedelta()
    for match in PROMETHEUS_PART.finditer(text):
        if match.start() != position:
            break
        unit = match.group(2)
        size = timedelta(days=365) if unit == "y" else FIXED_UNITS[unit]
        try:
            total += int(match.group(1)) * size
        except OverflowError:
            raise DurationError(
                f'"{text}" is too long to be a duration', hint
            ) from None
        position = match.end()
    if position != len(text) or total <= timedelta():
        raise DurationError(f'"{text}" is not a duration', hint)
    return total
