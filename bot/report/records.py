"""The incident and action-item facts a report is computed from.

The store builds these from its rows, so the statistics never touch a database
session and tests can write a history by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.incidents.lifecycle import Instants


@dataclass(frozen=True)
class IncidentRecord:
    """One incident: its identity, classification and lifecycle instants.

    `failure_mode` is the text of the newest "failure-mode" timeline event, or ""
    when none was recorded.
    """

    number: int
    title: str
    private: bool
    severity: int | None
    services: tuple[str, ...]
    instants: Instants
    failure_mode: str = ""

    @property
    def declared_at(self) -> datetime:
        return self.instants.declared


@dataclass(frozen=True)
class ActionRecord:
    """One action item. `closed_at` is None while the item is still open."""

    incident_number: int
    created_at: datetime
    due_on: date | None
    closed_at: datetime | None
