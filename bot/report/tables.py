"""The report as plain-text tables, for a terminal or a Slack code block."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from bot.incidents.lifecycle import format_duration
from bot.incidents.naming import incident_reference
from bot.report.stats import DurationSummary
from bot.report.trends import Report, ResponseTimes
from bot.text import counted

TOTAL = "Total"
NOT_CONFIGURED = (
    "Error budget consumed: SLO data is not configured, so no budget is shown."
)
TIMES_NOTE = (
    "Response times: median and p90 interpolate linearly between the closest ranks, "
    "and Unknown counts the incidents left out because that moment is not recorded."
)
METRICS: tuple[tuple[str, Callable[[ResponseTimes], DurationSummary]], ...] = (
    ("MTTD, time to detect", lambda times: times.detect),
    ("MTTA, time to acknowledge", lambda times: times.acknowledge),
    ("MTTM, time to mitigate", lambda times: times.mitigate),
    ("MTTR, time to resolve", lambda times: times.resolve),
)


def render_tables(report: Report, *, hide_private: bool = False) -> list[str]:
    """Return the report as titled plain-text tables, one string per section.

    With `hide_private`, the repeats list private incidents by reference only, and
    a failure mode recorded only on private incidents is not shown either.
    """
    sections = [
        _heading(report),
        _severity_table(report),
        *(_metric_table(report, title, pick) for title, pick in METRICS),
        _actions_table(report),
        _service_table(report),
        _repeats(report, hide_private),
    ]
    return sections


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Align columns: the first to the left, the others to the right."""
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [
            max(width, len(cell)) for width, cell in zip(widths, row, strict=True)
        ]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [
            cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True)
        ]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


def _heading(report: Report) -> str:
    zone = ZoneInfo(report.timezone)
    since = report.since.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    until = report.until.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    private = (
        f", {report.private_incidents} of them private"
        if report.private_incidents
        else ""
    )
    declared = counted(report.incidents, "incident")
    return (
        f"Incident trends from {since} to {until}, by {report.period_kind} in "
        f"{report.timezone}.\n{declared} declared{private}.\n{TIMES_NOTE}"
    )


def _severity_table(report: Report) -> str:
    headers = ["Period", "Incidents", *report.severity_columns]
    rows = [
        [trend.period.label, str(trend.incidents), *map(str, trend.by_severity)]
        for trend in report.periods
    ]
    rows.append([TOTAL, str(report.incidents), *map(str, report.by_severity)])
    return "Incidents by severity\n" + format_table(headers, rows)


def _metric_table(
    report: Report, title: str, pick: Callable[[ResponseTimes], DurationSummary]
) -> str:
    headers = ["Period", "Known", "Unknown", "Median", "p90", "Mean"]
    rows = [
        _metric_row(trend.period.label, pick(trend.times)) for trend in report.periods
    ]
    rows.append(_metric_row(TOTAL, pick(report.times)))
    return f"{title}\n{format_table(headers, rows)}"


def _metric_row(label: str, summary: DurationSummary) -> list[str]:
    def shown(value: timedelta | None) -> str:
        return "-" if value is None else format_duration(value)

    return [
        label,
        str(summary.count),
        str(summary.excluded),
        shown(summary.median),
        shown(summary.p90),
        shown(summary.mean),
    ]


def _actions_table(report: Report) -> str:
    headers = ["Period", "Opened", "Closed", "Went overdue"]
    rows = [
        [
            trend.period.label,
            str(trend.actions.opened),
            str(trend.actions.closed),
            str(trend.actions.overdue),
        ]
        for trend in report.periods
    ]
    open_now = counted(report.actions_overdue_now, "action item")
    return (
        f"Action items\n{format_table(headers, rows)}\n"
        f"Open and past their due date now: {open_now}."
    )


def _service_table(report: Report) -> str:
    if not report.services:
        return "Incidents by service\nNo incident named a service."
    headers = ["Service", "Incidents", *report.severity_columns]
    if report.budget_configured:
        headers.append("Error budget consumed")
    rows = []
    for trend in report.services:
        row = [trend.service, str(trend.incidents), *map(str, trend.by_severity)]
        if report.budget_configured:
            row.append(_budget_text(trend.budget_consumed))
        rows.append(row)
    table = "Incidents by service\n" + format_table(headers, rows)
    if report.budget_configured:
        return table
    return f"{table}\n{NOT_CONFIGURED}"


def _budget_text(consumed: Fraction | None) -> str:
    if consumed is None:
        return "no SLO"
    return f"{float(consumed * 100):.1f}%"


def _repeats(report: Report, hide_private: bool) -> str:
    if not report.repeats:
        return (
            "Repeat incidents\nNo two incidents share a service and a failure mode "
            "(recorded with `/incident failure-mode <text>`)."
        )
    lines = ["Repeat incidents (same service and failure mode)"]
    for repeat in report.repeats:
        public = [i for i in repeat.incidents if not i.private]
        mode = repeat.failure_mode
        if hide_private and not public:
            mode = "(failure mode of private incidents)"
        elif hide_private:
            mode = public[-1].failure_mode
        lines.append(f"{repeat.service}: {mode} ({len(repeat.incidents)} incidents)")
        for incident in repeat.incidents:
            declared = incident.declared_at.astimezone(ZoneInfo(report.timezone))
            day = declared.strftime("%Y-%m-%d")
            title = "(private)" if hide_private and incident.private else incident.title
            lines.append(f"  {incident_reference(incident.number)}  {day}  {title}")
    return "\n".join(lines)
