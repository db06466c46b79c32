"""The analysis behind a postmortem: 5 Whys, root cause, factors, lessons, impact.

Each entry is a timeline event of its own kind, so the postmortem can collect them
and the timeline shows when they were written and by which person.
"""

from __future__ import annotations

import re

from bot.docs.runbooks import OUTCOMES
from bot.errors import UserError
from bot.flows.base import Actor, Reply, require_incident, utc_now
from bot.flows.timeline import record
from bot.runtime import Runtime
from bot.slo.impact import parse_error_ratio
from bot.slo.text import format_share
from bot.store import incidents

PERCENT = re.compile(r"\d\s*%")

LESSON_KINDS = ("went-well", "went-wrong", "lucky")
EXAMPLES = {
    "why": "/incident why the connection pool was exhausted",
    "cause": "/incident cause a missing index on orders.created_at",
    "factor": "/incident factor the alert threshold was too high",
    "trigger": "/incident trigger deploy 4812 doubled the query rate",
    "impact": "/incident impact 40% of checkouts failed for 47 minutes",
    "failure-mode": "/incident failure-mode connection pool exhausted",
}
# A file name or a link; longer names are mistakes that break Slack's limits.
RUNBOOK_NAME_LIMIT = 300
RUNBOOK_USAGE = (
    "Use `/incident runbook <name> <followed|not-followed|missing|ineffective> "
    "[note]`, e.g. `/incident runbook checkout-db-failover followed`."
)
CHANGE_USAGE = (
    "Use `/incident change <commit or link> [note]`, e.g. "
    "`/incident change 4f2a9c1 raised the pool size`."
)


def add(runtime: Runtime, actor: Actor, kind: str, text: str, reply: Reply) -> None:
    """Record a why, cause, factor, trigger or impact statement."""
    if not text:
        raise UserError(f"Write the {kind} after the command, e.g. `{EXAMPLES[kind]}`.")
    data: dict[str, object] = {}
    if kind == "why":
        data["step"] = next_why_step(runtime, actor)
    record(runtime, actor, kind=kind, text=text, occurred_at=utc_now(), data=data)
    if kind == "why":
        reply(f"Why #{data['step']} recorded.")
    elif kind == "impact":
        reply(impact_reply(text))
    else:
        reply(f"Recorded the {kind.replace('-', ' ')}.")


def impact_reply(text: str) -> str:
    """Say which error ratio the error budget reads from an impact statement."""
    ratio = parse_error_ratio(text)
    if ratio is not None:
        return (
            f"Recorded the impact. The error budget counts {format_share(ratio)} "
            "errors from it."
        )
    if PERCENT.search(text):
        return (
            "Recorded the impact, but no error ratio between 0% and 100% could be "
            "read from it, so the error budget does not use it. Write the ratio as "
            "`40% errors`, `error rate 2.5%` or `full outage`."
        )
    return "Recorded the impact."


def next_why_step(runtime: Runtime, actor: Actor) -> int:
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        steps = [e for e in incidents.timeline(session, incident) if e.kind == "why"]
    return len(steps) + 1


def add_lesson(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """`lesson <went-well|went-wrong|lucky> <text>`."""
    category, _, text = argument.partition(" ")
    category = category.lower()
    if category not in LESSON_KINDS or not text.strip():
        raise UserError(
            "Use `/incident lesson <went-well|went-wrong|lucky> <text>`, e.g. "
            "`/incident lesson lucky the spike happened outside peak hours`."
        )
    record(
        runtime,
        actor,
        kind="lesson",
        text=text.strip(),
        occurred_at=utc_now(),
        data={"category": category},
    )
    said = {
        "went-well": "what went well",
        "went-wrong": "what went wrong",
        "lucky": "where you got lucky",
    }
    reply(f"Recorded {said[category]}.")


def add_runbook(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """`runbook <name> <outcome> [note]`: which runbook was used, and how it went."""
    words = argument.split(maxsplit=2)
    if len(words) < 2 or words[1].lower() not in OUTCOMES:
        raise UserError(RUNBOOK_USAGE)
    name, outcome = words[0], words[1].lower()
    if len(name) > RUNBOOK_NAME_LIMIT:
        raise UserError(
            f"A runbook name has at most {RUNBOOK_NAME_LIMIT} characters; give its "
            "file name, such as `checkout-db-failover`, or a link."
        )
    note = words[2].strip() if len(words) > 2 else ""
    record(
        runtime,
        actor,
        kind="runbook",
        text=f"{name} {outcome}" + (f": {note}" if note else ""),
        occurred_at=utc_now(),
        data={"name": name, "outcome": outcome, "note": note},
    )
    reply(f"Recorded runbook {name} as {outcome}.")


def add_change(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """`change <commit or link> [note]`: a change related to the incident."""
    words = argument.split(maxsplit=1)
    if not words:
        raise UserError(CHANGE_USAGE)
    reference = words[0]
    note = words[1].strip() if len(words) > 1 else ""
    record(
        runtime,
        actor,
        kind="change",
        text=reference + (f": {note}" if note else ""),
        occurred_at=utc_now(),
        data={"reference": reference, "note": note},
    )
    reply(f"Recorded {reference} as a related change.")
