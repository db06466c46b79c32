"""The reasoning lines of `warroom slo advise`, and its terminal layout.

Values stay exact `Fraction`s until the `text` formatters round them. A proposed
objective is rounded down when it is a maximum and up when it is a minimum, so the
rounded value still keeps the promise of its sentence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from bot.slo.budget import objective_for_share
from bot.slo.evidence import Notice
from bot.slo.model import Slo, format_period
from bot.slo.text import (
    describe_slo,
    format_objective,
    format_rate,
    format_seconds,
    format_share,
    format_time,
)

if TYPE_CHECKING:
    from bot.slo.advise import (
        Advice,
        ChargedIncident,
        LateDetection,
        NoisyAlert,
        WindowAccount,
    )

# format_objective shows 4 decimals of a percentage, so 6 of a ratio.
OBJECTIVE_STEP = 10**6


def coverage_reason(
    slo: Slo, accounts: Sequence[WindowAccount], records_since: datetime | None
) -> str:
    if records_since is None:
        return f"warroom has no records yet, so nothing can be said about {slo.label}."
    reason = (
        f"warroom's records start at {format_time(records_since)}, after the oldest "
        f"window starts ({format_time(accounts[0].start)}), so a quiet window may "
        "only mean that nothing was recorded."
    )
    covered = sum(1 for account in accounts if account.start >= records_since)
    if covered:
        reason += f" Use --windows {covered} to judge only the windows recorded."
    return reason


def loosen_reasons(slo: Slo, accounts: Sequence[WindowAccount]) -> list[str]:
    shares = ", ".join(format_share(account.unnoticed) for account in accounts)
    reasons = [
        f"In each of the {len(accounts)} windows the incidents users did not notice "
        f"used the whole budget or more on their own ({shares}).",
        "Not noticed by users: "
        + _incident_list(_rows(accounts, Notice.UNNOTICED), with_share=False)
        + ".",
    ]
    worst = max(account.consumed for account in accounts)
    proposed = objective_for_share(slo.objective, worst)
    if proposed <= 0:
        reasons.append(
            "No objective above 0% would have kept every window within its budget, "
            "so the SLI probably counts failures that users do not see."
        )
    else:
        rounded = Fraction(math.floor(proposed * OBJECTIVE_STEP), OBJECTIVE_STEP)
        reasons.append(
            f"An objective of {format_objective(rounded)} or lower would have kept "
            f"every window within its budget (now {format_objective(slo.objective)})."
        )
    noticed = _rows(accounts, Notice.COMPLAINED)
    if noticed:
        reasons.append(
            "Users did notice " + _incident_list(noticed, with_share=True) + ", so "
            "check that a looser objective still catches incidents like these."
        )
    return reasons


def unknown_cost_reasons(rows: Sequence[ChargedIncident]) -> list[str]:
    listed = _incident_list(rows, with_share=False)
    return [
        f"No error ratio is recorded for {listed}, so the budget they used is "
        "unknown and no conclusion about the objective holds. Record one in each "
        "incident's channel with `/incident impact 40% errors` (or `full outage`)."
    ]


def tighten_reasons(
    slo: Slo,
    accounts: Sequence[WindowAccount],
    noticed: Sequence[ChargedIncident],
    close: Fraction,
) -> list[str]:
    worst = max(accounts, key=lambda account: account.consumed)
    reasons = [
        f"No window came close to exhausting the budget: the most used was "
        f"{format_share(worst.consumed)} ({_window_text(worst)}), below "
        f"{format_share(close)}.",
        "Yet users noticed " + _incident_list(noticed, with_share=True) + ".",
    ]
    if worst.consumed == 0:
        reasons.append(
            "These incidents used none of the budget, so the SLI probably does not "
            "measure what users saw."
        )
        return reasons
    proposed = objective_for_share(slo.objective, worst.consumed)
    rounded = Fraction(math.ceil(proposed * OBJECTIVE_STEP), OBJECTIVE_STEP)
    if rounded < 1:
        reasons.append(
            f"Either the objective is too loose, because {format_objective(rounded)} "
            "or higher would have used the whole budget in that window, or the SLI "
            "does not count the failures users saw."
        )
    return reasons


def keep_reasons(accounts: Sequence[WindowAccount]) -> list[str]:
    rows = _distinct(row for account in accounts for row in account.incidents)
    if not rows:
        return [
            f"No incident was charged to this SLO in the {len(accounts)} windows, "
            "so nothing calls for a change."
        ]
    lowest = min(account.consumed for account in accounts)
    highest = max(account.consumed for account in accounts)
    exhausted = sum(1 for account in accounts if account.consumed >= 1)
    counts = {notice: 0 for notice in Notice}
    for row in rows:
        counts[row.notice.notice] += 1
    return [
        f"Budget use ranged from {format_share(lowest)} to {format_share(highest)}, "
        f"and {exhausted} of {len(accounts)} windows exhausted the budget.",
        f"Incidents: {counts[Notice.COMPLAINED]} noticed by users, "
        f"{counts[Notice.UNNOTICED]} not noticed, {counts[Notice.UNCLEAR]} unclear.",
        "Unnoticed incidents did not exhaust every window, and noticed ones did not "
        "leave every window far from exhaustion, so the objective stays.",
    ]


def alerting_reasons(
    service: str,
    late: Sequence[LateDetection],
    noisy: Sequence[NoisyAlert],
    threshold: int,
) -> list[str]:
    reasons = []
    for detection in late:
        impact = detection.evidence.impact
        timing = detection.timing
        assert timing.fires_at is not None
        delay = Fraction(int((impact.detected_at - timing.fires_at).total_seconds()))
        rule = timing.rule
        reasons.append(
            f"{impact.reference} was detected at {format_time(impact.detected_at)}, "
            f"{format_seconds(delay)} after the {rule.name} alert "
            f"({format_rate(timing.burn_rate)} over {format_period(rule.long_window)} "
            f"and {format_period(rule.short_window)}) would have fired at "
            f"{format_time(timing.fires_at)}. `/incident slo` in its channel shows "
            "the alert rule to add."
        )
    if not noisy:
        return reasons
    count = f"{len(noisy)} alert" if len(noisy) == 1 else f"{len(noisy)} alerts"
    if len(noisy) < threshold:
        reasons.append(
            f"{count} on {service} fired for nothing, which is not yet a pattern."
        )
    else:
        reasons.append(f"{count} on {service} fired for nothing.")
    for alert in noisy:
        severity = f", severity {alert.severity}" if alert.severity else ""
        reasons.append(
            f"{alert.name} ({alert.source}{severity}) fired at "
            f"{format_time(alert.fired_at)} for nothing: {alert.reason}."
        )
    return reasons


def advice_lines(advices: Sequence[Advice]) -> list[str]:
    """Lay out each SLO's windows, verdicts and reasoning for a terminal."""
    lines: list[str] = []
    for advice in advices:
        if lines:
            lines.append("")
        lines.append(describe_slo(advice.slo))
        for account in advice.windows:
            lines.append(f"  {_window_text(account)}: {_consumed_text(account)} used")
            for row in account.incidents:
                lines.append(f"    {_incident_line(row)}")
        lines.append(f"  verdict: {', '.join(advice.verdicts)}")
        lines.extend(f"  - {reason}" for reason in advice.reasons)
    return lines


def _window_text(account: WindowAccount) -> str:
    start = account.start.strftime("%Y-%m-%d %H:%M")
    end = account.end.strftime("%Y-%m-%d %H:%M")
    running = "" if account.complete else ", running"
    return f"{start} to {end} UTC{running}"


def _consumed_text(account: WindowAccount) -> str:
    shown = format_share(account.consumed)
    if any(row.share is None and row.no_impact is None for row in account.incidents):
        return f"at least {shown}"
    return shown


def _incident_line(row: ChargedIncident) -> str:
    impact = row.evidence.impact
    share = "unknown" if row.share is None else format_share(row.share)
    line = (
        f"{impact.reference} {share}, {row.notice.notice.value} ({row.notice.reason})"
    )
    if row.no_impact is not None and row.no_impact != row.notice.reason:
        line += f", resolved as no impact ({row.no_impact})"
    return line


def _rows(accounts: Sequence[WindowAccount], notice: Notice) -> list[ChargedIncident]:
    return _distinct(
        row
        for account in accounts
        for row in account.incidents
        if row.notice.notice is notice
    )


def _distinct(rows: Iterable[ChargedIncident]) -> list[ChargedIncident]:
    """Keep the first row of each incident, because one can span two windows."""
    seen = set()
    kept = []
    for row in rows:
        if row.evidence.impact not in seen:
            seen.add(row.evidence.impact)
            kept.append(row)
    return kept


def _incident_list(rows: Sequence[ChargedIncident], *, with_share: bool) -> str:
    parts = []
    for row in _distinct(rows):
        detail = row.notice.reason
        if with_share:
            used = "unknown" if row.share is None else format_share(row.share)
            detail += f", used {used}"
        parts.append(f"{row.evidence.impact.reference} ({detail})")
    return ", ".join(parts)
