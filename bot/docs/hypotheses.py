"""The postmortem's Investigation section: every hypothesis and its evidence.

Ruled-out hypotheses are listed too, because they show how the team reasoned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.store import hypotheses as store
from bot.store.models import Incident

STATUS_LABELS = {
    store.OPEN: "Open",
    store.CONFIRMED: "Confirmed",
    store.RULED_OUT: "Ruled out",
}


def hypotheses_context(
    session: Session,
    incident: Incident,
    missing: Callable[[str, str], object],
) -> dict[str, Any]:
    """Return the hypotheses, oldest first, with their evidence, for the template.

    `missing` builds the note the template shows when there are none.
    """
    found = []
    for hypothesis in store.for_incident(session, incident.id):
        status = STATUS_LABELS.get(hypothesis.status, hypothesis.status)
        if hypothesis.root_cause_at is not None:
            status = "Confirmed, root cause"
        found.append(
            {
                "status": status,
                "text": _line(hypothesis.text),
                "by": hypothesis.created_by,
                "at": _utc(hypothesis.created_at),
                "evidence": [
                    {
                        "link": _line(evidence.link),
                        "note": _line(evidence.note),
                        "by": evidence.added_by,
                        "at": _utc(evidence.added_at),
                    }
                    for evidence in hypothesis.evidence
                ],
            }
        )
    return {
        "hypotheses": found,
        "hypotheses_missing": missing("No hypotheses recorded", "hypothesis <text>"),
    }


def _line(text: str) -> str:
    """Keep a value on one line, so it stays inside its Markdown list item."""
    return " ".join(text.split())


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")
