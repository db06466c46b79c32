"""The `permissions` policy: the level each guarded incident action requires.

Each guarded action has one of three levels, from the narrowest to the widest:

- `commander`: only the current incident commander;
- `responders`: the commander, anyone holding a role in the incident, and the
  people configured under `responders` in warroom.yaml (users and user groups);
- `anyone`: anyone who can run the command, which means anyone in the incident
  channel, because these commands work only there.

This module decides from facts about a person and does no I/O; the flows gather the
facts from the database and Slack.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

COMMANDER = "commander"
RESPONDERS = "responders"
ANYONE = "anyone"
# Narrowest first: a person allowed at one level is allowed at every later one.
LEVELS = (COMMANDER, RESPONDERS, ANYONE)

# Guarded action → what it does, in words that complete "may …".
ACTIONS = {
    "confirm_severity": "confirm the severity",
    "resolve": "resolve the incident",
    "reopen": "reopen the incident",
    "edit_timeline": "edit or delete other people's timeline entries",
    "publish_postmortem": "publish the postmortem",
}


@dataclass(frozen=True)
class Permissions:
    """The level each guarded action requires.

    The defaults keep the behaviour from before the policy was configurable: only
    responders confirm severity, and anyone in the channel resolves, reopens and
    publishes. Editing other people's timeline entries is new and defaults to
    responders.
    """

    confirm_severity: str = RESPONDERS
    resolve: str = ANYONE
    reopen: str = ANYONE
    edit_timeline: str = RESPONDERS
    publish_postmortem: str = ANYONE

    def __post_init__(self) -> None:
        for item in fields(self):
            level = getattr(self, item.name)
            if level not in LEVELS:
                raise ValueError(
                    f"{item.name} must be one of {', '.join(LEVELS)}, not {level!r}."
                )

    def level(self, action: str) -> str:
        """Return the level `action` requires; raise KeyError for an unknown one."""
        if action not in ACTIONS:
            raise KeyError(f"{action!r} is not a guarded action.")
        return str(getattr(self, action))


@dataclass(frozen=True)
class Involvement:
    """Facts about one person in one incident that the policy decides on."""

    is_commander: bool
    # Holds any role in the incident, or is a configured responder.
    is_responder: bool


def allows(level: str, involvement: Involvement) -> bool:
    """Return whether a person with `involvement` passes `level`."""
    if level == ANYONE:
        return True
    if level == RESPONDERS:
        return involvement.is_commander or involvement.is_responder
    if level == COMMANDER:
        return involvement.is_commander
    raise ValueError(f"Unknown permission level {level!r}.")


def rejection(action: str, level: str, reference: str, commander: str | None) -> str:
    """Build the message for a person who may not take `action`.

    It names who may take the action, and how the person can join them.
    """
    action_text = ACTIONS[action]
    setting = f"`permissions.{action}` in warroom.yaml"
    holder = f"<@{commander}>" if commander else "nobody yet"
    if level == COMMANDER:
        return (
            f"Only the incident commander of {reference} ({holder}) may {action_text}. "
            f"Ask them to do it, or to hand you the role with "
            f"`/incident role commander @you`. This is set by {setting}."
        )
    return (
        f"Only the incident commander of {reference} ({holder}), people holding a "
        f"role in it and the configured responders may {action_text}. Ask the "
        "commander to give you a role, e.g. `/incident role scribe @you`. This is "
        f"set by {setting}."
    )
