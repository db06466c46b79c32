"""Measure postmortem rendering for a large incident.

Stores one resolved incident with 5,000 timeline events (notes, status updates,
pinned messages, 5 Whys, causes, factors and lessons) and 200 action items, then
prints the time to gather the template's values from the database and to render
templates/postmortem.md.j2, the best and median of several runs, and the size of
the Markdown produced.

    .venv/bin/python benchmarks/postmortem.py [--events 5000] [--actions 200]
        [--runs 5] [--database URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from harness import milliseconds
from sqlalchemy.orm import Session, sessionmaker

from bot.config import WarroomConfig
from bot.docs.postmortem import build_context, render
from bot.store import incidents
from bot.store.db import make_engine, make_session_factory, transaction, upgrade
from bot.store.models import ActionItem, Incident, TimelineEvent
from bot.templating import make_environment

KINDS = ("note", "status", "pinned", "why", "cause", "factor", "lesson", "impact")
LESSONS = ("went-well", "went-wrong", "lucky")


def populate(factory: sessionmaker[Session], events: int, actions: int) -> int:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with transaction(factory) as session:
        incident = incidents.create_incident(
            session,
            team_id="T0FAKETEAM",
            title="Checkout errors for EU users",
            description="Payments timed out after a config push.",
            declared_by="U0COMMANDR1",
            now=start,
            severity=1,
        )
        incident.status = "resolved"
        incident.resolved_at = start + timedelta(hours=6)
        incident.resolution_summary = "Rolled back config 4812."
        session.add_all(
            TimelineEvent(
                team_id="T0FAKETEAM",
                incident_id=incident.id,
                kind=KINDS[index % len(KINDS)],
                occurred_at=start + timedelta(seconds=4 * index),
                recorded_at=start + timedelta(seconds=4 * index),
                actor_id=f"U0RESPOND{index % 20:02d}",
                text=f"event {index}: restarted api-{index % 9} | checked the pool",
                data={"category": LESSONS[index % len(LESSONS)]},
                deleted=False,
            )
            for index in range(events - 1)  # create_incident stored the first
        )
        session.add_all(
            ActionItem(
                team_id="T0FAKETEAM",
                incident_id=incident.id,
                text=f"Add an alert on checkout latency, part {index}",
                owner_id=f"U0OWNER{index % 30:04d}",
                priority=f"P{index % 4}",
                category=("prevent", "detect", "mitigate", "process")[index % 4],
                status="open",
                due_on=date(2026, 12, 1) + timedelta(days=index % 40),
                created_by="U0COMMANDR1",
                created_at=start,
            )
            for index in range(actions)
        )
        return incident.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    database = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    engine = make_engine(database)
    upgrade(engine)
    factory = make_session_factory(engine)
    incident_id = populate(factory, args.events, args.actions)
    environment = make_environment(None)
    config = WarroomConfig()

    gathering: list[float] = []
    rendering: list[float] = []
    markdown = ""
    for _ in range(args.runs):
        started = time.perf_counter()
        with factory() as session:
            incident = session.get(Incident, incident_id)
            assert incident is not None
            context = build_context(session, incident, config)
        gathered = time.perf_counter()
        markdown = render(environment, context)
        gathering.append(gathered - started)
        rendering.append(time.perf_counter() - gathered)
    engine.dispose()
    print(f"database: {database.split(':', 1)[0]}")
    print(f"timeline events: {args.events}, action items: {args.actions}")
    for name, values in (("gathering values", gathering), ("rendering", rendering)):
        print(
            f"{name}: best {milliseconds(min(values))}, "
            f"median {milliseconds(statistics.median(values))} of {args.runs} runs"
        )
    total = [g + r for g, r in zip(gathering, rendering, strict=True)]
    print(f"total: median {milliseconds(statistics.median(total))}")
    size = len(markdown.encode()) / 1024
    print(f"markdown: {size:.0f} KiB, {len(markdown.splitlines())} lines")


if __name__ == "__main__":
    main()
