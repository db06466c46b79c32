"""`/incident timeline edit|delete`: correct an entry and record the correction.

The corrected entry keeps its id and time. The previous text goes into a new entry
of kind `entry_edited` or `entry_deleted`, so nothing written is lost. People may
always correct their own entries; other people's entries need the
`edit_timeline` permission.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.errors import UserError
from bot.flows import access
from bot.flows.base import Actor, Reply, require_incident, utc_now
from bot.incidents.corrections import (
    DELETED,
    EDITABLE_KINDS,
    EDITED,
    Correction,
    parse_correction,
)
from bot.incidents.naming import incident_reference
from bot.runtime import Runtime
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Incident, TimelineEvent

log = logging.getLogger(__name__)

EDITABLE_LIST = "notes, pinned messages, status updates and analysis entries"


@dataclass(frozen=True)
class _Target:
    incident: Incident
    roles: dict[str, str]
    author: str | None


def correct(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """Edit or delete a timeline entry of the channel's incident."""
    correction = parse_correction(argument)
    target = _load_target(runtime, actor, correction.entry_id)
    if target.author != actor.user_id:
        access.require(
            runtime, "edit_timeline", target.incident, target.roles, actor.user_id
        )
    _apply(runtime, actor, correction)
    reference = incident_reference(target.incident.number)
    done = "Deleted" if correction.text is None else "Edited"
    log.info(
        "incident %s: %s entry %s",
        target.incident.id,
        done.lower(),
        correction.entry_id,
    )
    reply(
        f"{done} entry #{correction.entry_id} on the timeline of {reference}. "
        "The previous text is kept in the correction entry."
    )


def _load_target(runtime: Runtime, actor: Actor, entry_id: int) -> _Target:
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        entry = _editable_entry(session, incident, entry_id)
        roles = incidents.current_roles(session, incident)
        return _Target(incident, roles, entry.actor_id)


def _editable_entry(
    session: Session, incident: Incident, entry_id: int
) -> TimelineEvent:
    entry = session.get(TimelineEvent, entry_id)
    reference = incident_reference(incident.number)
    if entry is None or entry.incident_id != incident.id or entry.deleted:
        raise UserError(
            f"The timeline of {reference} has no entry #{entry_id}. "
            "`/incident timeline` shows each entry's id."
        )
    if entry.kind not in EDITABLE_KINDS:
        raise UserError(
            f"Entry #{entry_id} records a change of the incident ({entry.kind}), "
            f"so it cannot be edited or deleted; only {EDITABLE_LIST} can. Record "
            "the right value with its own command, e.g. `/incident started 13:52`."
        )
    return entry


def _apply(runtime: Runtime, actor: Actor, correction: Correction) -> None:
    now = utc_now()
    with transaction(runtime.sessions) as session:
        incident = require_incident(session, actor, lock=True)
        # Checked again under the lock: someone may have deleted it meanwhile.
        entry = _editable_entry(session, incident, correction.entry_id)
        previous = entry.text
        # A new dict, because SQLAlchemy does not see changes inside a JSON value.
        marks = dict(entry.data)
        if correction.text is None:
            entry.deleted = True
            marks |= {"deleted_by": actor.user_id, "deleted_at": now.isoformat()}
            kind, text = DELETED, f"deleted entry #{entry.id} ({entry.kind})"
        else:
            entry.text = correction.text
            marks |= {"edited_by": actor.user_id, "edited_at": now.isoformat()}
            kind, text = EDITED, f"edited entry #{entry.id} ({entry.kind})"
        entry.data = marks
        incidents.add_event(
            session,
            incident,
            kind=kind,
            occurred_at=now,
            actor_id=actor.user_id,
            text=text,
            data={"entry": entry.id, "kind": entry.kind, "previous": previous},
            now=now,
        )
        incident.updated_at = now
