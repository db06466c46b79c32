"""SLO adjustments proposed from the incidents charged to each SLO in its last windows.

The windows are the last N of each SLO ending now: for a rolling window the N
periods of its length before now, for a calendar window the period running now and
the N - 1 before it. Budget use per window comes from `accounting.budget_status`;
whether users noticed an incident comes from `evidence.user_notice`.

The verdict on the objective is the first that applies:

- not enough data: warroom's records start after the oldest window does, or (unless
  the objective is too tight) an incident charged to a window has no known error
  ratio and was not resolved as no impact.
- loosen (too tight): in every window the incidents users did not notice used the
  whole budget on their own. Incidents of unknown cost only add to a budget, so
  they cannot undo this verdict.
- tighten (too loose, or the SLI measures the wrong thing): no window came close to
  exhaustion (75% of the budget) while users noticed at least one incident.
- keep: anything else.

"fix alerting" is added when an incident was detected more than 5 minutes after the
first burn-rate alert would have fired (`alerting.alert_timings`). It is also added
when at least two alerts on the service fired for nothing. Those are firing `alert`
events on incidents resolved as no impact, and signals dismissed in triage.
Withdrawn incidents are deleted with their timeline, so their alerts cannot be
counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from bot.slo.accounting import budget_status
from bot.slo.advice_text import (
    alerting_reasons,
    coverage_reason,
    keep_reasons,
    loosen_reasons,
    tighten_reasons,
    unknown_cost_reasons,
)
from bot.slo.alerting import AlertTiming, alert_timings, first_alert, rules_for
from bot.slo.evidence import (
    AlertRecord,
    DismissedAlert,
    IncidentEvidence,
    Notice,
    UserNotice,
    no_impact_reason,
    user_notice,
)
from bot.slo.model import Slo, SloCatalog

DEFAULT_WINDOWS = 3
KEEP, TIGHTEN, LOOSEN = "keep", "tighten", "loosen"
FIX_ALERTING, NOT_ENOUGH_DATA = "fix alerting", "not enough data"
# A window that used this share of its budget came close to exhaustion.
CLOSE_TO_EXHAUSTION = Fraction(3, 4)
# NOTE: an estimate of a rule evaluation interval plus a `for:` duration, which
# delay a real alert beyond the computed firing time.
DETECTION_GRACE = timedelta(minutes=5)
# One alert fired for nothing is reported but is not yet a pattern.
NOISY_ALERTS = 2


@dataclass(frozen=True)
class ChargedIncident:
    """An incident within one window, with its own share of the budget."""

    evidence: IncidentEvidence
    # None when its error ratio is unknown.
    share: Fraction | None
    notice: UserNotice
    # The text stating that it was resolved as no impact; None otherwise.
    no_impact: str | None


@dataclass(frozen=True)
class WindowAccount:
    """Budget use of one SLO in one window."""

    start: datetime
    end: datetime
    # False for the calendar period that is still running.
    complete: bool
    # Every incident together (overlaps counted once), unknown ratios left out.
    consumed: Fraction
    # The incidents users did not notice, on their own.
    unnoticed: Fraction
    incidents: tuple[ChargedIncident, ...]


@dataclass(frozen=True)
class LateDetection:
    """An incident detected later than a burn-rate alert would have fired."""

    evidence: IncidentEvidence
    timing: AlertTiming


@dataclass(frozen=True)
class NoisyAlert:
    """An alert on the SLO's service that fired for nothing, and why it counts."""

    name: str
    source: str
    severity: str | None
    fired_at: datetime
    reason: str


@dataclass(frozen=True)
class Advice:
    """The proposal for one SLO: its windows, verdicts and the reasoning lines."""

    slo: Slo
    windows: tuple[WindowAccount, ...]
    verdicts: tuple[str, ...]
    reasons: tuple[str, ...]


def advise(
    catalog: SloCatalog,
    history: Sequence[IncidentEvidence],
    dismissed: Sequence[DismissedAlert],
    *,
    now: datetime,
    records_since: datetime | None,
    window_count: int = DEFAULT_WINDOWS,
) -> list[Advice]:
    """Propose an adjustment for each SLO of `catalog`, in catalogue order.

    `history` contains every incident whose impact overlaps the windows, and
    `records_since` is when warroom started recording, None when it never did.
    """
    if window_count < 1:
        raise ValueError(f"The window count must be 1 or more, not {window_count}.")
    return [
        advise_slo(catalog, slo, history, dismissed, now, records_since, window_count)
        for slo in catalog.slos
    ]


def advise_slo(
    catalog: SloCatalog,
    slo: Slo,
    history: Sequence[IncidentEvidence],
    dismissed: Sequence[DismissedAlert],
    now: datetime,
    records_since: datetime | None,
    window_count: int,
) -> Advice:
    """Account the windows of one SLO and judge its objective and alerting."""
    accounts = tuple(account_windows(slo, history, now, window_count))
    verdict, reasons = _judge_objective(slo, accounts, records_since)
    late = late_detections(catalog, slo, accounts)
    noisy = noisy_alerts(slo, history, dismissed, accounts[0].start, now)
    verdicts = [verdict]
    if late or len(noisy) >= NOISY_ALERTS:
        verdicts.append(FIX_ALERTING)
    reasons += alerting_reasons(slo.service, late, noisy, NOISY_ALERTS)
    return Advice(slo, accounts, tuple(verdicts), tuple(reasons))


def window_ends(slo: Slo, now: datetime, count: int) -> list[datetime]:
    """Return a moment inside each of the last `count` windows, oldest first."""
    moments = [now]
    for _ in range(count - 1):
        start, _ = slo.window.bounds(moments[-1])
        # A rolling window ends where the next one starts; a calendar period
        # contains its start, so step back into the previous period.
        previous = start if slo.window.rolling else start - timedelta(microseconds=1)
        moments.append(previous)
    return list(reversed(moments))


def earliest_window_start(catalog: SloCatalog, now: datetime, count: int) -> datetime:
    """Return where the oldest of the last `count` windows of any SLO starts."""
    if not catalog.slos:
        return now
    return min(
        slo.window.bounds(window_ends(slo, now, count)[0])[0] for slo in catalog.slos
    )


def account_windows(
    slo: Slo, history: Sequence[IncidentEvidence], now: datetime, count: int
) -> list[WindowAccount]:
    """Account the budget of `slo` in each of its last `count` windows."""
    charged = [e for e in history if slo.service in e.impact.services]
    by_impact = {evidence.impact: evidence for evidence in charged}
    notices = {evidence.impact: user_notice(evidence) for evidence in charged}
    unnoticed = [
        e.impact for e in charged if notices[e.impact].notice is Notice.UNNOTICED
    ]
    accounts = []
    for moment in window_ends(slo, now, count):
        status = budget_status(slo, [e.impact for e in charged], moment)
        rows = tuple(
            ChargedIncident(
                by_impact[impact],
                share,
                notices[impact],
                no_impact_reason(by_impact[impact]),
            )
            for impact, share in status.incidents
        )
        accounts.append(
            WindowAccount(
                start=status.window_start,
                end=status.window_end,
                complete=status.window_end <= now,
                consumed=status.consumed,
                unnoticed=budget_status(slo, unnoticed, moment).consumed,
                incidents=rows,
            )
        )
    return accounts


def _judge_objective(
    slo: Slo, accounts: Sequence[WindowAccount], records_since: datetime | None
) -> tuple[str, list[str]]:
    oldest = accounts[0].start
    if records_since is None or records_since > oldest:
        return NOT_ENOUGH_DATA, [coverage_reason(slo, accounts, records_since)]
    if all(account.unnoticed >= 1 for account in accounts):
        return LOOSEN, loosen_reasons(slo, accounts)
    unknown = [
        row
        for account in accounts
        for row in account.incidents
        if row.share is None and row.no_impact is None
    ]
    if unknown:
        return NOT_ENOUGH_DATA, unknown_cost_reasons(unknown)
    noticed = [
        row
        for account in accounts
        for row in account.incidents
        if row.notice.notice is Notice.COMPLAINED
    ]
    worst = max(account.consumed for account in accounts)
    if noticed and worst < CLOSE_TO_EXHAUSTION:
        return TIGHTEN, tighten_reasons(slo, accounts, noticed, CLOSE_TO_EXHAUSTION)
    return KEEP, keep_reasons(accounts)


def late_detections(
    catalog: SloCatalog, slo: Slo, accounts: Sequence[WindowAccount]
) -> list[LateDetection]:
    """Return the incidents detected after the first burn-rate alert plus grace."""
    rules = rules_for(slo, catalog.alert_windows)
    seen = set()
    late = []
    for account in accounts:
        for row in account.incidents:
            impact = row.evidence.impact
            if impact in seen:
                continue
            seen.add(impact)
            timing = first_alert(alert_timings(slo, impact, rules))
            if timing is None or timing.fires_at is None:
                continue
            if impact.detected_at > timing.fires_at + DETECTION_GRACE:
                late.append(LateDetection(row.evidence, timing))
    return late


def noisy_alerts(
    slo: Slo,
    history: Sequence[IncidentEvidence],
    dismissed: Sequence[DismissedAlert],
    since: datetime,
    until: datetime,
) -> list[NoisyAlert]:
    """Return the alerts on the SLO's service in [since, until) fired for nothing."""
    noisy = []
    for evidence in history:
        reason = no_impact_reason(evidence)
        if reason is None or slo.service not in evidence.impact.services:
            continue
        reference = evidence.impact.reference
        for alert in evidence.alerts:
            if _fired_for(alert, slo.service) and since <= alert.occurred_at < until:
                noisy.append(
                    NoisyAlert(
                        alert.name,
                        alert.source,
                        alert.severity,
                        alert.occurred_at,
                        f"{reference} was resolved as no impact ({reason})",
                    )
                )
    for signal in dismissed:
        if signal.service == slo.service and since <= signal.starts_at < until:
            noisy.append(
                NoisyAlert(
                    signal.name,
                    signal.source,
                    signal.severity,
                    signal.starts_at,
                    "dismissed in triage",
                )
            )
    return sorted(noisy, key=lambda alert: alert.fired_at)


def _fired_for(alert: AlertRecord, service: str) -> bool:
    # An alert without a service label counts for every service of its incident.
    return alert.status == "firing" and alert.service in (None, service)
