"""Bolt's authorize hook for a single-workspace install.

Bolt would otherwise call auth.test through its own per-request client, which adds a
team_id argument to every call and bypasses warroom's client. Here the bot's identity
comes from one auth.test through warroom's client, started in the background by the
first request, so no request waits for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError

from bot.slack.client import SlackClient

log = logging.getLogger(__name__)


class SingleWorkspaceAuthorizer:
    def __init__(self, client: SlackClient) -> None:
        self.client = client
        self.identity: dict[str, Any] | None = None
        self._fetching = False
        self._lock = threading.Lock()

    def fetch_identity(self) -> None:
        """Ask Slack who the bot is; on failure the next request tries again."""
        try:
            answer = self.client.auth_test().data
        except SlackApiError as error:
            log.warning("auth.test failed: %s", error.response.get("error"))
            answer = None
        except OSError as error:
            log.warning("auth.test failed: %s", error)
            answer = None
        with self._lock:
            if isinstance(answer, dict):
                self.identity = answer
            self._fetching = False

    def _start_fetch(self) -> None:
        with self._lock:
            if self._fetching or self.identity is not None:
                return
            self._fetching = True
        threading.Thread(
            target=self.fetch_identity, name="auth-test", daemon=True
        ).start()

    def result(
        self, enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult | None:
        identity = self.identity
        if identity is None:
            self._start_fetch()
            identity = {}
        own_team = identity.get("team_id")
        if own_team and team_id and team_id != own_team:
            log.warning(
                "rejected a request from team %s; this bot serves %s", team_id, own_team
            )
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id or own_team,
            bot_token=self.client.token,
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id"),
            user_id=user_id,
        )


def make_authorize(client: SlackClient) -> Callable[..., AuthorizeResult | None]:
    """Return the function Bolt calls; Bolt matches its parameters by name."""
    authorizer = SingleWorkspaceAuthorizer(client)

    def authorize(
        enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult | None:
        return authorizer.result(enterprise_id, team_id, user_id)

    return authorize
