"""Measure an alert storm: requests per second accepted, latency and posts per group.

Starts the fake Slack Web API and the bot's real HTTP server on 127.0.0.1, then sends
N Alertmanager webhooks (one alert each, spread over G groups) from C client threads
as fast as the server answers. Prints the accepted requests per second, the response
latency, and the number of Slack posts and edits per group once the work pool is idle.

    .venv/bin/python benchmarks/alert_storm.py [--alerts 500] [--groups 20]
        [--clients 8] [--database URL]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from alert_helpers import (  # noqa: E402
    ALERTMANAGER_TOKEN,
    CONFIG,
    ENVIRONMENT,
    alertmanager_group,
)
from fakeslack import FakeSlack  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.server import make_http_server, stop_http_server  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import make_engine, upgrade  # noqa: E402

SHARED = ROOT.parent / "shared"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=500)
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    database = args.database or f"sqlite:///{folder}/bench.db"
    os.environ.update(ENVIRONMENT)
    config_path = folder / "warroom.yaml"
    config_path.write_text(CONFIG)

    fake = FakeSlack(SHARED)
    fake.start()
    engine = make_engine(database)
    upgrade(engine)
    settings = Settings(
        slack_bot_token=fake.token,
        slack_signing_secret="benchmark-signing-secret",
        slack_api_url=fake.url,
        database_url=database,
        host="127.0.0.1",
        port=0,
        config=load_config(config_path),
    )
    app = create_app(settings, engine=engine)
    server = make_http_server(app, "127.0.0.1", 0)
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    url = f"http://127.0.0.1:{server.effective_port}/alerts/alertmanager"
    try:
        run(url, fake, args, database)
    finally:
        stop_http_server(server)
        loop.join(timeout=5)
        app.close()
        fake.stop()


def send(url: str, body: bytes) -> float:
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {ALERTMANAGER_TOKEN}",
        },
        method="POST",
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}")
    return time.perf_counter() - started


def run(url: str, fake: FakeSlack, args: argparse.Namespace, database: str) -> None:
    bodies = [
        json.dumps(
            alertmanager_group(SHARED, f"Storm{i % args.groups}", [f"storm-{i:05d}"])
        ).encode()
        for i in range(args.alerts)
    ]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.clients) as pool:
        latencies = list(pool.map(lambda body: send(url, body), bodies))
    elapsed = time.perf_counter() - started
    # Posts settle after the last request; edits are spaced 15 s apart per group.
    time.sleep(20)
    posts = Counter(
        str(call.args.get("text", "")).split(":")[0]
        for call in fake.calls_to("chat.postMessage")
    )
    updates = len(fake.calls_to("chat.update"))
    print(f"database: {database.split(':', 1)[0]}")
    print(f"alerts: {args.alerts} in {args.groups} groups, {args.clients} clients")
    print(f"accepted: {args.alerts / elapsed:.0f} requests/s ({elapsed:.2f} s)")
    print(f"latency p50: {statistics.median(latencies) * 1000:.0f} ms")
    print(f"latency p99: {percentile(latencies, 0.99) * 1000:.0f} ms")
    print(f"latency max: {max(latencies) * 1000:.0f} ms")
    print(f"posts: {sum(posts.values())} ({max(posts.values())} at most per group)")
    print(f"edits (chat.update): {updates}")


if __name__ == "__main__":
    main()
