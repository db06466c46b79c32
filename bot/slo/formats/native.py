"""warroom's own SLO format: a document with a top-level `slos` list.

slos:
  - service: checkout
    sli: availability
    objective: 99.9%          # or 0.999
    window: 30d               # 7d, 28d, 30d or calendar month
    budgeting: timeslices     # or occurrences (the default)
    slice: 5m                 # slice length, time slices only
    slice_target: 95%         # good ratio a slice needs; default: the objective
"""

from __future__ import annotations

from fractions import Fraction

from bot.slo.model import BudgetingMethod, Slo, Window
from bot.slo.reading import DocumentReader, join

KEYS = {
    "service": "service name from the services catalogue",
    "sli": "name of the service level indicator, e.g. availability",
    "objective": "target good ratio, e.g. 99.9% or 0.999",
    "window": "7d, 28d, 30d or calendar month",
    "budgeting": "occurrences or timeslices",
    "slice": "slice length for timeslices, e.g. 5m",
    "slice_target": "good ratio a slice needs, e.g. 95%",
    "description": "what the objective promises",
}
WINDOWS = {"7d": 7, "28d": 28, "30d": 30}
OBJECTIVE_HINT = "Write a percentage such as 99.9% or a fraction such as 0.999."
WINDOW_HINT = "Use 7d, 28d, 30d or calendar month."


def is_native(data: object) -> bool:
    return isinstance(data, dict) and "slos" in data and "version" not in data


def read(reader: DocumentReader) -> list[Slo]:
    reader.check_keys("", {"slos": "list of objectives"})
    return [
        _read_one(reader, join("slos", index))
        for index, _ in enumerate(reader.items("slos"))
    ]


def _read_one(reader: DocumentReader, where: str) -> Slo:
    reader.check_keys(where, KEYS)
    objective = _percent_or_fraction(reader, join(where, "objective"))
    method = _method(reader, join(where, "budgeting"))
    slice_length = None
    slice_target = None
    if method is BudgetingMethod.TIMESLICES:
        slice_length = reader.length(join(where, "slice"))
        slice_target = objective
        if reader.get(join(where, "slice_target")) is not None:
            slice_target = _percent_or_fraction(reader, join(where, "slice_target"))
    elif reader.get(join(where, "slice")) is not None:
        problem = "a slice length needs budgeting: timeslices"
        raise reader.fail(join(where, "slice"), problem, "Remove it or set budgeting.")
    window = _window(reader, join(where, "window"))
    if slice_length is not None and slice_length > window.shortest:
        problem = "the slice is longer than the window"
        raise reader.fail(join(where, "slice"), problem, "Use a slice such as 5m.")
    return Slo(
        service=reader.text(join(where, "service")),
        name=reader.text(join(where, "sli")),
        objective=objective,
        window=window,
        method=method,
        slice_length=slice_length,
        slice_target=slice_target,
        description=reader.text(join(where, "description"), default=""),
        source=reader.source,
    )


def _percent_or_fraction(reader: DocumentReader, where: str) -> Fraction:
    value = reader.get(where)
    if isinstance(value, str) and value.strip().endswith("%"):
        number = value.strip()[:-1]
        return reader.ratio_of(number, where, scale=100, hint=OBJECTIVE_HINT)
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 1:
        problem = f"{value} is ambiguous as a fraction"
        raise reader.fail(where, problem, OBJECTIVE_HINT)
    return reader.ratio(where, scale=1, hint=OBJECTIVE_HINT)


def _method(reader: DocumentReader, where: str) -> BudgetingMethod:
    value = reader.text(where, default="occurrences").lower().replace("_", "")
    if value in ("occurrences", "requests"):
        return BudgetingMethod.OCCURRENCES
    if value in ("timeslices", "time slices"):
        return BudgetingMethod.TIMESLICES
    raise reader.fail(where, f'"{value}" is not a budgeting method', KEYS["budgeting"])


def _window(reader: DocumentReader, where: str) -> Window:
    text = reader.text(where, default="30d", hint=WINDOW_HINT)
    if text.lower() in ("calendar month", "calendar-month", "month"):
        return Window.calendar_month()
    if text not in WINDOWS:
        raise reader.fail(where, f'"{text}" is not a supported window', WINDOW_HINT)
    return Window.rolling_days(WINDOWS[text])
