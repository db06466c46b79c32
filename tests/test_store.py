from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from bot.store.db import make_engine, make_session_factory, transaction, upgrade
from bot.store.deliveries import claim_delivery
from bot.store.models import Base, Incident, TimelineEvent, Workspace

TABLES = {
    "workspaces",
    "incidents",
    "timeline_events",
    "role_assignments",
    "action_items",
    "slack_deliveries",
    "proposal_decisions",
    "reminders",
    "signal_groups",
    "signals",
    "hypotheses",
    "evidence",
    "alembic_version",
}
NOW = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)


def test_upgrade_creates_every_table(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine)

        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()


def test_upgrade_twice_changes_nothing(engine):
    upgrade(engine)

    assert set(inspect(engine).get_table_names()) == TABLES


def test_models_match_migrations(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_every_table_carries_team_id():
    for table in Base.metadata.tables.values():
        assert "team_id" in table.columns, table.name


def add_incident(session, team_id="T1", number=1) -> Incident:
    if session.get(Workspace, team_id) is None:
        session.add(Workspace(team_id=team_id, created_at=NOW))
        session.flush()
    incident = Incident(
        team_id=team_id,
        number=number,
        title="Checkout latency",
        status="open",
        declared_by="U1",
        declared_at=NOW,
        updated_at=NOW,
    )
    session.add(incident)
    session.flush()
    return incident


def test_times_come_back_in_utc(engine):
    sessions = make_session_factory(engine)
    berlin = timezone(timedelta(hours=1))
    with transaction(sessions) as session:
        incident = add_incident(session)
        event = TimelineEvent(
            team_id="T1",
            incident_id=incident.id,
            kind="note",
            occurred_at=datetime(2026, 12, 4, 16, 30, tzinfo=berlin),
            recorded_at=NOW,
        )
        session.add(event)

    with sessions() as session:
        stored = session.scalars(select(TimelineEvent)).one()

    assert stored.occurred_at == NOW
    assert stored.occurred_at.tzinfo == UTC


def test_naive_time_is_rejected(engine):
    sessions = make_session_factory(engine)

    with (
        pytest.raises(sqlalchemy.exc.StatementError, match="timezone-aware"),
        transaction(sessions) as session,
    ):
        session.add(Workspace(team_id="T1", created_at=datetime(2026, 1, 1)))


def test_incident_number_unique_per_team(engine):
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        add_incident(session, "T1", 1)
        add_incident(session, "T2", 1)

    with pytest.raises(sqlalchemy.exc.IntegrityError), transaction(sessions) as session:
        add_incident(session, "T1", 1)


def test_concurrent_update_is_detected(engine):
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        add_incident(session)

    with sessions() as first, sessions() as second:
        mine = first.scalars(select(Incident)).one()
        first.commit()  # Ends the read; `mine` keeps the version it saw.
        theirs = second.scalars(select(Incident)).one()
        theirs.title = "Payments down"
        second.commit()
        mine.title = "Checkout down"

        with pytest.raises(sqlalchemy.orm.exc.StaleDataError):
            first.commit()


def test_delivery_claimed_once(engine):
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        first = claim_delivery(session, "T1", "event:Ev1", NOW)
    with transaction(sessions) as session:
        again = claim_delivery(session, "T1", "event:Ev1", NOW)
        other_team = claim_delivery(session, "T2", "event:Ev1", NOW)

    assert first is True
    assert again is False
    assert other_team is True
