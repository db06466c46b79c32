"""The one door to the Slack Web API.

Every call goes to SLACK_API_URL through `SlackClient`, which retries rate-limited
calls (honouring Retry-After) and failed connections, and logs each failure with the
method and Slack's error code. Tokens and message bodies are never logged.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

log = logging.getLogger(__name__)

# Enough to ride out a short rate-limit window without holding a listener thread for
# minutes; a call that still fails is reported to the caller.
RATE_LIMIT_RETRIES = 3
CONNECTION_RETRIES = 2
TIMEOUT_SECONDS = 10


class SlackClient(WebClient):
    """A WebClient that logs failures by method and error code."""

    def api_call(self, api_method: str, **kwargs: Any) -> Any:
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            code = error.response.get("error", "unknown_error")
            status = error.response.status_code
            log.warning("Slack %s failed: %s (HTTP %s)", api_method, code, status)
            raise


def build_client(token: str, base_url: str) -> SlackClient:
    """Create the client every listener and job uses."""
    return SlackClient(
        token=token,
        base_url=base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )
