"""Idempotency for Slack deliveries: the first claim of a key wins, on any replica."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.store.db import insert_if_absent
from bot.store.models import SlackDelivery


def claim_delivery(session: Session, team_id: str, key: str, now: datetime) -> bool:
    """Record delivery `key`; return False when it was recorded before."""
    values = {"team_id": team_id, "delivery_key": key, "received_at": now}
    return insert_if_absent(session, SlackDelivery, values)
