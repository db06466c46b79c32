"""Skip Slack deliveries already handled, by this process or by another replica."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.flows.base import utc_now
from bot.logs import bind_ids
from bot.runtime import Runtime
from bot.store.db import transaction
from bot.store.deliveries import claim_delivery

log = logging.getLogger(__name__)


def delivery_key(body: dict[str, Any]) -> str | None:
    """Return what identifies one delivery, the same for its retries and copies."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("type") == "view_submission":
        # The values are part of the key: a form corrected after a validation error
        # is a new submission, while a double click repeats the same values.
        view = body.get("view") or {}
        state = json.dumps(view.get("state"), sort_keys=True).encode()
        digest = hashlib.sha256(state).hexdigest()[:16]
        return f"view:{view.get('id')}:{digest}"
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    if body.get("type") == "block_actions" and body.get("trigger_id"):
        return f"action:{body['trigger_id']}"
    return None


def team_of(body: dict[str, Any]) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team or "unknown")


def register(app: App, runtime: Runtime) -> None:
    def skip_duplicates(
        body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        bind_ids(team_id=team_of(body))
        key = delivery_key(body)
        if key is None:
            return next()
        with transaction(runtime.sessions) as session:
            first = claim_delivery(session, team_of(body), key, utc_now())
        if not first:
            log.info("skipped a repeated delivery %s", key)
            return BoltResponse(status=200, body="")
        return next()

    app.middleware(skip_duplicates)
