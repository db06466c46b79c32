"""The `/incident` subcommands: their names, usage and how command text is parsed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.slack.ids import COMMAND


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str
    summary: str
    example: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommandRequest:
    """A slash command as the listener received it, parsed."""

    team_id: str
    channel_id: str
    user_id: str
    subcommand: str
    argument: str
    trigger_id: str | None = None


def _sub(
    name: str, usage: str, summary: str, example: str, *aliases: str
) -> Subcommand:
    return Subcommand(name, usage, summary, f"{COMMAND} {example}", aliases)


SUBCOMMANDS: tuple[Subcommand, ...] = (
    _sub(
        "declare",
        "declare <title>",
        "Open an incident with its own channel; with no title a form opens.",
        "declare Checkout errors for EU users",
        "open",
    ),
    _sub(
        "sev",
        "sev <level> [reason]",
        "Propose a severity; the commander or a responder confirms it.",
        "sev 2 errors for all EU checkouts",
    ),
    _sub(
        "role",
        "role <commander|scribe|comms|other> @person",
        "Give someone a role; they get a message saying what it involves.",
        "role scribe @jane",
    ),
    _sub("roles", "roles", "Show who holds which role.", "roles"),
    _sub("note", "note <text>", "Add a note to the timeline.", "note restarted api-7"),
    _sub(
        "at",
        "at <time> <text>",
        "Add something that happened earlier (HH:MM in your time zone, ISO 8601, "
        "or `10 min ago`).",
        "at 14:05 deploy 4812 started",
    ),
    _sub(
        "started",
        "started [time]",
        "Mark when impact began (default: now).",
        "started 13:52",
    ),
    _sub(
        "detected",
        "detected [time]",
        "Mark when the problem was detected.",
        "detected 14:01",
    ),
    _sub(
        "acknowledged",
        "acknowledged [time]",
        "Mark when a responder acknowledged it.",
        "acknowledged 14:03",
    ),
    _sub(
        "mitigated",
        "mitigated [time]",
        "Mark when user impact stopped.",
        "mitigated 10 min ago",
    ),
    _sub(
        "resolved",
        "resolved [time]",
        "Mark when the incident was fixed, without closing it.",
        "resolved 15:20",
    ),
    _sub(
        "status",
        "status <investigating|identified|monitoring|resolved> <update>",
        "Post a status update and refresh the pinned summary.",
        "status identified bad config push on the payment gateway",
    ),
    _sub(
        "resolve",
        "resolve [summary]",
        "Resolve the incident and post MTTD, MTTA, MTTM and MTTR.",
        "resolve rolled back config 4812",
    ),
    _sub("reopen", "reopen [reason]", "Undo a resolution.", "reopen errors are back"),
    _sub(
        "timeline",
        "timeline [INC-n | edit <id> <text> | delete <id>]",
        "Show the timeline in your time zone with entry ids, or correct an entry; "
        "the previous text is kept.",
        "timeline edit 42 rolled back api-7",
    ),
    _sub(
        "action",
        "action <text> [@owner] [due <date>] [P0-P3] [prevent|detect|mitigate|process] "
        "[S|M|L|effort <n>d] [MTTD|MTTA|MTTM|MTTR|phase <name>]",
        "Add an action item (a form opens without text) with its effort and the "
        "phase it improves; the owner, you by default, gets a direct message and "
        "reminders.",
        "action add an index on orders.created_at @jane due fri P1 prevent M",
    ),
    _sub(
        "actions",
        "actions [mine]",
        "List the incident's action items with done, snooze and reassign buttons; "
        "`mine` lists your open items across incidents.",
        "actions mine",
    ),
    _sub(
        "why",
        "why <text>",
        "Add the next step of the 5 Whys chain.",
        "why the connection pool was exhausted",
    ),
    _sub(
        "cause",
        "cause <text>",
        "Record the root cause.",
        "cause a missing index on orders.created_at",
    ),
    _sub(
        "factor",
        "factor <text>",
        "Record a contributing factor.",
        "factor the alert threshold was too high",
    ),
    _sub(
        "trigger",
        "trigger <text>",
        "Record what set the incident off.",
        "trigger deploy 4812 doubled the query rate",
    ),
    _sub(
        "lesson",
        "lesson <went-well|went-wrong|lucky> <text>",
        "Record what went well, what went wrong, or where you got lucky.",
        "lesson lucky the spike happened outside peak hours",
    ),
    _sub(
        "impact",
        "impact <text>",
        "Record the impact: users affected, error rate, revenue.",
        "impact 40% of checkouts failed for 47 minutes",
    ),
    _sub(
        "failure-mode",
        "failure-mode <text>",
        "Name the failure mode; publishing drafts or updates the runbook "
        "docs/runbooks/<service>-<failure-mode>.md for each affected service.",
        "failure-mode connection pool exhausted",
    ),
    _sub(
        "runbook",
        "runbook <name> <followed|not-followed|missing|ineffective> [note]",
        "Record which runbook was used and whether it helped.",
        "runbook checkout-db-failover followed",
    ),
    _sub(
        "change",
        "change <commit or link> [note]",
        "Record a change related to the incident, for the postmortem.",
        "change 4f2a9c1 raised the pool size",
    ),
    _sub(
        "services",
        "services [add|remove <name> [<name>...]]",
        "List the affected services, or add or remove some; adding replies with "
        "their blast radius.",
        "services add checkout payments",
    ),
    _sub(
        "blast",
        "blast [service]",
        "Post who depends on a service and what it depends on, with a Graphviz "
        "DOT file; without a name, for each affected service.",
        "blast payments",
    ),
    _sub(
        "changes",
        "changes",
        "Post the recent commits to the affected services and their direct "
        "dependencies, ranked, with merges and deploy tags flagged.",
        "changes",
    ),
    _sub(
        "runbooks",
        "runbooks",
        "Post the runbooks matching the affected services, the alerts and the "
        "failure mode.",
        "runbooks",
    ),
    _sub(
        "trace",
        "trace <error text, exception name or stack trace>",
        "Find where an error is raised, logged or handled in the services' "
        "repositories, with the commit that last changed each line.",
        "trace connection pool exhausted after 3 retries",
    ),
    _sub(
        "hypothesis",
        "hypothesis <text>",
        "Post a hypothesis with Confirmed, Ruled out and Add evidence buttons.",
        "hypothesis the new pool size is too small for peak traffic",
    ),
    _sub(
        "slo",
        "slo",
        "Post what the incident cost each SLO of its services, with burn-down charts.",
        "slo",
    ),
    _sub(
        "postmortem",
        "postmortem [publish [anyway]]",
        "Post the postmortem draft with the review findings, or publish it.",
        "postmortem publish",
    ),
    _sub("list", "list", "List open incidents, newest first.", "list"),
    _sub(
        "report",
        "report [--since 90d] [--period month|week]",
        "Post incident trends in this channel: counts, MTTx medians and p90, action "
        "items, repeats, and charts.",
        "report --since 180d",
    ),
    _sub("show", "show [INC-n]", "Show an incident's summary.", "show INC-12"),
    _sub("help", "help", "List the commands with examples.", "help"),
)


def find_subcommand(name: str) -> Subcommand | None:
    for subcommand in SUBCOMMANDS:
        if name == subcommand.name or name in subcommand.aliases:
            return subcommand
    return None


def closest_subcommand(name: str) -> Subcommand | None:
    """Return the subcommand whose name or alias is nearest to a mistyped `name`."""
    names = {alias: sub for sub in SUBCOMMANDS for alias in (sub.name, *sub.aliases)}
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.5)
    return names[close[0]] if close else None


def parse_command(
    text: str, *, team_id: str, channel_id: str, user_id: str, trigger_id: str | None
) -> CommandRequest:
    """Split `/incident <subcommand> <argument>`; empty text means help."""
    words = text.strip().split(maxsplit=1)
    subcommand = words[0].lower() if words else "help"
    argument = words[1].strip() if len(words) > 1 else ""
    return CommandRequest(
        team_id=team_id,
        channel_id=channel_id,
        user_id=user_id,
        subcommand=subcommand,
        argument=argument,
        trigger_id=trigger_id,
    )
