"""Measure how fast the bot acknowledges slash commands under concurrent load.

Starts the fake Slack Web API and the bot's real HTTP server on 127.0.0.1, sends N
signed `/incident note` commands at once from N threads, and prints the HTTP response
latency (the acknowledgement Slack waits at most three seconds for) and the time
until every reply reached the fake Slack.

    .venv/bin/python benchmarks/ack_latency.py [--commands 50] [--database URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakeslack import FakeSlack  # noqa: E402
from slack_signing import post_signed, slash_command_body  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.server import make_http_server, stop_http_server  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import make_engine, upgrade  # noqa: E402

SECRET = "benchmark-signing-secret"
FORM = "application/x-www-form-urlencoded"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=50)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    database = args.database or f"sqlite:///{folder}/bench.db"

    fake = FakeSlack(ROOT.parent / "shared")
    fake.start()
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
    server = make_http_server(app, "127.0.0.1", 0)
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    url = f"http://127.0.0.1:{server.effective_port}/slack/events"
    try:
        channel = declare(url, fake)
        run(url, fake, channel, args.commands, database)
    finally:
        stop_http_server(server)
        loop.join(timeout=5)
        app.close()
        fake.stop()


def send(url: str, fake: FakeSlack, text: str, name: str, channel: str) -> float:
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


def declare(url: str, fake: FakeSlack) -> str:
    send(url, fake, "declare Benchmark incident", "declare", "C0FAKECHAN1")
    fake.wait_for(lambda: fake.calls_to("conversations.create"), timeout=30)
    fake.wait_for(lambda: fake.calls_to("pins.add"), timeout=30)
    return str(fake.calls_to("pins.add")[0].args["channel"])


def run(url: str, fake: FakeSlack, channel: str, count: int, database: str) -> None:
    before = len(fake.responses)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [
            pool.submit(send, url, fake, f"note benchmark {i}", f"note-{i}", channel)
            for i in range(count)
        ]
        latencies = [future.result() for future in futures]
    fake.wait_for(lambda: len(fake.responses) >= before + count, timeout=60)
    all_replied = time.perf_counter() - started
    print(f"database: {database.split(':', 1)[0]}")
    print(f"concurrent slash commands: {count}")
    print(f"ack latency p50: {statistics.median(latencies) * 1000:.0f} ms")
    print(f"ack latency p99: {percentile(latencies, 0.99) * 1000:.0f} ms")
    print(f"ack latency max: {max(latencies) * 1000:.0f} ms")
    print(f"all {count} replies delivered after: {all_replied * 1000:.0f} ms")


if __name__ == "__main__":
    main()
