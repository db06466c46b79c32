"""Bolt's authorize hook for a single-workspace install.

Bolt would otherwise call auth.test through its own per-request client, which adds a
team_id argument to every call and bypasses warroom's client. Here the identity comes
from one auth.test through warroom's client, made on the first request that needs it
and then kept for the life of the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult

from bot.slack.client import SlackClient


class SingleWorkspaceAuthorizer:
    def __init__(self, client: SlackClient) -> None:
        self.client = client
        self._identity: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def identity(self) -> dict[str, Any]:
        """Return the auth.test answer for the bot token, calling Slack only once."""
        with self._lock:
            if self._identity is None:
                answer = self.client.auth_test().data
                assert isinstance(answer, dict)
                self._identity = answer
            return self._identity

    def result(
        self, enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        identity = self.identity()
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id or identity.get("team_id"),
            bot_token=self.client.token,
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id"),
            user_id=user_id,
        )


def make_authorize(client: SlackClient) -> Callable[..., AuthorizeResult]:
    """Return the function Bolt calls; Bolt matches its parameters by name."""
    authorizer = SingleWorkspaceAuthorizer(client)

    def authorize(
        enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        return authorizer.result(enterprise_id, team_id, user_id)

    return authorize
