"""Shared set-up for the benchmarks: the fake Slack, a served bot, percentiles.

Each benchmark runs the bot's real WSGI stack under waitress on 127.0.0.1, with the
fake Slack Web API from tests/ behind it, in the benchmark's own process.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakeslack import FakeSlack  # noqa: E402
from slack_signing import post_signed, slash_command_body  # noqa: E402
from waitress.server import create_server  # noqa: E402

from bot.app import Warroom, create_app  # noqa: E402
from bot.server import HTTP_THREADS, make_http_server, stop_http_server  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import make_engine, upgrade  # noqa: E402
from bot.web import MAX_BODY_BYTES  # noqa: E402

SECRET = "benchmark-signing-secret"
FORM = "application/x-www-form-urlencoded"


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile, e.g. fraction 0.99 for p99."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


@contextmanager
def fake_slack() -> Iterator[FakeSlack]:
    # waitress warns at every queued request, which a burst of 50 produces on purpose.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    fake = FakeSlack(ROOT.parent / "shared")
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@dataclass
class Served:
    """A WSGI application served by waitress; `url` is its /slack/events address."""

    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        stop_http_server(self.server)
        self.thread.join(timeout=5)


def start(server: Any) -> Served:
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    return Served(url, server, thread)


def serve_wsgi(app: Any) -> Served:
    """Serve any WSGI `app` with the waitress settings `warroom serve` uses."""
    server = create_server(
        app,
        host="127.0.0.1",
        port=0,
        threads=HTTP_THREADS,
        clear_untrusted_proxy_headers=True,
        max_request_body_size=MAX_BODY_BYTES,
    )
    return start(server)


@contextmanager
def warroom(fake: FakeSlack, database: str) -> Iterator[tuple[Warroom, Served]]:
    """Migrate `database`, build warroom against `fake` and serve it."""
    engine = make_engine(database)
    upgrade(engine)
    settings = Settings(
        slack_bot_token=fake.token,
        slack_signing_secret=SECRET,
        slack_api_url=fake.url,
        database_url=database,
        host="127.0.0.1",
        port=0,
    )
    app = create_app(settings, engine=engine)
    served = start(make_http_server(app, "127.0.0.1", 0))
    try:
        yield app, served
    finally:
        served.stop()
        app.close()


def send_command(
    url: str, fake: FakeSlack, text: str, name: str, channel: str
) -> float:
    """Post a signed `/incident <text>`; return the seconds until the response."""
    body = slash_command_body(
        text,
        channel_id=channel,
        response_url=fake.response_url(name),
        trigger_id=f"{name}.bench",
    )
    started = time.perf_counter()
    status, _, _ = post_signed(url, body, signing_secret=SECRET, content_type=FORM)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise SystemExit(f"command {name} got HTTP {status}")
    return elapsed
