"""The hypothesis post with its buttons, and the form that adds evidence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.slack import ids, views
from bot.slack.blocks import actions, button, context, escape_mrkdwn, section
from bot.slack.modals import plain, submitted
from bot.store.hypotheses import CONFIRMED, RULED_OUT
from bot.store.models import Hypothesis, HypothesisEvidence

STATUS_LABELS = {
    "open": "open",
    CONFIRMED: "confirmed",
    RULED_OUT: "ruled out",
}
LINK_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 1000


@dataclass(frozen=True)
class EvidenceSubmission:
    channel_id: str
    hypothesis_id: int
    link: str
    note: str


def hypothesis_message(hypothesis: Hypothesis) -> views.Message:
    """Build the post: the text, its status, its evidence and the buttons that fit."""
    status = STATUS_LABELS.get(hypothesis.status, hypothesis.status)
    if hypothesis.root_cause_at is not None:
        status = "confirmed, recorded as the root cause"
    text = f"*Hypothesis* ({status}): {escape_mrkdwn(hypothesis.text)}"
    lines = [f"<@{hypothesis.created_by}> suggested it."]
    if hypothesis.decided_by is not None:
        lines.append(f"<@{hypothesis.decided_by}> marked it {status}.")
    blocks = [section(text), context(" ".join(lines))]
    if hypothesis.evidence:
        # One context block keeps the post within Slack's block limit; it shows
        # ten items and counts the rest.
        blocks.append(context(*map(_evidence_line, hypothesis.evidence)))
    blocks.append(actions(*_buttons(hypothesis)))
    return views.Message(text, blocks)


def _evidence_line(evidence: HypothesisEvidence) -> str:
    note = f" — {escape_mrkdwn(evidence.note)}" if evidence.note else ""
    return f"Evidence from <@{evidence.added_by}>: {escape_mrkdwn(evidence.link)}{note}"


def _buttons(hypothesis: Hypothesis) -> list[dict[str, Any]]:
    value = str(hypothesis.id)
    found = []
    if hypothesis.status != CONFIRMED:
        found.append(button("Confirmed", ids.HYPOTHESIS_CONFIRM, value, "primary"))
    if hypothesis.status != RULED_OUT:
        found.append(button("Ruled out", ids.HYPOTHESIS_RULE_OUT, value))
    if hypothesis.status == CONFIRMED and hypothesis.root_cause_at is None:
        found.append(
            button("Make root cause", ids.HYPOTHESIS_ROOT_CAUSE, value, "primary")
        )
    found.append(button("Add evidence", ids.HYPOTHESIS_EVIDENCE, value))
    return found


def evidence_modal(*, channel_id: str, hypothesis: Hypothesis) -> dict[str, Any]:
    """Build the form that the "Add evidence" button opens."""
    metadata = json.dumps({"channel": channel_id, "hypothesis": hypothesis.id})
    return {
        "type": "modal",
        "callback_id": ids.EVIDENCE_VIEW,
        "private_metadata": metadata,
        "title": plain("Add evidence"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*Hypothesis:* {escape_mrkdwn(hypothesis.text[:2500])}"),
            {
                "type": "input",
                "block_id": ids.EVIDENCE_LINK,
                "label": plain("Link, commit or trace hit"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.EVIDENCE_LINK,
                    "max_length": LINK_MAX_LENGTH,
                    "placeholder": plain("https://grafana.example/d/abc or 4f2a9c1"),
                },
            },
            {
                "type": "input",
                "block_id": ids.EVIDENCE_NOTE,
                "optional": True,
                "label": plain("What it shows"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.EVIDENCE_NOTE,
                    "multiline": True,
                    "max_length": NOTE_MAX_LENGTH,
                },
            },
        ],
    }


def read_evidence_submission(view: dict[str, Any]) -> EvidenceSubmission:
    metadata = json.loads(view.get("private_metadata") or "{}")
    return EvidenceSubmission(
        channel_id=str(metadata.get("channel", "")),
        hypothesis_id=int(metadata.get("hypothesis", 0)),
        link=(submitted(view, ids.EVIDENCE_LINK).get("value") or "").strip(),
        note=(submitted(view, ids.EVIDENCE_NOTE).get("value") or "").strip(),
    )
