"""Gather everything a postmortem shows, then render it with templates/postmortem.md.j2.

All computation (durations, metrics, missing-section notes) happens here, so the
template only lays the values out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import WarroomConfig
from bot.docs.blast import blast_context
from bot.docs.budget import account_for, budget_context, load_catalog
from bot.docs.hypotheses import hypotheses_context
from bot.docs.index import postmortem_path
from bot.incidents.corrections import CORRECTION_KINDS
from bot.incidents.improvement import Analysis, plan_groups, plan_item, propose
from bot.incidents.lifecycle import (
    COMMANDER,
    Instants,
    Metrics,
    compute_metrics,
    format_duration,
)
from bot.incidents.naming import incident_reference
from bot.settings import Settings
from bot.store import incidents
from bot.store.models import (
    ActionItem,
    Incident,
    ProposalDecision,
    RoleAssignment,
    TimelineEvent,
)

DRAFT = "draft"


@dataclass(frozen=True)
class Missing:
    """A section without data: what is missing and who should add it."""

    problem: str
    remedy: str


def cell(text: str) -> str:
    """Make text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def utc(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "unknown"


def build_context(
    session: Session,
    incident: Incident,
    config: WarroomConfig,
    *,
    docs_repo: Path | None = None,
    config_path: Path | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Collect the values the postmortem template shows, with notes for gaps.

    The SLO file is `config.slo_file`, or slo.yaml in `docs_repo`. `config_path`
    locates the system whose service graph gives the blast radius. `now` ends the
    impact of an incident that is still going on.
    """
    zone = ZoneInfo(config.timezone)
    events = incidents.timeline(session, incident)
    roles = incidents.current_roles(session, incident)
    commander = roles.get(COMMANDER, incident.declared_by)
    owner_note = f"the incident commander (<@{commander}>)"

    def texts(kind: str) -> list[str]:
        return [event.text for event in events if event.kind == kind]

    def missing(problem: str, command: str) -> Missing:
        return Missing(problem, f"{owner_note} can add it with `/incident {command}`")

    metrics = compute_metrics(
        Instants(
            declared=incident.declared_at,
            impact_started=incident.impact_started_at,
            detected=incident.detected_at,
            acknowledged=incident.acknowledged_at,
            mitigated=incident.mitigated_at,
            resolved=incident.resolved_at,
        )
    )
    lessons = [event for event in events if event.kind == "lesson"]
    responders = sorted(
        set(
            session.scalars(
                select(RoleAssignment.user_id).where(
                    RoleAssignment.incident_id == incident.id
                )
            )
        )
    )
    items = session.scalars(
        select(ActionItem)
        .where(ActionItem.incident_id == incident.id)
        .order_by(ActionItem.priority, ActionItem.due_on, ActionItem.id)
    ).all()
    severity = next(
        (s.name for s in config.severities if s.level == incident.severity), None
    )
    duration_end = incident.resolved_at or incident.mitigated_at
    reference = incident_reference(incident.number)
    path = postmortem_path(incident.declared_at.date(), incident.title, reference)
    account = account_for(
        session,
        incident,
        load_catalog(config.slo_file, docs_repo),
        now or datetime.now(UTC),
        has_p0_action=any(item.priority == "P0" for item in items),
    )
    return {
        "reference": incident_reference(incident.number),
        "day": incident.declared_at.date(),
        "title": incident.title,
        "status": "published" if incident.postmortem_published_at else DRAFT,
        "date": incident.declared_at.astimezone(zone).date().isoformat(),
        "severity": severity or "not set",
        "commander": commander,
        "responders": responders,
        "summary": incident.resolution_summary or incident.description,
        "summary_missing": missing("No summary yet", "resolve <summary>"),
        "impact": texts("impact"),
        "impact_missing": missing("No impact recorded", "impact <text>"),
        "duration": format_duration(duration_end - metrics.origin)
        if duration_end
        else "unknown (not resolved yet)",
        "services": ", ".join(incident.services) or "none recorded",
        "metrics": metric_rows(metrics, incident),
        "mttr": format_duration(metrics.resolve),
        "origin_is_impact_start": metrics.origin_is_impact_start,
        "trigger": texts("trigger"),
        "trigger_missing": missing("No trigger recorded", "trigger <text>"),
        "cause": texts("cause"),
        "cause_missing": missing("No root cause recorded", "cause <text>"),
        "whys": texts("why"),
        "factors": texts("factor"),
        "factors_missing": missing("No contributing factors", "factor <text>"),
        "lessons": {
            category: [e.text for e in lessons if e.data.get("category") == category]
            for category in ("went-well", "went-wrong", "lucky")
        },
        "lessons_missing": missing(
            "Nothing recorded", "lesson <went-well|went-wrong|lucky> <text>"
        ),
        "actions": [
            {
                "priority": item.priority,
                "category": item.category or "",
                "text": cell(item.text),
                "owner": item.owner_id or "",
                "due": item.due_on.isoformat() if item.due_on else "",
                "status": item.status,
            }
            for item in items
        ],
        "actions_missing": missing("No action items", "action <text>"),
        **budget_context(account, path),
        **blast_context(config, config_path, incident.services),
        "budget_account": account,
        **improvement(
            session,
            incident,
            events,
            items,
            metrics,
            account.uncovered,
            account.burn_rate_rule,
        ),
        **investigation(events, missing),
        **hypotheses_context(session, incident, missing),
        **detection(incident, metrics, events, missing),
        "zone": config.timezone,
        "timeline": [
            {
                "utc": utc(event.occurred_at),
                "local": event.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                "kind": event.kind,
                "actor": event.actor_id or "",
                "text": cell(event.text),
            }
            for event in events
            if event.kind not in CORRECTION_KINDS
        ],
    }


def context_for(
    session: Session, incident: Incident, settings: Settings
) -> dict[str, Any]:
    """Build the postmortem context with the files and folders named in `settings`."""
    return build_context(
        session,
        incident,
        settings.config,
        docs_repo=settings.docs_repo,
        config_path=settings.config_path,
    )


def improvement(
    session: Session,
    incident: Incident,
    events: Sequence[TimelineEvent],
    items: Sequence[ActionItem],
    metrics: Metrics,
    services_without_slo: Sequence[str] = (),
    burn_rate_rule: str | None = None,
) -> dict[str, Any]:
    """Return the improvement plan and the proposals that no action item covers."""
    plan = plan_groups(
        [
            plan_item(
                item_id=item.id,
                text=cell(item.text),
                priority=item.priority,
                category=item.category,
                phase=item.phase,
                effort=item.effort,
                owner=item.owner_id or "",
                due=item.due_on.isoformat() if item.due_on else "",
                status=item.status,
                metrics=metrics,
            )
            for item in items
        ]
    )
    decided = session.scalars(
        select(ProposalDecision.proposal_key).where(
            ProposalDecision.incident_id == incident.id
        )
    )
    analysis = Analysis(
        causes=[e.text for e in events if e.kind == "cause"],
        factors=[e.text for e in events if e.kind == "factor"],
        alerted=any(e.kind == "alert" for e in events),
        runbooks=[
            (str(e.data.get("name", "")), str(e.data.get("outcome", "")))
            for e in events
            if e.kind == "runbook"
        ],
        action_texts=[item.text for item in items],
        services_without_slo=services_without_slo,
        burn_rate_rule=burn_rate_rule,
        decided=frozenset(decided),
    )
    return {
        "plan": [
            {
                "category": category,
                "items": [
                    {
                        **vars(member),
                        "phase": member.phase or "",
                        "effort": member.effort or "",
                        "effect": format_duration(member.effect),
                        "per_day": format_duration(member.effect_per_day),
                    }
                    for member in members
                ],
            }
            for category, members in plan
        ],
        "proposals": [vars(proposal) for proposal in propose(analysis)],
    }


def investigation(
    events: Sequence[TimelineEvent], missing: Callable[[str, str], Missing]
) -> dict[str, Any]:
    """Collect the failure mode, related changes and runbooks of the incident."""
    modes = [event.text for event in events if event.kind == "failure-mode"]
    runbooks: dict[str, dict[str, str]] = {}
    for event in events:
        if event.kind != "runbook":
            continue
        # An alert attaches its runbook link, and `/incident runbook` names one and
        # records how it was used. The newest entry for a runbook wins.
        name = str(event.data.get("name") or event.data.get("runbook_url") or "")
        outcome = str(event.data.get("outcome") or "linked from an alert")
        runbooks[name] = {
            "name": cell(name),
            "outcome": outcome,
            "note": cell(str(event.data.get("note", ""))),
        }
    return {
        "failure_mode": modes[-1] if modes else "",
        "failure_mode_missing": missing("No failure mode named", "failure-mode <text>"),
        "changes": [
            {
                "reference": cell(str(event.data.get("reference", event.text))),
                "note": cell(str(event.data.get("note", ""))),
                "by": event.actor_id or "",
            }
            for event in events
            if event.kind == "change"
        ],
        "changes_missing": missing(
            "No related changes recorded", "change <commit or link> [note]"
        ),
        "runbooks": list(runbooks.values()),
        "runbooks_missing": missing(
            "No runbooks recorded",
            "runbook <name> <followed|not-followed|missing|ineffective>",
        ),
    }


def detection(
    incident: Incident,
    metrics: Metrics,
    events: Sequence[TimelineEvent],
    missing: Callable[[str, str], Missing],
) -> dict[str, Any]:
    """Collect how the incident was noticed and how it ended."""
    notes = [event.text for event in events if event.kind == "alert"]
    notes += [note for note in milestone_notes(events, "detected") if note not in notes]
    after = (
        format_duration(metrics.detect)
        if metrics.origin_is_impact_start and metrics.detect is not None
        else None
    )
    return {
        "detected_at": utc(incident.detected_at or incident.declared_at),
        "detected_after": after,
        "detected_after_missing": missing(
            "The impact start is unknown, so the detection delay is too",
            "started <time>",
        ),
        "detection_notes": notes,
        "detection_missing": missing(
            "No alert or detection note recorded", "detected <time> <how>"
        ),
        "resolution": [
            *(f"Mitigated: {note}" for note in milestone_notes(events, "mitigated")),
            *(
                [f"Resolved: {incident.resolution_summary}"]
                if incident.resolution_summary
                else []
            ),
        ],
        "resolution_missing": missing(
            "No resolution recorded", "resolve <what fixed it>"
        ),
    }


def milestone_notes(events: Sequence[TimelineEvent], name: str) -> list[str]:
    """Return the notes of a milestone, e.g. `/incident mitigated 14:40 <note>`."""
    prefix = f"{name}: "
    return [
        event.text.removeprefix(prefix)
        for event in events
        if event.kind == "milestone"
        and event.data.get("milestone") == name
        and event.text.startswith(prefix)
    ]


def metric_rows(metrics: Metrics, incident: Incident) -> list[dict[str, str]]:
    return [
        {"name": "Impact start", "at": utc(incident.impact_started_at), "value": ""},
        {
            "name": "Detected (MTTD)",
            "at": utc(incident.detected_at or incident.declared_at),
            "value": format_duration(metrics.detect),
        },
        {
            "name": "Acknowledged (MTTA)",
            "at": utc(incident.acknowledged_at or incident.declared_at),
            "value": format_duration(metrics.acknowledge),
        },
        {
            "name": "Mitigated (MTTM)",
            "at": utc(incident.mitigated_at),
            "value": format_duration(metrics.mitigate),
        },
        {
            "name": "Resolved (MTTR)",
            "at": utc(incident.resolved_at),
            "value": format_duration(metrics.resolve),
        },
    ]


def render(environment: jinja2.Environment, context: dict[str, Any]) -> str:
    return environment.get_template("postmortem.md.j2").render(**context)
