"""Multi-window, multi-burn-rate alerts: when each would have fired for an incident.

The default rules are the parameters the Google SRE workbook recommends for a 30-day
SLO (chapter "Alerting on SLOs"). They page at 2% of the budget in 1 hour (14.4x,
checked over 1 h and 5 min) and at 5% in 6 hours (6x, over 6 h and 30 min), and open
a ticket at 10% in 3 days (1x, over 3 d and 6 h). For other windows the budget shares
and alert windows stay, so the burn rates scale with the window. A Sloth AlertWindows
document for the SLO's period replaces the defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from bot.slo.budget import seconds, to_timedelta
from bot.slo.impact import IncidentImpact
from bot.slo.model import AlertWindows, BurnRateRule, Slo, format_period

DEFAULT_RULES = (
    BurnRateRule(
        "fast burn", Fraction(2, 100), timedelta(hours=1), timedelta(minutes=5), "page"
    ),
    BurnRateRule(
        "slow burn", Fraction(5, 100), timedelta(hours=6), timedelta(minutes=30), "page"
    ),
    BurnRateRule(
        "budget burn",
        Fraction(10, 100),
        timedelta(days=3),
        timedelta(hours=6),
        "ticket",
    ),
)


def rules_for(
    slo: Slo, alert_windows: Sequence[AlertWindows]
) -> tuple[BurnRateRule, ...]:
    """Return the AlertWindows rules for the SLO's period, or the defaults."""
    period = slo.window.nominal_length()
    for windows in alert_windows:
        if windows.period == period:
            return windows.rules
    return DEFAULT_RULES


@dataclass(frozen=True)
class AlertTiming:
    """When one burn-rate rule would have fired for an incident, if at all."""

    rule: BurnRateRule
    burn_rate: Fraction
    # Seconds from impact start until both windows exceed the threshold.
    delay: Fraction | None
    fires_at: datetime | None


def alert_timings(
    slo: Slo, impact: IncidentImpact, rules: Sequence[BurnRateRule]
) -> list[AlertTiming]:
    """Return when each rule would have fired, assuming no errors before the impact.

    With error ratio r from the impact start, a window of length w averages
    r x elapsed / w until it is full, so it crosses the threshold
    e = burn rate x (1 - objective) after w x e / r. The long window crosses last,
    which is the workbook's detection time ((1 - SLO) / error ratio) x window x burn
    rate. A rule whose threshold is not crossed before the impact ends never fires.
    """
    # NOTE: Prometheus evaluates rules every interval and may wait a `for:` period,
    # so a real alert fires up to that much later than computed here.
    timings = []
    period = slo.window.nominal_length()
    for rule in rules:
        rate = rule.burn_rate(period)
        threshold = rate * slo.error_budget_ratio
        delay = None
        ratio = impact.error_ratio
        if ratio is not None and ratio > threshold:
            candidate = seconds(rule.long_window) * threshold / ratio
            if candidate <= seconds(impact.end - impact.start):
                delay = candidate
        fires_at = impact.start + to_timedelta(delay) if delay is not None else None
        timings.append(AlertTiming(rule, rate, delay, fires_at))
    return timings


def first_alert(timings: Sequence[AlertTiming]) -> AlertTiming | None:
    fired = [timing for timing in timings if timing.fires_at is not None]
    return min(fired, key=lambda timing: timing.delay or 0) if fired else None


def alert_rule(slo: Slo, timing: AlertTiming) -> str:
    """Write a Prometheus alerting rule for one burn-rate rule of `slo`."""
    rule = timing.rule
    threshold = _decimal(timing.burn_rate * slo.error_budget_ratio)
    name = "".join(part.capitalize() for part in _words(f"{slo.service} {slo.name}"))
    speed = "".join(part.capitalize() for part in _words(rule.name))
    long_range = format_period(rule.long_window)
    short_range = format_period(rule.short_window)
    long_ratio = _error_ratio(slo, rule.long_window)
    short_ratio = _error_ratio(slo, rule.short_window)
    return "\n".join(
        [
            f"- alert: {name}{speed}",
            "  expr: |",
            f"    ({long_ratio}) > {threshold}",
            "    and",
            f"    ({short_ratio}) > {threshold}",
            "  labels:",
            f"    severity: {rule.severity}",
            "  annotations:",
            f"    summary: {slo.service} {slo.name} burns its error budget "
            f"{_decimal(timing.burn_rate)}x too fast ({long_range} and {short_range})",
        ]
    )


def _error_ratio(slo: Slo, window: timedelta) -> str:
    period = format_period(window)
    if slo.error_query and slo.total_query:
        errors = slo.error_query.replace("{{.window}}", period).strip()
        total = slo.total_query.replace("{{.window}}", period).strip()
        return f"{errors} / {total}"
    # Without queries in the SLO file, name a recording rule as Sloth names them.
    labels = f'service="{slo.service}", slo="{slo.name}"'
    return f"slo:sli_error:ratio_rate{period}{{{labels}}}"


def _words(text: str) -> list[str]:
    return [word for word in "".join(c if c.isalnum() else " " for c in text).split()]


def _decimal(value: Fraction) -> str:
    """Show a fraction as a short decimal, exact when it terminates within 6 places."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text or "0"
