"""OpenSLO v1 documents (`apiVersion: openslo/v1`, `kind: SLO`).

Each entry of `spec.objectives` becomes one `Slo`. Targets are fractions (`target`)
or percentages (`targetPercent`); durations use OpenSLO's case-sensitive units, where
`1m` is a minute and `1M` a month.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.slo.model import BudgetingMethod, Slo, Window
from bot.slo.reading import DocumentReader, join

API_VERSION = "openslo/v1"
METHODS = {method.value: method for method in BudgetingMethod}
TARGET_HINT = "Give target as a fraction (0.999) or targetPercent (99.9)."
TIMEZONE_HINT = "Use an IANA time zone name such as America/New_York."
START_HINT = "Write the start as 2022-01-01 12:00:00."


def is_openslo(data: dict[str, Any]) -> bool:
    return str(data.get("apiVersion", "")).startswith("openslo/")


def title(data: dict[str, Any]) -> str:
    name = (data.get("metadata") or {}).get("name", "?")
    return f'OpenSLO {data.get("kind", "?")} "{name}"'


def read(reader: DocumentReader) -> list[Slo]:
    version = reader.text("apiVersion")
    if version != API_VERSION:
        hint = f"warroom reads {API_VERSION}; convert the file with the oslo tool."
        raise reader.fail("apiVersion", f'unsupported version "{version}"', hint)
    name = reader.text("metadata.name")
    service = reader.text("spec.service")
    window = _window(reader)
    method = _method(reader)
    objectives = reader.items("spec.objectives")
    slos = []
    for index, objective in enumerate(objectives):
        where = join("spec.objectives", index)
        label = name
        if len(objectives) > 1:
            shown = (
                objective.get("displayName") if isinstance(objective, dict) else None
            )
            label = f"{name}: {shown or index + 1}"
        slos.append(_objective(reader, where, service, label, window, method))
    return slos


def _objective(
    reader: DocumentReader,
    where: str,
    service: str,
    name: str,
    window: Window,
    method: BudgetingMethod,
) -> Slo:
    reader.mapping(where)
    target = _target(reader, where)
    slice_length: timedelta | None = None
    slice_target = None
    if method is not BudgetingMethod.OCCURRENCES:
        slice_where = join(where, "timeSliceWindow")
        slice_length, months = reader.duration(slice_where, months=True)
        if slice_length is None:
            problem = f"a slice of {months} months is longer than any window"
            raise reader.fail(slice_where, problem, "Minutes are a lower-case m.")
        if slice_length > window.shortest:
            problem = "the slice is longer than the window"
            raise reader.fail(slice_where, problem, "Use a slice such as 5m.")
    if method is BudgetingMethod.TIMESLICES:
        slice_target = reader.ratio(
            join(where, "timeSliceTarget"), scale=1, hint="e.g. 0.99"
        )
    return Slo(
        service=service,
        name=name,
        objective=target,
        window=window,
        method=method,
        slice_length=slice_length,
        slice_target=slice_target,
        description=reader.text("spec.description", default=""),
        source=reader.source,
    )


def _target(reader: DocumentReader, where: str) -> Any:
    if reader.get(join(where, "target")) is not None:
        return reader.ratio(join(where, "target"), scale=1, hint=TARGET_HINT)
    if reader.get(join(where, "targetPercent")) is not None:
        return reader.ratio(join(where, "targetPercent"), scale=100, hint=TARGET_HINT)
    raise reader.fail(join(where, "target"), "missing", TARGET_HINT)


def _method(reader: DocumentReader) -> BudgetingMethod:
    value = reader.text("spec.budgetingMethod")
    if value not in METHODS:
        hint = "Use Occurrences, Timeslices or RatioTimeslices (case-sensitive)."
        raise reader.fail("spec.budgetingMethod", f'unknown method "{value}"', hint)
    return METHODS[value]


def _window(reader: DocumentReader) -> Window:
    where = join("spec.timeWindow", 0)
    reader.items("spec.timeWindow")
    reader.mapping(where)
    length, months = reader.duration(join(where, "duration"), months=True)
    rolling = reader.get(join(where, "isRolling"))
    if rolling is True:
        if length is None:
            problem = "a rolling window of calendar months has no fixed length"
            hint = "Use days such as 30d, or set isRolling: false with a calendar."
            raise reader.fail(join(where, "duration"), problem, hint)
        return Window(rolling=True, length=length)
    if rolling not in (False, None):
        raise reader.fail(join(where, "isRolling"), "expected true or false")
    zone, anchor = _calendar(reader, join(where, "calendar"))
    return Window(
        rolling=False, length=length, months=months, anchor=anchor, timezone=zone
    )


def _calendar(reader: DocumentReader, where: str) -> tuple[str, datetime | None]:
    calendar = reader.mapping(where, required=False)
    zone = "UTC"
    if "timeZone" in calendar:
        zone = reader.text(join(where, "timeZone"), hint=TIMEZONE_HINT)
        try:
            info = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            problem = f'unknown time zone "{zone}"'
            raise reader.fail(
                join(where, "timeZone"), problem, TIMEZONE_HINT
            ) from error
    else:
        info = zoneinfo.ZoneInfo("UTC")
    start = calendar.get("startTime")
    if start is None:
        return zone, None
    # YAML turns an unquoted `2022-01-01 12:00:00` into a naive datetime, and a
    # quoted one stays text; both mean a wall-clock time in `timeZone`.
    if isinstance(start, str):
        try:
            start = datetime.fromisoformat(start.strip())
        except ValueError as error:
            problem = f'"{start}" is not a date and time'
            raise reader.fail(join(where, "startTime"), problem, START_HINT) from error
    if isinstance(start, date) and not isinstance(start, datetime):
        start = datetime(start.year, start.month, start.day)
    if not isinstance(start, datetime):
        problem = f"expected a date and time, got {start!r}"
        raise reader.fail(join(where, "startTime"), problem, START_HINT)
    if start.tzinfo is None:
        start = start.replace(tzinfo=info)
    return zone, start.astimezone(UTC)
