"""Block Kit messages built from stored incidents. Text from people is escaped here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.config import Severity
from bot.incidents.lifecycle import (
    STANDARD_ROLES,
    Metrics,
    format_duration,
)
from bot.incidents.naming import incident_reference
from bot.slack.blocks import (
    actions,
    button,
    context,
    escape_mrkdwn,
    fields_section,
    fit_blocks,
    header,
    paragraphs,
    section,
    truncate,
)
from bot.slack.ids import (
    ACTION_ITEM_DONE,
    ACTION_ITEM_REASSIGN,
    ACTION_ITEM_SNOOZE_DAY,
    ACTION_ITEM_SNOOZE_WEEK,
    SEVERITY_ACTION_PREFIX,
    STATUS_SNOOZE_1H,
    STATUS_SNOOZE_30M,
)
from bot.store.models import ActionItem, Incident, TimelineEvent

FALLBACK_LIMIT = 3000


@dataclass(frozen=True)
class Message:
    """A message ready for chat.postMessage: fallback text plus blocks."""

    text: str
    blocks: list[dict[str, object]]


def slack_time(moment: datetime, style: str = "{date_short_pretty} {time}") -> str:
    """Format an instant so that Slack shows it in each reader's own time zone."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{epoch}^{style}|{fallback}>"


def severity_label(incident: Incident, severities: Sequence[Severity]) -> str:
    if incident.severity is None:
        return "not set"
    name = severity_name(incident.severity, severities)
    return name if incident.severity_confirmed else f"{name} (unconfirmed)"


def severity_name(level: int, severities: Sequence[Severity]) -> str:
    for severity in severities:
        if severity.level == level:
            return severity.name
    return f"SEV{level}"


def mention(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "nobody yet"


def plain_title(incident: Incident) -> str:
    """Reference and title as typed, for plain_text headers."""
    return f"{incident_reference(incident.number)}: {incident.title}"


def title_line(incident: Incident) -> str:
    """Reference and title, escaped: also used in notification text."""
    return f"{incident_reference(incident.number)}: {escape_mrkdwn(incident.title)}"


def summary(
    incident: Incident, roles: dict[str, str], severities: Sequence[Severity]
) -> Message:
    """Build the pinned summary, which is edited in place as the incident changes."""
    declared = slack_time(incident.declared_at)
    fields = [
        f"*Status*\n{incident.status}",
        f"*Severity*\n{severity_label(incident, severities)}",
        f"*Declared*\n{declared} by {mention(incident.declared_by)}",
    ]
    for role in STANDARD_ROLES:
        fields.append(f"*{role.capitalize()}*\n{mention(roles.get(role))}")
    for role, user in sorted(roles.items()):
        if role not in STANDARD_ROLES:
            fields.append(f"*{escape_mrkdwn(role)}*\n{mention(user)}")
    if incident.services:
        names = ", ".join(escape_mrkdwn(name) for name in incident.services)
        fields.append(f"*Services*\n{names}")
    blocks: list[dict[str, object]] = [
        header(plain_title(incident)),
        fields_section(fields[:10]),
    ]
    if len(fields) > 10:
        blocks.append(fields_section(fields[10:20]))
    if incident.description:
        blocks.extend(paragraphs(escape_mrkdwn(incident.description))[:5])
    if incident.resolution_summary:
        text = "*Resolution*\n" + escape_mrkdwn(incident.resolution_summary)
        blocks.append(section(text))
    blocks.append(context(f"Updated {slack_time(incident.updated_at)}"))
    text = f"{title_line(incident)} ({incident.status})"
    return Message(truncate(text, FALLBACK_LIMIT), fit_blocks(blocks))


BUTTON_VALUE_LIMIT = 2000


def severity_button_value(incident_id: int, level: int, reason: str) -> str:
    """Encode what a severity button confirms; the reason is cut to fit Slack."""
    value = {"incident": incident_id, "level": level, "reason": reason}
    while len(encoded := json.dumps(value, ensure_ascii=False)) > BUTTON_VALUE_LIMIT:
        value["reason"] = str(value["reason"])[:-100]
    return encoded


def severity_prompt(
    incident: Incident,
    severities: Sequence[Severity],
    suggested: int | None,
    reason: str = "",
) -> Message:
    """Buttons that let the commander or a responder confirm the severity."""
    lines = [
        f"*{escape_mrkdwn(s.name)}*: {escape_mrkdwn(s.description)}" for s in severities
    ]
    intro = f"Confirm the severity of {incident_reference(incident.number)}."
    if suggested is not None:
        intro += f" Suggested: *{severity_name(suggested, severities)}*."
    buttons = [
        button(
            s.name,
            action_id=f"{SEVERITY_ACTION_PREFIX}{s.level}",
            value=severity_button_value(incident.id, s.level, reason),
            style="primary" if s.level == suggested else None,
        )
        for s in severities
    ]
    blocks = [section(intro), section("\n".join(lines)), actions(*buttons)]
    return Message(intro, blocks)


def severity_outcome(
    incident: Incident, severities: Sequence[Severity], user_id: str, reason: str
) -> Message:
    assert incident.severity is not None
    name = severity_name(incident.severity, severities)
    text = f"Severity of {incident_reference(incident.number)} confirmed as {name}"
    text += f" by <@{user_id}>."
    blocks = [section(text)]
    if reason:
        blocks.append(context("Reason: " + escape_mrkdwn(reason)))
    return Message(text, blocks)


STATUS_EMOJI = {
    "investigating": ":mag:",
    "identified": ":bulb:",
    "monitoring": ":eyes:",
    "resolved": ":white_check_mark:",
}


def status_update(incident: Incident, status: str, user_id: str, text: str) -> Message:
    heading = f"{STATUS_EMOJI.get(status, '')} {incident_reference(incident.number)}"
    heading += f" is {status}"
    blocks = [
        section(f"*{heading.strip()}*: {escape_mrkdwn(incident.title)}"),
        *paragraphs(escape_mrkdwn(text))[:10],
        context(f"Update from <@{user_id}>"),
    ]
    fallback = f"{heading}: {escape_mrkdwn(text)}"
    return Message(truncate(fallback, FALLBACK_LIMIT), fit_blocks(blocks))


def resolution(incident: Incident, metrics: Metrics, user_id: str) -> Message:
    origin = "impact start" if metrics.origin_is_impact_start else "detection"
    lines = [
        f"*{incident_reference(incident.number)} is resolved* by <@{user_id}>.",
        f"Time to detect (MTTD): {format_duration(metrics.detect)}",
        f"Time to acknowledge (MTTA): {format_duration(metrics.acknowledge)}",
        f"Time to mitigate (MTTM): {format_duration(metrics.mitigate)}",
        f"Time to resolve (MTTR): {format_duration(metrics.resolve)}",
    ]
    blocks = [
        section("\n".join(lines)),
        context(f"Measured from {origin}, {slack_time(metrics.origin)}."),
    ]
    if incident.resolution_summary:
        blocks.insert(1, section(escape_mrkdwn(incident.resolution_summary)))
    blocks.append(
        section(
            "Next: write the postmortem while memories are fresh. "
            "`/incident postmortem` posts the draft built from what was recorded, "
            "and `/incident postmortem publish` publishes it."
        )
    )
    return Message(lines[0], fit_blocks(blocks))


EVENT_LABELS = {
    "declared": "declared",
    "severity": "severity",
    "role": "role",
    "note": "note",
    "milestone": "milestone",
    "status": "status",
    "resolved": "resolved",
    "reopened": "reopened",
    "pinned": "pinned",
    "why": "why",
    "cause": "root cause",
    "factor": "contributing factor",
    "trigger": "trigger",
    "lesson": "lesson",
    "impact": "impact",
    "action": "action item",
    "entry_edited": "correction",
    "entry_deleted": "correction",
}


def timeline_line(event: TimelineEvent) -> str:
    when = slack_time(event.occurred_at, "{date_short} {time}")
    who = f" <@{event.actor_id}>" if event.actor_id else ""
    label = EVENT_LABELS.get(event.kind, event.kind)
    # The id is what `/incident timeline edit <id>` and `delete <id>` take.
    line = f"#{event.id} · {when} · *{label}*{who}: {escape_mrkdwn(event.text)}"
    if event.data.get("edited_at"):
        line += " _(edited)_"
    permalink = event.data.get("permalink")
    if permalink:
        line += f" (<{permalink}|message>)"
    return line


def timeline(incident: Incident, events: Sequence[TimelineEvent]) -> Message:
    title = f"Timeline of {title_line(incident)}"
    heading = header(f"Timeline of {plain_title(incident)}")
    if not events:
        return Message(title, [heading, section("Nothing recorded yet.")])
    lines = [truncate(timeline_line(event), 1000) for event in events]
    shown = newest_that_fit(lines, TIMELINE_TEXT_BUDGET)
    note = "Times are shown in your time zone."
    if len(shown) < len(lines):
        note = f"Showing the newest {len(shown)} of {len(lines)} entries. " + note
    blocks: list[dict[str, object]] = [heading]
    blocks.extend(paragraphs("\n".join(shown)))
    return Message(
        truncate(title, FALLBACK_LIMIT), fit_blocks([*blocks, context(note)])
    )


# Leaves room within Slack's total text limit for the header and the note.
TIMELINE_TEXT_BUDGET = 10_000


def newest_that_fit(lines: list[str], budget: int) -> list[str]:
    """Return the last lines whose total length stays within `budget`."""
    kept: list[str] = []
    used = 0
    for line in reversed(lines):
        if used + len(line) + 1 > budget:
            break
        kept.append(line)
        used += len(line) + 1
    return kept[::-1]


def incident_line(incident: Incident, severities: Sequence[Severity]) -> str:
    where = f"<#{incident.channel_id}>" if incident.channel_id else "no channel"
    severity = severity_label(incident, severities)
    title = escape_mrkdwn(incident.title)
    return (
        f"*{incident_reference(incident.number)}* {title} · {severity} · "
        f"{incident.status} · {where} · declared {slack_time(incident.declared_at)}"
    )


def announcement(incident: Incident) -> Message:
    """Build the announcement of a public incident; private ones are not announced."""
    reference = incident_reference(incident.number)
    text = f":rotating_light: {reference} declared: {escape_mrkdwn(incident.title)}"
    markdown = (
        f":rotating_light: *{reference}* declared: {escape_mrkdwn(incident.title)} "
        f"· <#{incident.channel_id}>"
    )
    return Message(truncate(text, FALLBACK_LIMIT), [section(markdown)])


def action_controls(item: ActionItem) -> dict[str, object]:
    """Done, snooze and reassign controls for one action item."""
    value = str(item.id)
    reassign = {
        "type": "users_select",
        "action_id": ACTION_ITEM_REASSIGN,
        "placeholder": {"type": "plain_text", "text": "Reassign"},
    }
    return actions(
        button("Done", ACTION_ITEM_DONE, value, style="primary"),
        button("Snooze 1 day", ACTION_ITEM_SNOOZE_DAY, value),
        button("Snooze 1 week", ACTION_ITEM_SNOOZE_WEEK, value),
        reassign,
        block_id=f"action_item_{item.id}",
    )


def action_line(item: ActionItem, reference: str) -> str:
    category = f" · {item.category}" if item.category else ""
    category += f" · effort {item.effort}" if item.effort else ""
    category += f" · improves {item.phase}" if item.phase else ""
    due = f"due {item.due_on}" if item.due_on else "no due date"
    owner = mention(item.owner_id)
    return (
        f"*#{item.id}* {item.priority}{category} · {escape_mrkdwn(item.text)}\n"
        f"{reference} · {owner} · {due} · {item.status}"
    )


def action_list(
    title: str, items: Sequence[ActionItem], references: dict[int, str]
) -> Message:
    if not items:
        return Message(title, [header(title), section("No action items.")])
    blocks: list[dict[str, object]] = [header(title)]
    for item in items:
        blocks.append(section(truncate(action_line(item, references[item.id]), 2900)))
        if item.status == "open":
            blocks.append(action_controls(item))
    return Message(title, fit_blocks(blocks))


REMINDER_INTROS = {
    "action_assigned": "You own a new action item",
    "action_due": "Due today",
    "action_snoozed": "Snoozed reminder",
    "action_overdue": "Overdue",
}


def action_reminder(kind: str, item: ActionItem, reference: str, note: str) -> Message:
    intro = REMINDER_INTROS.get(kind, "Reminder")
    text = f"{intro}: {reference} action #{item.id}, {escape_mrkdwn(item.text)}"
    blocks: list[dict[str, object]] = [
        section(f"*{intro}*\n{action_line(item, reference)}"),
        action_controls(item),
    ]
    if note:
        blocks.append(context(escape_mrkdwn(note)))
    return Message(truncate(text, FALLBACK_LIMIT), fit_blocks(blocks))


def status_reminder(incident: Incident, due_at: datetime) -> Message:
    reference = incident_reference(incident.number)
    text = (
        f"{reference} has had no status update since before "
        f"{due_at:%H:%M} UTC. Post one with /incident status."
    )
    markdown = (
        f"*{reference}* has had no status update for a while "
        f"(due {slack_time(due_at)}). Post one in <#{incident.channel_id}> with "
        "`/incident status <investigating|identified|monitoring> <update>`."
    )
    value = str(incident.id)
    blocks = [
        section(markdown),
        actions(
            button("Snooze 30 minutes", STATUS_SNOOZE_30M, value),
            button("Snooze 1 hour", STATUS_SNOOZE_1H, value),
        ),
    ]
    return Message(text, blocks)


def overdue_digest(items: Sequence[ActionItem], references: dict[int, str]) -> Message:
    """Build the commander's weekly list of overdue action items, oldest due first."""
    noun = "action item" if len(items) == 1 else "action items"
    title = f"Weekly digest: {len(items)} overdue {noun}"
    blocks: list[dict[str, object]] = [header(title)]
    blocks.extend(section(action_line(item, references[item.id])) for item in items)
    return Message(title, fit_blocks(blocks))


def postmortem_reminder(incident: Incident) -> Message:
    reference = incident_reference(incident.number)
    text = f"The postmortem of {reference} is due and not yet published."
    markdown = (
        f"*The postmortem of {reference} is due* and not yet published. In "
        f"<#{incident.channel_id}>, `/incident postmortem` posts the draft and its "
        "review, and `/incident postmortem publish` publishes it."
    )
    return Message(text, [section(markdown)])
