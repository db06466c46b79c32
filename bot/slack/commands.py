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


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        name="help",
        usage="help",
        summary="List the commands with examples.",
        example=f"{COMMAND} help",
    ),
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
