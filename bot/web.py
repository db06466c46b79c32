"""The WSGI application: Slack's endpoint plus the probes operators rely on."""

from __future__ import annotations

import contextvars
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from bot.logs import bind_ids, new_request_id
from bot.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.metrics import Metrics
from bot.store.db import is_reachable

log = logging.getLogger(__name__)

# Slack's payloads are a few kilobytes; a modal submission stays well under this.
MAX_BODY_BYTES = 1024 * 1024
# Slack rejects replays older than five minutes, and so does warroom.
SIGNATURE_MAX_AGE_SECONDS = 300

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

SLACK_EVENTS_PATH = "/slack/events"
ALERTS_PATH_PREFIX = "/alerts/"
METRICS_PATH = "/metrics"

Route = Callable[["WSGIEnvironment"], tuple[int, dict[str, Any]]]
# Handles `POST /alerts/<source>`: (source, lower-case headers, raw body) to the
# response status and JSON body.
AlertHandler = Callable[[str, dict[str, str], bytes], tuple[int, dict[str, Any]]]


class WebApp:
    """Routes `POST /slack/events` to Bolt and `POST /alerts/<source>` to the alert
    handler; serves `/healthz`, `/readyz` and `/metrics`."""

    def __init__(
        self,
        slack: WSGIApplication | None,
        engine: Engine,
        signing_secret: str = "",
        ready_checks: Iterable[Callable[[], str | None]] = (),
        alerts: AlertHandler | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.slack = slack
        self.alerts = alerts
        self.engine = engine
        self.metrics = metrics or Metrics.create()
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.ready_checks = list(ready_checks)
        self.routes: dict[tuple[str, str], Route] = {
            ("GET", "/healthz"): self.health,
            ("GET", "/readyz"): self.ready,
        }

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if path == SLACK_EVENTS_PATH and self.slack is not None:
            if method != "POST":
                return _json(start_response, 405, {"error": "use POST"})
            return self.slack_request(environ, start_response)
        if path.startswith(ALERTS_PATH_PREFIX) and self.alerts is not None:
            if method != "POST":
                return _json(start_response, 405, {"error": "use POST"})
            return self.alert_request(environ, start_response)
        if path == METRICS_PATH:
            if method not in ("GET", "HEAD"):
                return _json(start_response, 405, {"error": f"{method} not allowed"})
            return self.serve_metrics(start_response)
        route = self.routes.get(("GET" if method == "HEAD" else method, path))
        if route is None:
            known_paths = {route_path for _, route_path in self.routes}
            if path in known_paths:
                return _json(start_response, 405, {"error": f"{method} not allowed"})
            return _json(start_response, 404, {"error": f"no route for {path}"})
        status, body = route(environ)
        return _json(start_response, status, body)

    def slack_request(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Check size and signature here, so Bolt only receives verified requests."""
        assert self.slack is not None
        started = time.perf_counter()
        body = _read_body(environ)
        if body is None:
            return _json(start_response, 413, {"error": "request body too large"})
        problem = self.signature_problem(environ, body)
        if problem is not None:
            log.warning("rejected a request to %s: %s", SLACK_EVENTS_PATH, problem)
            return _json(start_response, 401, {"error": "invalid request signature"})
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        # Bolt returns once the listener acknowledged, so this times the ack. The ids
        # bound while Bolt handles the request stay in this copied context.
        context = contextvars.copy_context()
        response = context.run(self.call_bolt, environ, start_response)
        self.metrics.ack_seconds.observe(time.perf_counter() - started)
        return response

    def call_bolt(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        assert self.slack is not None
        bind_ids(request_id=new_request_id())
        return self.slack(environ, start_response)

    def alert_request(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Pass the source, headers and raw body on; signatures cover exact bytes."""
        assert self.alerts is not None
        body = _read_body(environ)
        if body is None:
            return _json(start_response, 413, {"error": "request body too large"})
        source = environ.get("PATH_INFO", "").removeprefix(ALERTS_PATH_PREFIX)
        status, answer = self.alerts(source, _headers(environ), body)
        return _json(start_response, status, answer)

    def serve_metrics(self, start_response: StartResponse) -> list[bytes]:
        payload = self.metrics.registry.render().encode()
        headers = [
            ("Content-Type", METRICS_CONTENT_TYPE),
            ("Content-Length", str(len(payload))),
        ]
        start_response("200 OK", headers)
        return [payload]

    def signature_problem(self, environ: WSGIEnvironment, body: bytes) -> str | None:
        if self.verifier is None:
            return None
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not timestamp.isascii() or not timestamp.isdigit():
            return "missing or malformed X-Slack-Request-Timestamp"
        if abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
            return "timestamp older than five minutes"
        if not self.verifier.is_valid(body, timestamp, signature):
            return "signature does not match"
        return None

    def health(self, environ: WSGIEnvironment) -> tuple[int, dict[str, Any]]:
        return 200, {"status": "ok"}

    def ready(self, environ: WSGIEnvironment) -> tuple[int, dict[str, Any]]:
        if not is_reachable(self.engine):
            return 503, {"status": "not ready", "database": "unreachable"}
        for check in self.ready_checks:
            problem = check()
            if problem is not None:
                return 503, {"status": "not ready", "problem": problem}
        return 200, {"status": "ready", "database": "reachable"}


def _read_body(environ: WSGIEnvironment) -> bytes | None:
    """Return the request body, or None when it is larger than MAX_BODY_BYTES."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return None
    stream = environ["wsgi.input"]
    body: bytes = stream.read(length) if length else stream.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


def _headers(environ: WSGIEnvironment) -> dict[str, str]:
    """Return the request headers with lower-case, dash-separated names."""
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if "CONTENT_TYPE" in environ:
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    return headers


STATUS_TEXT = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    413: "Content Too Large",
    404: "Not Found",
    405: "Method Not Allowed",
    503: "Service Unavailable",
}


def _json(
    start_response: StartResponse, status: int, body: dict[str, Any]
) -> list[bytes]:
    payload = json.dumps(body).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(payload))),
    ]
    start_response(f"{status} {STATUS_TEXT[status]}", headers)
    return [payload]
