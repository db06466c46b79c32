"""Blameless review of a postmortem draft: findings are listed, never fixed silently."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.incidents.improvement import RESILIENCE, THIRD_PARTY
from bot.slo.policy import POSTMORTEM_REQUIRED

BLAME_WORDS = ("careless", "should have", "failed to", "negligent", "fault of", "blame")
# First words that show an action item is not written as an instruction. A heuristic:
# a list of verbs could never be complete, but these openings are never verbs.
NOT_A_VERB = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "we",
        "our",
        "they",
        "it",
        "maybe",
        "more",
        "better",
        "some",
        "no",
        "new",
        "missing",
        "lack",
        "need",
        "needs",
    }
)
MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


@dataclass(frozen=True)
class Finding:
    section: str
    message: str


def review(context: dict[str, Any], severity_level: int | None) -> list[Finding]:
    """Check a postmortem context (from build_context) and return the findings."""
    findings: list[Finding] = []
    findings += check_cause(context["cause"])
    narrative = {
        "summary": [context["summary"] or ""],
        "impact": context["impact"],
        "trigger": context["trigger"],
        "root cause": context["cause"],
        "5 whys": context["whys"],
        "contributing factors": context["factors"],
        **{f"lessons ({k})": v for k, v in context["lessons"].items()},
    }
    for section, texts in narrative.items():
        findings += check_blame(section, texts)
    name = context.get("severity") or f"SEV{severity_level}"
    findings += check_actions(context["actions"], severity_level, name)
    findings += check_third_party(
        context["cause"], context["factors"], context["actions"]
    )
    findings += check_error_budget(context)
    return findings


def check_cause(causes: Sequence[str]) -> list[Finding]:
    findings = []
    for cause in causes:
        if "human error" in cause.lower():
            findings.append(
                Finding(
                    "root cause",
                    f'"{cause}" stops at human error; ask why the system let the '
                    "mistake happen or made it likely.",
                )
            )
        if MENTION.search(cause):
            findings.append(
                Finding(
                    "root cause",
                    f'"{cause}" names a person; describe the system condition instead.',
                )
            )
    return findings


def check_blame(section: str, texts: Iterable[str]) -> list[Finding]:
    findings = []
    for text in texts:
        lowered = text.lower()
        for word in BLAME_WORDS:
            if word in lowered:
                findings.append(
                    Finding(
                        section,
                        f'"{word}" in "{text[:80]}" assigns blame; say what happened '
                        "and what made it possible.",
                    )
                )
    return findings


def check_actions(
    actions: Sequence[dict[str, str]],
    severity_level: int | None,
    severity_name: str = "",
) -> list[Finding]:
    findings = []
    for item in actions:
        words = item["text"].split()
        if not words or words[0].lower().strip(".,:;") in NOT_A_VERB:
            findings.append(
                Finding(
                    "action items",
                    f'"{item["text"][:80]}" does not start with a verb; write it as '
                    'an instruction, e.g. "Add an index on orders.created_at".',
                )
            )
        if not item["owner"]:
            findings.append(
                Finding("action items", f'"{item["text"][:80]}" has no owner.')
            )
        if not item["due"]:
            findings.append(
                Finding("action items", f'"{item["text"][:80]}" has no due date.')
            )
    categories = {item["category"] for item in actions}
    if not categories & {"prevent", "detect"}:
        findings.append(
            Finding(
                "action items",
                "No action item prevents a recurrence or detects it sooner "
                "(type prevent or detect).",
            )
        )
    urgent = {item["priority"] for item in actions} & {"P0", "P1"}
    if severity_level in (1, 2) and not urgent:
        findings.append(
            Finding(
                "action items",
                f"A {severity_name} incident has no P0 or P1 action item.",
            )
        )
    return findings


def check_third_party(
    causes: Sequence[str], factors: Sequence[str], actions: Sequence[dict[str, str]]
) -> list[Finding]:
    if not any(THIRD_PARTY.search(text) for text in [*causes, *factors]):
        return []
    if any(RESILIENCE.search(item["text"]) for item in actions):
        return []
    return [
        Finding(
            "action items",
            "A third party contributed to the incident, but no action item adds a "
            "circuit breaker, fallback or timeout around it.",
        )
    ]


def check_error_budget(context: dict[str, Any]) -> list[Finding]:
    """Report services without an SLO and budget policy the action items miss."""
    actions = [item["text"].lower() for item in context["actions"]]
    findings = []
    for service in context["services_without_slo"]:
        if any("slo" in text and service.lower() in text for text in actions):
            continue
        findings.append(
            Finding(
                "error budget",
                f"{service} was affected but has no SLO. Add the P0 action item "
                f'"Define an SLO for {service}" (it is proposed under the draft).',
            )
        )
    has_p0 = any(item["priority"] == "P0" for item in context["actions"])
    for finding in context["slo_findings"]:
        if finding["kind"] == POSTMORTEM_REQUIRED and not has_p0:
            findings.append(Finding("error budget", finding["message"]))
    return findings
