"""Gather everything a postmortem shows, then render it with templates/postmortem.md.j2.

All computation (durations, metrics, missing-section notes) happens here, so the
template only lays the values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import WarroomConfig
from bot.docs.repository import IndexRow, postmortem_path, write_postmortem
from bot.incidents.corrections import CORRECTION_KINDS
from bot.incidents.lifecycle import (
    COMMANDER,
    Instants,
    Metrics,
    compute_metrics,
    format_duration,
)
from bot.incidents.naming import incident_reference
from bot.store import incidents
from bot.store.models import ActionItem, Incident, RoleAssignment

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
    session: Session, incident: Incident, config: WarroomConfig
) -> dict[str, Any]:
    """Collect the values the postmortem template shows, with notes for gaps."""
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
    return {
        "reference": incident_reference(incident.number),
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


def commit_to_docs(
    root: Path, incident: Incident, context: dict[str, Any], markdown: str
) -> tuple[Path, str]:
    """Write the rendered postmortem and its index row into the docs repository.

    Returns the postmortem's path inside the repository and the commit id.
    """
    row = IndexRow(
        day=incident.declared_at.date(),
        reference=context["reference"],
        severity=context["severity"],
        title=incident.title,
        duration=context["duration"],
        mttr=context["mttr"],
    )
    commit = write_postmortem(root, row, markdown)
    return postmortem_path(row.day, row.title, row.reference), commit
