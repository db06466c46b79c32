"""The one door to the Slack Web API.

Every call goes to SLACK_API_URL through `SlackClient`, which retries rate-limited
calls (honouring Retry-After up to a cap) and failed connections, and logs each
failure with the method and Slack's error code. Tokens and message bodies are never
logged.
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
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.metrics import Metrics

log = logging.getLogger(__name__)

# Enough to ride out a short rate-limit window. A call that still fails, or whose
# Retry-After exceeds the cap, is reported to the caller, because holding a listener
# thread for minutes would delay other work.
RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER_SECONDS = 10
CONNECTION_RETRIES = 2
TIMEOUT_SECONDS = 10


def method_of(request: HttpRequest) -> str:
    """Return the Web API method a request calls, e.g. chat.postMessage."""
    return request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


class CountedConnectionErrorRetryHandler(ConnectionErrorRetryHandler):
    """Retry failed connections, counting each retry in the metrics."""

    def __init__(self, metrics: Metrics, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.metrics = metrics

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        retry = bool(
            super()._can_retry(
                state=state, request=request, response=response, error=error
            )
        )
        if retry:
            self.metrics.slack_retries.inc(
                method=method_of(request), reason="connection_failed"
            )
        return retry


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retry HTTP 429 responses whose Retry-After is at most MAX_RETRY_AFTER_SECONDS."""

    def __init__(self, metrics: Metrics, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.metrics = metrics

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after_seconds(response.headers)
        if wait is None or wait > MAX_RETRY_AFTER_SECONDS:
            log.warning("Slack asked to wait %s s; not retrying", wait)
            return False
        self.metrics.slack_retries.inc(method=method_of(request), reason="ratelimited")
        return True


def retry_after_seconds(headers: dict[str, list[str] | str]) -> int | None:
    for name, values in headers.items():
        if name.lower() == "retry-after" and values:
            value = values if isinstance(values, str) else values[0]
            try:
                return int(value)
            except ValueError:
                return None
    return 1  # Slack always sends the header; one second if it ever does not.


class SlackClient(WebClient):
    """A WebClient that logs failures and counts every call by method and error."""

    def __init__(self, *args: Any, metrics: Metrics | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.metrics = metrics or Metrics.create()

    def api_call(self, api_method: str, **kwargs: Any) -> Any:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            code = str(error.response.get("error", "unknown_error"))
            status = error.response.status_code
            log.warning("Slack %s failed: %s (HTTP %s)", api_method, code, status)
            self.metrics.slack_calls.inc(method=api_method, error=code)
            raise
        except OSError as error:
            log.warning("Slack %s failed: %s", api_method, error.__class__.__name__)
            self.metrics.slack_calls.inc(method=api_method, error="connection_failed")
            raise
        self.metrics.slack_calls.inc(method=api_method, error="none")
        return response


def build_client(
    token: str, base_url: str, metrics: Metrics | None = None
) -> SlackClient:
    """Create the client every listener and job uses."""
    metrics = metrics or Metrics.create()
    return SlackClient(
        token=token,
        base_url=base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            CountedConnectionErrorRetryHandler(metrics, CONNECTION_RETRIES),
            CappedRateLimitRetryHandler(metrics, RATE_LIMIT_RETRIES),
        ],
        metrics=metrics,
    )
