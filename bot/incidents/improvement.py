"""The improvement plan: action items in order of value, and items the analysis implies.

Each item's expected effect is the time this incident spent in the phase the item
improves (a detection item could have saved up to the MTTD, a prevention item the
whole incident), divided by its effort in working days. It is an upper bound meant
for ordering, not a forecast.

Proposals are computed from the analysis every time, so one appears when the data
implies it and disappears once an action item covers it or the team decides on it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from bot.incidents.actions import CATEGORIES, PRIORITIES, effort_days
from bot.incidents.lifecycle import Metrics

# Maximum length of a proposal key; the decisions table stores up to 200 characters.
KEY_LIMIT = 120
MISSING_INDEX = re.compile(
    r"\b(missing|no|without an?|lacks? an?)\s+(database\s+)?index", re.IGNORECASE
)
MISSING_TIMEOUT = re.compile(
    r"\b(missing|no|without an?|without|infinite|unbounded|lacks? an?)\s+"
    r"(client\s+|read\s+|connect\s+|request\s+)?timeouts?\b",
    re.IGNORECASE,
)
THIRD_PARTY = re.compile(
    r"\b(vendor|third[- ]party|provider|upstream|saas|aws|gcp|azure|cloudflare|"
    r"stripe|github|dns provider)\b",
    re.IGNORECASE,
)
RESILIENCE = re.compile(
    r"\b(circuit[- ]breaker|fallback|timeout|retry|retries|failover|degrade)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Proposal:
    """An action item that the analysis implies and no item covers yet."""

    key: str
    text: str
    priority: str
    category: str
    phase: str
    effort: str
    reason: str
    # The runbook or service a proposal is about, for telling whether it is covered.
    subject: str = ""


@dataclass(frozen=True)
class Analysis:
    """The records of an incident that proposals are drawn from."""

    causes: Sequence[str] = ()
    factors: Sequence[str] = ()
    alerted: bool = False
    # (runbook name, outcome) as recorded with `/incident runbook`.
    runbooks: Sequence[tuple[str, str]] = ()
    action_texts: Sequence[str] = ()
    services_without_slo: Sequence[str] = ()
    # Alert rule to propose when no alert fired; None without an SLO to derive it.
    burn_rate_rule: str | None = None
    decided: frozenset[str] = field(default_factory=frozenset)


def propose(analysis: Analysis) -> list[Proposal]:
    """Return the proposals that are implied, not yet covered and not yet decided."""
    candidates = [
        *_from_root_cause(analysis),
        *_from_detection(analysis),
        *_from_runbooks(analysis),
        *_from_slos(analysis),
    ]
    return [
        proposal
        for proposal in candidates
        if proposal.key not in analysis.decided
        and not _covered(proposal, analysis.action_texts)
    ]


def _from_root_cause(analysis: Analysis) -> list[Proposal]:
    texts = [*analysis.causes, *analysis.factors]
    found = []
    if any(MISSING_INDEX.search(text) for text in texts):
        found.append(
            Proposal(
                "index",
                "Add the missing index named in the root cause, and a query-plan "
                "check in review for new queries",
                "P1",
                "prevent",
                "prevention",
                "M",
                "The root cause names a missing index.",
            )
        )
    if any(MISSING_TIMEOUT.search(text) for text in texts):
        found.append(
            Proposal(
                "timeout",
                "Set explicit timeouts on the calls named in the root cause",
                "P1",
                "prevent",
                "prevention",
                "S",
                "The root cause names a missing timeout.",
            )
        )
    third_party = next(
        (match for text in texts if (match := THIRD_PARTY.search(text))), None
    )
    if third_party is not None:
        found.append(
            Proposal(
                "resilience",
                f"Add a circuit breaker with a fallback and timeouts around the "
                f"{third_party.group(0).lower()} dependency",
                "P1",
                "mitigate",
                "mitigation",
                "M",
                "A third party contributed to the incident.",
            )
        )
    return found


def _from_detection(analysis: Analysis) -> list[Proposal]:
    if analysis.alerted:
        return []
    rule = f": {analysis.burn_rate_rule}" if analysis.burn_rate_rule else ""
    return [
        Proposal(
            "alert",
            "Add a burn-rate alert on the affected service's SLO so the next "
            f"occurrence pages before users notice{rule}",
            "P1",
            "detect",
            "detection",
            "S",
            "No alert fired during the incident; it was noticed another way.",
        )
    ]


def _from_runbooks(analysis: Analysis) -> list[Proposal]:
    found = []
    for name, outcome in analysis.runbooks:
        if outcome == "missing":
            text, priority, reason = (
                f"Write the runbook {name}",
                "P1",
                f"Runbook {name} was missing when it was needed.",
            )
        elif outcome == "ineffective":
            text, priority, reason = (
                f"Fix the runbook {name} so that following it mitigates the failure",
                "P1",
                f"Runbook {name} was followed but did not help.",
            )
        elif outcome == "not-followed":
            text, priority, reason = (
                f"Link the runbook {name} from its alert so responders find it",
                "P2",
                f"Runbook {name} existed but was not followed.",
            )
        else:
            continue
        found.append(
            Proposal(
                proposal_key(f"runbook:{outcome}", name),
                text,
                priority,
                "process",
                "mitigation",
                "S",
                reason,
                name,
            )
        )
    return found


def _from_slos(analysis: Analysis) -> list[Proposal]:
    return [
        Proposal(
            proposal_key("slo", service),
            f"Define an SLO for {service}",
            "P0",
            "detect",
            "detection",
            "M",
            f"{service} was affected but has no SLO, so its error budget is unknown.",
            service,
        )
        for service in analysis.services_without_slo
    ]


def proposal_key(kind: str, subject: str) -> str:
    """Return a key that fits the database column and a Slack button value.

    A long subject is cut and completed with a hash of the whole, so two long names
    that share a beginning still get different keys.
    """
    key = f"{kind}:{subject}"
    if len(key) <= KEY_LIMIT:
        return key
    digest = hashlib.sha256(subject.encode()).hexdigest()[:16]
    return f"{key[: KEY_LIMIT - 17]}~{digest}"


def _covered(proposal: Proposal, action_texts: Sequence[str]) -> bool:
    """Tell whether an existing action item already covers a proposal."""
    lowered = [text.lower() for text in action_texts]
    kind = proposal.key.partition(":")[0]
    subject = proposal.subject
    if kind == "index":
        return any("index" in text for text in lowered)
    if kind == "timeout":
        return any("timeout" in text for text in lowered)
    if kind == "resilience":
        return any(RESILIENCE.search(text) for text in lowered)
    if kind == "alert":
        return any("alert" in text for text in lowered)
    if kind == "runbook":
        return any(subject.lower() in text for text in lowered)
    if kind == "slo":
        return any("slo" in text and subject.lower() in text for text in lowered)
    return False


@dataclass(frozen=True)
class PlanItem:
    """An action item with the figures the plan is ordered by."""

    item_id: int
    text: str
    priority: str
    category: str
    phase: str | None
    effort: str | None
    owner: str
    due: str
    status: str
    effect: timedelta | None
    effect_per_day: timedelta | None


def expected_effect(phase: str | None, metrics: Metrics) -> timedelta | None:
    """Return the time this incident spent in the phase an item improves."""

    def between(start: timedelta | None, end: timedelta | None) -> timedelta | None:
        if start is None or end is None:
            return None
        return max(end - start, timedelta(0))

    zero = timedelta(0)
    spans = {
        "detection": metrics.detect,
        "response": between(metrics.detect, metrics.acknowledge),
        "mitigation": between(metrics.acknowledge, metrics.mitigate),
        "recovery": between(metrics.mitigate or zero, metrics.resolve),
        "prevention": metrics.resolve,
    }
    return spans.get(phase or "")


def plan_item(
    *,
    item_id: int,
    text: str,
    priority: str,
    category: str | None,
    phase: str | None,
    effort: str | None,
    owner: str,
    due: str,
    status: str,
    metrics: Metrics,
) -> PlanItem:
    effect = expected_effect(phase, metrics)
    days = effort_days(effort)
    per_day = effect / days if effect is not None and days else None
    return PlanItem(
        item_id,
        text,
        priority,
        category or "",
        phase,
        effort,
        owner,
        due,
        status,
        effect,
        per_day,
    )


def plan_groups(items: Sequence[PlanItem]) -> list[tuple[str, list[PlanItem]]]:
    """Group items by category, each group by priority, then effect per effort."""
    order = {category: index for index, category in enumerate(CATEGORIES)}

    def rank(item: PlanItem) -> tuple[int, int, float, int]:
        per_day = item.effect_per_day
        value = -per_day.total_seconds() if per_day is not None else float("inf")
        priority = PRIORITIES.index(item.priority) if item.priority in PRIORITIES else 9
        return (priority, 0 if per_day is not None else 1, value, item.item_id)

    groups: dict[str, list[PlanItem]] = {}
    for item in sorted(items, key=lambda item: order.get(item.category, 99)):
        groups.setdefault(item.category or "uncategorized", []).append(item)
    return [(name, sorted(members, key=rank)) for name, members in groups.items()]
