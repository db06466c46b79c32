"""Corrections of timeline entries: which entries may change, and the command form.

`/incident timeline edit <id> <text>` replaces an entry's text and
`/incident timeline delete <id>` hides the entry. Both keep the original: the flow
records each correction as a timeline entry of its own that stores the previous
text, and the postmortem shows the entries as they read now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError

EDIT = "edit"
DELETE = "delete"

# Entries people wrote. The others record a change of the incident itself (its
# declaration, severity, milestones, resolution), which a text edit cannot undo.
EDITABLE_KINDS = frozenset(
    {
        "note",
        "pinned",
        "status",
        "why",
        "cause",
        "factor",
        "trigger",
        "lesson",
        "impact",
        "failure-mode",
    }
)
EDITED = "entry_edited"
DELETED = "entry_deleted"
# Entries that record a correction; the postmortem leaves them out of its timeline.
CORRECTION_KINDS = frozenset({EDITED, DELETED})

USAGE = (
    "Use `/incident timeline edit <id> <text>` or `/incident timeline delete <id>`, "
    "with the entry id shown as #<id> by `/incident timeline`, e.g. "
    "`/incident timeline edit 42 rolled back api-7`."
)

_ENTRY_ID = re.compile(r"#?([0-9]{1,12})")


@dataclass(frozen=True)
class Correction:
    """A parsed edit or deletion; `text` is None for a deletion."""

    entry_id: int
    text: str | None


def is_correction(argument: str) -> bool:
    """Return whether the `timeline` argument requests an edit or a deletion."""
    words = argument.split(maxsplit=1)
    return bool(words) and words[0].lower() in (EDIT, DELETE)


def parse_correction(argument: str) -> Correction:
    """Parse "edit <id> <text>" or "delete <id>"; raise UserError for anything else."""
    verb, _, rest = argument.strip().partition(" ")
    verb = verb.lower()
    if verb not in (EDIT, DELETE):
        raise UserError(USAGE)
    reference, _, text = rest.strip().partition(" ")
    entry_id = parse_entry_id(reference)
    if verb == DELETE:
        if text.strip():
            raise UserError(f"`delete` takes only the entry id. {USAGE}")
        return Correction(entry_id, None)
    if not text.strip():
        raise UserError(f"Write the new text after the entry id. {USAGE}")
    return Correction(entry_id, text.strip())


def parse_entry_id(text: str) -> int:
    """Return the entry id in "42" or "#42"; raise UserError for anything else."""
    match = _ENTRY_ID.fullmatch(text.strip())
    if match is None or int(match[1]) < 1:
        # The text is not echoed: the reply is mrkdwn, and it could hold a mention.
        raise UserError(f"The entry id must be a number such as 42 or #42. {USAGE}")
    return int(match[1])
