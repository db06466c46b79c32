"""Measure the time from `/incident declare` to a ready incident channel.

Sends N declare commands one after another to the bot's real HTTP endpoint, with the
fake Slack Web API behind it, and prints for each percentile the time until the
"Declared" reply reached the response URL (the channel exists) and until the channel
was ready: responders invited, summary pinned and severity buttons posted.

    .venv/bin/python benchmarks/declare.py [--incidents 20] [--database URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from harness import fake_slack, milliseconds, percentile, send_command, warroom

from bot.app import Warroom
from bot.store.models import Incident

POLL_SECONDS = 0.002


def wait_until_ready(app: Warroom, number: int, timeout: float = 30.0) -> None:
    """Poll the database until incident `number` has its severity buttons."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with app.runtime.sessions() as session:
            incident = session.query(Incident).filter_by(number=number).one_or_none()
            if incident is not None and incident.severity_prompt_ts:
                return
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"INC-{number} was not ready after {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=20)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    database = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"

    replied: list[float] = []
    ready: list[float] = []
    with fake_slack() as fake, warroom(fake, database) as (app, served):
        for number in range(1, args.incidents + 1):
            name = f"declare-{number}"
            started = time.perf_counter()
            send_command(served.url, fake, f"declare Benchmark {number}", name, "C0X1")
            fake.wait_for(
                lambda name=name: any(
                    reply["_response_url"] == name for reply in fake.responses
                ),
                timeout=30,
            )
            replied.append(time.perf_counter() - started)
            wait_until_ready(app, number)
            ready.append(time.perf_counter() - started)
    print(f"database: {database.split(':', 1)[0]}")
    print(f"incidents declared one after another: {args.incidents}")
    for name, values in (("reply", replied), ("channel ready", ready)):
        print(
            f"{name}: p50 {milliseconds(statistics.median(values))}, "
            f"p99 {milliseconds(percentile(values, 0.99))}, "
            f"max {milliseconds(max(values))}"
        )


if __name__ == "__main__":
    main()
