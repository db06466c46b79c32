"""The workspace alerts belong to, and the bot user that declares incidents for them."""

from __future__ import annotations

import logging
import threading

from slack_sdk.errors import SlackApiError

from bot.slack.client import SlackClient

log = logging.getLogger(__name__)


class WorkspaceIdentity:
    """The team id from `alerts.team_id`, or else from auth.test of the bot token.

    auth.test runs once on first use; a failure is retried on the next call.
    """

    def __init__(self, client: SlackClient, team_id: str | None) -> None:
        self.client = client
        self.configured_team = team_id
        self._identity: dict[str, str] | None = None
        self._lock = threading.Lock()

    def team_id(self) -> str | None:
        if self.configured_team:
            return self.configured_team
        return self._fetch().get("team_id")

    def bot_user_id(self) -> str | None:
        return self._fetch().get("user_id")

    def _fetch(self) -> dict[str, str]:
        with self._lock:
            if self._identity is not None:
                return self._identity
            try:
                answer = self.client.auth_test()
            except (SlackApiError, OSError) as error:
                log.warning("auth.test for alert webhooks failed: %s", error)
                return {}
            self._identity = {
                "team_id": str(answer.get("team_id") or ""),
                "user_id": str(answer.get("user_id") or ""),
            }
            return self._identity
