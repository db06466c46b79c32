"""The tables. Every row carries the Slack team_id of the workspace it belongs to."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.store.types import UTCDateTime

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TEAM_ID = String(32)
USER_ID = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Workspace(Base):
    """A Slack workspace that installed warroom."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    last_incident_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        Index(None, "team_id", "channel_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[int | None] = mapped_column(Integer)
    severity_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The message carrying the severity buttons while a choice is pending.
    severity_prompt_ts: Mapped[str | None] = mapped_column(String(32))
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    summary_ts: Mapped[str | None] = mapped_column(String(32))
    resolution_summary: Mapped[str] = mapped_column(Text, default="")
    channel_archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The commander pressed snooze on the status-update reminder until then.
    status_snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    postmortem_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    declared_by: Mapped[str] = mapped_column(USER_ID)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    impact_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    detected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Bumped on every update, so two replicas cannot overwrite each other's change.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    events: Mapped[list[TimelineEvent]] = relationship(
        back_populates="incident", order_by="TimelineEvent.occurred_at"
    )
    roles: Mapped[list[RoleAssignment]] = relationship(back_populates="incident")
    action_items: Mapped[list[ActionItem]] = relationship(back_populates="incident")


class TimelineEvent(Base):
    """Something that happened during an incident, at the time it happened."""

    __tablename__ = "timeline_events"
    __table_args__ = (
        Index(None, "incident_id", "occurred_at"),
        # One entry per outside source, e.g. a pinned Slack message.
        UniqueConstraint("incident_id", "source_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(USER_ID)
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_key: Mapped[str | None] = mapped_column(String(200))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)

    incident: Mapped[Incident] = relationship(back_populates="events")


class RoleAssignment(Base):
    """A role holder (commander, scribe, comms) and the period they held it."""

    __tablename__ = "role_assignments"
    __table_args__ = (Index(None, "incident_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    role: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(USER_ID)
    assigned_by: Mapped[str | None] = mapped_column(USER_ID)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    incident: Mapped[Incident] = relationship(back_populates="roles")


class ActionItem(Base):
    __tablename__ = "action_items"
    __table_args__ = (Index(None, "team_id", "owner_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(USER_ID)
    priority: Mapped[str] = mapped_column(String(2))
    category: Mapped[str | None] = mapped_column(String(20))
    # S, M, L or a number of days such as "3d"; None when no estimate was given.
    effort: Mapped[str | None] = mapped_column(String(8))
    # What the item improves: detection, response, mitigation, recovery, prevention.
    phase: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Reminders wait until this instant after someone pressed snooze.
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    incident: Mapped[Incident] = relationship(back_populates="action_items")


class Reminder(Base):
    """A message due at a moment; sent once, by whichever replica claims it first.

    `subject` names what the reminder is about (e.g. "action:12"), and together with
    `kind` and `due_at` it is unique, so replicas planning the same reminder store it
    once. A replica claims a due reminder by setting `claimed_until`; it is marked
    `sent_at` only after Slack accepted the message, and a claim that expires (a
    crashed replica) lets another replica retry it.
    """

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "due_at"),
        Index(None, "sent_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(60))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_items.id"))
    recipient_id: Mapped[str] = mapped_column(USER_ID)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set after a failed attempt: the next try waits until then.
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))


class SlackDelivery(Base):
    """A Slack request already handled, so a retry or a second replica skips it."""

    __tablename__ = "slack_deliveries"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    delivery_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProposalDecision(Base):
    """An accepted or dismissed proposal, so it is not proposed again.

    Proposals are computed from the incident's analysis each time; only the team's
    decision on one is stored, under the proposal's stable key.
    """

    __tablename__ = "proposal_decisions"
    __table_args__ = (UniqueConstraint("incident_id", "proposal_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    proposal_key: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(12))
    decided_by: Mapped[str] = mapped_column(USER_ID)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    action_item_id: Mapped[int | None] = mapped_column(ForeignKey("action_items.id"))


class SignalGroup(Base):
    """Signals that a source sent in one notification group, shown in one Slack post.

    `state` is open (awaiting triage), declaring (a replica is declaring an incident
    for it), declared or attached (fed into `incident_id`), or dismissed.
    `revision` counts changes worth showing and `posted_revision` the last one the
    post shows, so a refresh that finds them equal makes no Slack call.
    """

    __tablename__ = "signal_groups"
    __table_args__ = (UniqueConstraint("team_id", "source", "group_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    source: Mapped[str] = mapped_column(String(20))
    group_key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    # The routing decision of the signal that created the group: triage, declare
    # or ignore, with the incident level for declare.
    route: Mapped[str] = mapped_column(String(20))
    route_severity: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    decided_by: Mapped[str | None] = mapped_column(USER_ID)
    # Where the post goes: a channel id or name until the post exists, then its id.
    channel_id: Mapped[str | None] = mapped_column(String(80))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    # A replica posting or declaring for this group holds it until then.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revision: Mapped[int] = mapped_column(Integer, default=1)
    posted_revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Signal(Base):
    """One alert from a monitoring source; a repeat of it updates this row."""

    __tablename__ = "signals"
    __table_args__ = (
        UniqueConstraint("team_id", "source", "fingerprint"),
        Index(None, "group_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    source: Mapped[str] = mapped_column(String(20))
    fingerprint: Mapped[str] = mapped_column(String(200))
    group_id: Mapped[int] = mapped_column(ForeignKey("signal_groups.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    name: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str | None] = mapped_column(String(40))
    service: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    runbook_url: Mapped[str | None] = mapped_column(Text)
    dashboard_url: Mapped[str | None] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deliveries: Mapped[int] = mapped_column(Integer, default=1)


class Hypothesis(Base):
    """A suspected cause that responders test during an incident.

    `status` is open, confirmed or ruled-out. `root_cause_at` is set when a confirmed
    hypothesis was made the root cause, which also records a cause on the timeline.
    """

    __tablename__ = "hypotheses"
    __table_args__ = (Index(None, "incident_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(USER_ID)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    root_cause_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The channel message with the buttons, edited when the hypothesis changes.
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))

    incident: Mapped[Incident] = relationship()
    evidence: Mapped[list[HypothesisEvidence]] = relationship(
        back_populates="hypothesis",
        order_by="(HypothesisEvidence.added_at, HypothesisEvidence.id)",
    )


class HypothesisEvidence(Base):
    """A link for or against a hypothesis: dashboard, log query, commit or trace hit."""

    __tablename__ = "evidence"
    __table_args__ = (Index(None, "hypothesis_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    hypothesis_id: Mapped[int] = mapped_column(ForeignKey("hypotheses.id"))
    link: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(USER_ID)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())

    hypothesis: Mapped[Hypothesis] = relationship(back_populates="evidence")
