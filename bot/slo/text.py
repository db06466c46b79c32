"""Display of exact budget values: the only place where they are rounded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from bot.slo.accounting import BudgetStatus
from bot.slo.model import BudgetingMethod, Slo, format_period


def format_decimal(value: Fraction, places: int) -> str:
    """Round half to even at `places` decimals, without float error."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    step = Decimal(1).scaleb(-places)
    return str(exact.quantize(step, rounding=ROUND_HALF_EVEN))


def format_share(value: Fraction) -> str:
    """Show a share of the budget as a percentage: 47/108 is `43.52%`."""
    return format_decimal(value * 100, 2) + "%"


def format_objective(objective: Fraction) -> str:
    text = format_decimal(objective * 100, 4).rstrip("0").rstrip(".")
    return f"{text}%"


def format_rate(rate: Fraction) -> str:
    text = format_decimal(rate, 2).rstrip("0").rstrip(".")
    return f"{text}x"


def format_seconds(amount: Fraction | None) -> str:
    """Show seconds as `2d 02h 00m`, `43m 12s` or `51.84s`; `never` for None."""
    if amount is None:
        return "never"
    if amount < 60:
        return format_decimal(amount, 2).rstrip("0").rstrip(".") + "s"
    whole = int(amount)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s"


def format_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def describe_slo(slo: Slo) -> str:
    """Summarise an SLO in one line, e.g. for `warroom slo check`."""
    method = slo.method.value
    if slo.method is not BudgetingMethod.OCCURRENCES and slo.slice_length:
        method += f" of {format_period(slo.slice_length)}"
        if slo.slice_target is not None:
            method += f" (good at {format_objective(slo.slice_target)})"
    return (
        f"{slo.label}: {format_objective(slo.objective)} over a "
        f"{slo.window.describe()} window, {method}"
    )


REPORT_COLUMNS = (
    "SLO",
    "objective",
    "budget",
    "consumed",
    "remaining",
    "burn",
    "status",
)


def report_lines(statuses: Sequence[BudgetStatus]) -> list[str]:
    """Lay out the terminal report: a table, then each service's incidents."""
    rows = [REPORT_COLUMNS]
    for status in statuses:
        rows.append(
            (
                status.slo.label,
                format_objective(status.slo.objective),
                format_seconds(status.budget_seconds),
                format_share(status.consumed),
                format_share(status.remaining),
                format_rate(status.burn_rate),
                _status_text(status),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(REPORT_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    for status in statuses:
        if not status.incidents:
            continue
        lines.append("")
        lines.append(f"{status.slo.label}, {status.slo.window.describe()} window:")
        for impact, share in status.incidents:
            used = format_share(share) if share is not None else "unknown"
            lines.append(f"  {impact.reference} {used}  {impact.title}")
            if share is None:
                lines.append(f"    {impact.ratio_source}")
    return lines


def _status_text(status: BudgetStatus) -> str:
    if status.status == "exhausted":
        return "exhausted: feature freeze recommended"
    if status.status == "burning":
        left = format_seconds(status.exhaustion_seconds)
        return f"burning, exhausted in {left} at this rate"
    return "ok"
