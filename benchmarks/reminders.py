"""Measure the reminder scheduler with many open action items.

Creates open action items spread over incidents and owners, makes a number of
reminders fall due in the same minute, and prints the time one scheduler tick takes
to find due work, how long sending all due reminders takes against the fake Slack,
how many direct messages each owner got, and the process's peak memory.

    .venv/bin/python benchmarks/reminders.py [--items 10000] [--due 1000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakeslack import FakeSlack  # noqa: E402

from bot.app import Warroom, create_app  # noqa: E402
from bot.reminders.runner import plan_overdue, tick  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import make_engine, transaction, upgrade  # noqa: E402
from bot.store.models import ActionItem, Incident, Reminder, Workspace  # noqa: E402

OWNERS = 200
INCIDENTS = 100


def populate(app: Warroom, items: int, due: int, now: datetime) -> None:
    with transaction(app.runtime.sessions) as session:
        session.add(
            Workspace(team_id="T0FAKETEAM", created_at=now, last_incident_number=0)
        )
        session.flush()
        for number in range(1, INCIDENTS + 1):
            session.add(
                Incident(
                    team_id="T0FAKETEAM",
                    number=number,
                    title=f"Incident {number}",
                    description="",
                    status="resolved",
                    declared_by="U0OWNER0000",
                    declared_at=now,
                    updated_at=now,
                    services=[],
                    resolution_summary="",
                )
            )
        session.flush()
        future = date.today() + timedelta(days=30)
        session.add_all(
            ActionItem(
                team_id="T0FAKETEAM",
                incident_id=1 + index % INCIDENTS,
                text=f"task {index}",
                owner_id=f"U0OWNER{index % OWNERS:04d}",
                priority="P2",
                status="open",
                due_on=future,
                created_by="U0OWNER0000",
                created_at=now,
            )
            for index in range(items)
        )
        session.flush()
        session.add_all(
            Reminder(
                team_id="T0FAKETEAM",
                kind="action_due",
                subject=f"action:{item_id}",
                incident_id=1 + (item_id - 1) % INCIDENTS,
                action_item_id=item_id,
                recipient_id=f"U0OWNER{(item_id - 1) % OWNERS:04d}",
                due_at=now - timedelta(seconds=item_id % 60),
                cancelled=False,
                attempts=0,
            )
            for item_id in range(1, due + 1)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    if not 0 <= args.due <= args.items:
        parser.error(
            "--due must be between 0 and --items: each due reminder is an item's"
        )
    database = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    fake = FakeSlack(ROOT.parent / "shared")
    fake.start()
    for index in range(OWNERS):
        fake.add_user(f"U0OWNER{index:04d}", name=f"owner{index}", tz="Europe/Berlin")
    engine = make_engine(database)
    upgrade(engine)
    settings = Settings(
        slack_bot_token=fake.token,
        slack_api_url=fake.url,
        slack_signing_secret="x",
        database_url=database,
    )
    app = create_app(settings, engine=engine)
    now = datetime.now(UTC)
    try:
        populate(app, args.items, args.due, now)
        started = time.perf_counter()
        plan_overdue(app.runtime, now)
        planning = time.perf_counter() - started
        started = time.perf_counter()
        sent = 0
        ticks = 0
        busiest = 0  # the maximum messages to one owner within one tick
        while sent < args.due and ticks < 100:
            before = len(fake.calls)
            sent += tick(app.runtime, now, "bench")
            ticks += 1
            owners = Counter(call.args["channel"] for call in fake.calls[before:])
            busiest = max([busiest, *owners.values()])
        sending = time.perf_counter() - started
    finally:
        app.close()
        fake.stop()
    per_owner = Counter(
        call.args["channel"] for call in fake.calls_to("chat.postMessage")
    )
    texts = [call.args["text"] for call in fake.calls_to("chat.postMessage")]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {database.split(':', 1)[0]}")
    print(f"open action items: {args.items}, reminders due now: {args.due}")
    print(f"finding overdue items (one tick's planning step): {planning * 1000:.0f} ms")
    print(f"sending all due reminders: {sending:.1f} s in {ticks} ticks")
    print(f"direct messages sent: {len(texts)}, distinct: {len(set(texts))}")
    most = max(per_owner.values())
    print(f"most messages to one owner: {most} in all, {busiest} per tick")
    print(f"peak memory of the process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
