"""The Slack post of a signal group: its alerts, and the triage controls while open.

Alert text comes from monitoring systems, so it is escaped like text from people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.incidents.naming import incident_reference
from bot.slack.blocks import (
    actions,
    button,
    context,
    escape_mrkdwn,
    fit_blocks,
    header,
    section,
    truncate,
)
from bot.slack.ids import (
    ALERT_ATTACH,
    ALERT_DECLARE,
    ALERT_DISMISS,
    ALERT_GROUP_BLOCK_PREFIX,
)
from bot.slack.views import FALLBACK_LIMIT, Message, slack_time
from bot.store.models import Incident, Signal, SignalGroup
from bot.store.signals import ATTACHED, DECLARED, DECLARING, DISMISSED, OPEN

# Alerts listed in full; the rest of a large group is counted in one line.
SHOWN_SIGNALS = 15
# Slack allows 100 options in a static select.
MENU_OPTIONS_LIMIT = 100
OPTION_TEXT_LIMIT = 75
STATUS_MARKS = {"firing": ":red_circle:", "resolved": ":large_green_circle:"}


@dataclass(frozen=True)
class GroupPostContext:
    """What a group's post shows besides its signals."""

    linked: Incident | None
    open_incidents: Sequence[Incident]


def group_post(
    group: SignalGroup, signals: Sequence[Signal], extra: GroupPostContext
) -> Message:
    """Build the post of a signal group, with triage controls while it is open."""
    firing = sum(1 for signal in signals if signal.status == "firing")
    counts = f"{firing} firing, {len(signals) - firing} resolved"
    blocks: list[dict[str, object]] = [header(f"{group.source}: {group.title}")]
    lines = [signal_line(signal) for signal in signals[:SHOWN_SIGNALS]]
    if len(signals) > SHOWN_SIGNALS:
        lines.append(f"… and {len(signals) - SHOWN_SIGNALS} more alerts in this group.")
    blocks.append(section("\n".join(lines) or "No alerts stored yet."))
    blocks.append(section(outcome_line(group, extra.linked)))
    if group.state == OPEN and group.route != "declare":
        blocks.append(triage_controls(group, extra.open_incidents))
    blocks.append(context(f"{counts} · updated {slack_time(group.updated_at)}"))
    text = f"{group.source} alert {group.title}: {counts}"
    return Message(truncate(escape_mrkdwn(text), FALLBACK_LIMIT), fit_blocks(blocks))


def signal_line(signal: Signal) -> str:
    mark = STATUS_MARKS.get(signal.status, ":grey_question:")
    parts = [f"{mark} *{escape_mrkdwn(signal.name)}*"]
    details = [value for value in (signal.severity, signal.service) if value]
    if details:
        parts.append("(" + escape_mrkdwn(", ".join(details)) + ")")
    if signal.summary and signal.summary != signal.name:
        parts.append("— " + escape_mrkdwn(truncate(signal.summary, 300)))
    since = slack_time(signal.starts_at, "{date_short} {time}")
    parts.append(f"since {since}")
    if signal.status == "resolved" and signal.ends_at is not None:
        parts.append(f"until {slack_time(signal.ends_at, '{date_short} {time}')}")
    links = [
        _link(signal.runbook_url, "runbook"),
        _link(signal.dashboard_url, "dashboard"),
        _link(signal.source_url, "source"),
    ]
    shown = [link for link in links if link]
    if shown:
        parts.append("· " + " · ".join(shown))
    return " ".join(parts)


def outcome_line(group: SignalGroup, linked: Incident | None) -> str:
    reference = incident_reference(linked.number) if linked else "an incident"
    by = f" by <@{group.decided_by}>" if group.decided_by else ""
    if group.state == DECLARED:
        return f"*Declared* as {reference}{by}; new alerts go to its timeline."
    if group.state == ATTACHED:
        return f"*Attached* to {reference}{by}; new alerts go to its timeline."
    if group.state == DISMISSED:
        return f"*Dismissed*{by}. A new firing alert reopens triage."
    if group.state == DECLARING:
        return "*Declaring an incident…*"
    return "*Awaiting triage.*"


def triage_controls(
    group: SignalGroup, open_incidents: Sequence[Incident]
) -> dict[str, object]:
    value = str(group.id)
    elements: list[dict[str, object]] = [
        button("Declare incident", ALERT_DECLARE, value, style="primary")
    ]
    if open_incidents:
        elements.append(incident_menu(open_incidents))
    elements.append(button("Dismiss", ALERT_DISMISS, value))
    return actions(*elements, block_id=f"{ALERT_GROUP_BLOCK_PREFIX}{group.id}")


def incident_menu(open_incidents: Sequence[Incident]) -> dict[str, object]:
    """Build the "Attach to INC-n" menu of open incidents, newest first."""
    options = [
        {
            "text": {
                "type": "plain_text",
                "text": truncate(menu_label(incident), OPTION_TEXT_LIMIT),
            },
            "value": str(incident.id),
        }
        for incident in open_incidents[:MENU_OPTIONS_LIMIT]
    ]
    return {
        "type": "static_select",
        "action_id": ALERT_ATTACH,
        "placeholder": {"type": "plain_text", "text": "Attach to INC-n"},
        "options": options,
    }


def menu_label(incident: Incident) -> str:
    """Name an incident in the menu; a triage channel never sees a private title."""
    reference = incident_reference(incident.number)
    return (
        f"{reference} (private)"
        if incident.private
        else f"{reference}: {incident.title}"
    )


def _link(url: str | None, label: str) -> str | None:
    if not url or not url.startswith(("http://", "https://")) or "|" in url:
        return None
    if "<" in url or ">" in url:
        return None
    return f"<{url}|{label}>"
