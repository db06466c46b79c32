"""The WSGI application: Slack's endpoint plus the probes operators rely on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from bot.store.db import is_reachable

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

SLACK_EVENTS_PATH = "/slack/events"

Route = Callable[["WSGIEnvironment"], tuple[int, dict[str, Any]]]


class WebApp:
    """Routes `POST /slack/events` to Bolt and answers `/healthz` and `/readyz`."""

    def __init__(self, slack: WSGIApplication | None, engine: Engine) -> None:
        self.slack = slack
        self.engine = engine
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
            return self.slack(environ, start_response)
        route = self.routes.get((method, path))
        if route is None:
            known_paths = {route_path for _, route_path in self.routes}
            if path in known_paths:
                return _json(start_response, 405, {"error": f"{method} not allowed"})
            return _json(start_response, 404, {"error": f"no route for {path}"})
        status, body = route(environ)
        return _json(start_response, status, body)

    def health(self, environ: WSGIEnvironment) -> tuple[int, dict[str, Any]]:
        return 200, {"status": "ok"}

    def ready(self, environ: WSGIEnvironment) -> tuple[int, dict[str, Any]]:
        if is_reachable(self.engine):
            return 200, {"status": "ready", "database": "reachable"}
        return 503, {"status": "not ready", "database": "unreachable"}


STATUS_TEXT = {
    200: "OK",
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
