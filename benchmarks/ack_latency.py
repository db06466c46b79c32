"""Measure how fast the bot acknowledges slash commands under concurrent load.

Starts the fake Slack Web API and the bot's real HTTP server on 127.0.0.1, sends N
signed `/incident note` commands at once from N threads, and prints the HTTP response
latency (the acknowledgement Slack waits at most three seconds for) and the time
until every reply reached the fake Slack. The same requests then go to a bare Bolt
app whose listener only acknowledges, served by the same waitress settings, and the
script prints warroom's latency as a ratio of that baseline.

    .venv/bin/python benchmarks/ack_latency.py [--commands 50] [--rounds 3]
        [--database URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from harness import (
    SECRET,
    FakeSlack,
    fake_slack,
    milliseconds,
    percentile,
    send_command,
    serve_wsgi,
    warroom,
)
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot.app import LISTENER_THREADS

WARM_UP = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    database = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    with fake_slack() as fake:
        with warroom(fake, database) as (_, served):
            channel = declare(served.url, fake)
            measured = measure(served.url, fake, channel, args.commands, args.rounds)
        baseline = measure_bare_bolt(fake, channel, args.commands, args.rounds)
    print(f"database: {database.split(':', 1)[0]}")
    print(f"concurrent slash commands: {args.commands}, rounds: {args.rounds}")
    report("warroom", measured)
    report("bare Bolt app", baseline)
    for name, fraction in (("p50", 0.5), ("p99", 0.99)):
        ratio = percentile(measured, fraction) / percentile(baseline, fraction)
        print(f"{name} ratio warroom / bare Bolt: {ratio:.2f}")


def report(name: str, latencies: list[float]) -> None:
    print(
        f"{name} ack latency p50 {milliseconds(statistics.median(latencies))}, "
        f"p99 {milliseconds(percentile(latencies, 0.99))}, "
        f"max {milliseconds(max(latencies))}"
    )


def declare(url: str, fake: FakeSlack) -> str:
    send_command(url, fake, "declare Benchmark incident", "declare", "C0FAKECHAN1")
    fake.wait_for(lambda: fake.calls_to("pins.add"), timeout=30)
    return str(fake.calls_to("pins.add")[0].args["channel"])


def burst(send: Callable[[int], float], count: int) -> list[float]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(send, range(count)))


def measure(
    url: str, fake: FakeSlack, channel: str, count: int, rounds: int
) -> list[float]:
    """Send `rounds` bursts of `count` notes; return every acknowledgement latency."""
    latencies: list[float] = []
    for round_number in range(rounds + 1):
        size = WARM_UP if round_number == 0 else count
        before = len(fake.responses)
        started = time.perf_counter()

        def send(i: int, round_number: int = round_number) -> float:
            name = f"note-{round_number}-{i}"
            return send_command(url, fake, f"note benchmark {i}", name, channel)

        burst_latencies = burst(send, size)
        expected = before + size
        fake.wait_for(lambda: len(fake.responses) >= expected, timeout=60)  # noqa: B023
        if round_number:
            latencies.extend(burst_latencies)
            replied = milliseconds(time.perf_counter() - started)
            print(f"round {round_number}: all {size} replies after {replied}")
    return latencies


def measure_bare_bolt(
    fake: FakeSlack, channel: str, count: int, rounds: int
) -> list[float]:
    executor = ThreadPoolExecutor(max_workers=LISTENER_THREADS)

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        # A fixed installation, so the baseline makes no Web API call per request.
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=fake.token,
            bot_user_id=fake.bot_user_id,
        )

    bolt = App(
        signing_secret=SECRET,
        client=WebClient(base_url=fake.url),
        authorize=authorize,
        listener_executor=executor,
    )

    def acknowledge(ack: Ack) -> None:
        ack()

    bolt.command("/incident")(acknowledge)
    served = serve_wsgi(SlackRequestHandler(bolt))
    latencies: list[float] = []
    try:
        for round_number in range(rounds + 1):
            size = WARM_UP if round_number == 0 else count

            def send(i: int, round_number: int = round_number) -> float:
                name = f"bare-{round_number}-{i}"
                return send_command(served.url, fake, "note baseline", name, channel)

            burst_latencies = burst(send, size)
            if round_number:
                latencies.extend(burst_latencies)
    finally:
        served.stop()
        executor.shutdown()
    return latencies


if __name__ == "__main__":
    main()
