"""Idempotency for Slack deliveries: the first claim of a key wins, on any replica."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.errors import StoreError
from bot.store.models import SlackDelivery


def claim_delivery(session: Session, team_id: str, key: str, now: datetime) -> bool:
    """Record delivery `key`; return False when it was recorded before.

    The insert relies on the primary key rather than a read-then-write, so two
    replicas handling the same retry at the same moment cannot both win.
    """
    values = {"team_id": team_id, "delivery_key": key, "received_at": now}
    dialect = session.get_bind().dialect.name
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(SlackDelivery).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(SlackDelivery).on_conflict_do_nothing()
    else:
        raise StoreError(f"warroom supports SQLite and PostgreSQL, not {dialect}.")
    claimed = statement.values(values).returning(SlackDelivery.delivery_key)
    return session.execute(claimed).first() is not None
