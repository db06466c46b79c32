"""The error raised when an investigation source cannot be read."""

from __future__ import annotations

from bot.errors import WarroomError


class InvestigationError(WarroomError):
    """A compose file, manifest, repository or runbook folder cannot be used.

    The message names the file or repository and what to change.
    """
