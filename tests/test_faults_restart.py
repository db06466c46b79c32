"""A process killed between storing an incident and creating its channel.

The end-to-end test runs `warroom serve` as a real subprocess through
fault_launcher.py, which kills it with SIGKILL at that point, then starts it again
and checks that the incident gets its channel. The other tests drive the repair
directly against the fake Slack.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy
from conftest import SIGNING_SECRET
from driver import COMMANDER, FORM
from slack_signing import post_signed, slash_command_body

from bot.flows.base import utc_now
from bot.flows.repair import (
    MISSING_CHANNEL_KEY,
    ORPHAN_AFTER,
    repair_orphaned_incidents,
)
from bot.store import incidents
from bot.store.db import make_session_factory, transaction
from bot.store.models import Incident, TimelineEvent

LAUNCHER = Path(__file__).with_name("fault_launcher.py")
START_SECONDS = 30
REPAIRED_TEXT = "stopped before it created the channel"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class BotProcess:
    """`warroom serve` in a subprocess, with its standard error kept in a file."""

    def __init__(self, environ: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {**os.environ, **environ, "PORT": str(self.port), "HOST": "127.0.0.1"}
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(LAUNCHER)], env=env, stderr=log
            )

    def wait_until_healthy(self, fake_slack) -> None:
        def healthy() -> bool:
            assert self.process.poll() is None, self.log_path.read_text()
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as reply:
                    return reply.status == 200
            except (urllib.error.URLError, ConnectionError):
                return False

        fake_slack.wait_for(healthy, timeout=START_SECONDS)

    def declare(self, fake_slack, title: str) -> int:
        body = slash_command_body(
            f"declare {title}",
            channel_id="C0FAKECHAN1",
            user_id=COMMANDER,
            response_url=fake_slack.response_url("declare"),
            trigger_id="1.5555.killed",
        )
        status, _, _ = post_signed(
            self.url + "/slack/events",
            body,
            signing_secret=SIGNING_SECRET,
            content_type=FORM,
        )
        return status

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=15)

    def log_lines(self) -> list[dict[str, str]]:
        lines = self.log_path.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


@pytest.fixture
def environ(fake_slack, database_url, engine) -> dict[str, str]:
    """Environment of a bot process on the migrated test database."""
    return {
        "SLACK_BOT_TOKEN": fake_slack.token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "DATABASE_URL": database_url,
        "LOG_FORMAT": "json",
    }


@pytest.fixture
def processes() -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait(timeout=15)


def stored(engine: sqlalchemy.Engine) -> list[Incident]:
    with make_session_factory(engine)() as session:
        return list(session.query(Incident).order_by(Incident.id))


def test_killed_declare_completed_on_restart(
    environ, engine, fake_slack, processes, tmp_path
):
    first = BotProcess(
        {**environ, "WARROOM_TEST_KILL_BEFORE_CHANNEL": "1"}, tmp_path / "first.log"
    )
    processes.append(first)
    first.wait_until_healthy(fake_slack)

    status = first.declare(fake_slack, "Checkout errors")

    assert status == 200
    assert first.process.wait(timeout=15) == -signal.SIGKILL
    (orphan,) = stored(engine)
    assert orphan.channel_id is None
    assert fake_slack.calls_to("conversations.create") == []

    second = BotProcess(
        {**environ, "WARROOM_TEST_ORPHAN_AFTER_SECONDS": "0"}, tmp_path / "second.log"
    )
    processes.append(second)
    second.wait_until_healthy(fake_slack)
    fake_slack.wait_for(
        lambda: any(
            REPAIRED_TEXT in call.args.get("text", "")
            for call in fake_slack.calls_to("chat.postMessage")
        ),
        timeout=START_SECONDS,
    )

    assert second.stop() == 0
    (repaired,) = stored(engine)
    assert repaired.channel_id is not None
    assert repaired.summary_ts is not None
    assert repaired.severity_prompt_ts is not None
    members = fake_slack.channel(repaired.channel_id)["members"]
    assert COMMANDER in members
    (message,) = [
        call
        for call in fake_slack.calls_to("chat.postMessage")
        if REPAIRED_TEXT in call.args.get("text", "")
    ]
    assert message.args["channel"] == COMMANDER
    created = [
        line
        for line in second.log_lines()
        if line["message"].startswith(f"incident {repaired.id}: created the channel")
    ]
    assert created[0]["incident_id"] == str(repaired.id)


def store_orphan(runtime, declared_at) -> int:
    """Store an incident as declare does before it creates the channel."""
    with transaction(runtime.sessions) as session:
        incident = incidents.create_incident(
            session,
            team_id="T0FAKETEAM",
            title="Checkout errors",
            description="",
            declared_by=COMMANDER,
            now=declared_at,
        )
    return incident.id


def direct_messages(fake_slack) -> list[str]:
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args["channel"] == COMMANDER
    ]


def test_repair_waits_for_running_declare(running_bot, fake_slack):
    runtime = running_bot.app.runtime
    now = utc_now()
    incident_id = store_orphan(runtime, now)

    early = repair_orphaned_incidents(runtime, now + ORPHAN_AFTER / 2)
    late = repair_orphaned_incidents(runtime, now + ORPHAN_AFTER)

    assert early == []
    assert late == [incident_id]
    assert len(fake_slack.calls_to("conversations.create")) == 1


def test_repair_runs_once(running_bot, fake_slack):
    runtime = running_bot.app.runtime
    now = utc_now()
    incident_id = store_orphan(runtime, now - ORPHAN_AFTER)

    first = repair_orphaned_incidents(runtime, now)
    second = repair_orphaned_incidents(runtime, now)

    assert (first, second) == ([incident_id], [])
    assert len([m for m in direct_messages(fake_slack) if REPAIRED_TEXT in m]) == 1


def test_repair_retries_after_slack_error(running_bot, fake_slack):
    runtime = running_bot.app.runtime
    now = utc_now()
    incident_id = store_orphan(runtime, now - ORPHAN_AFTER)
    fake_slack.fail("conversations.create", "internal_error")

    first = repair_orphaned_incidents(runtime, now)
    second = repair_orphaned_incidents(runtime, now + timedelta(minutes=1))

    assert (first, second) == ([], [incident_id])


def test_rejected_channel_marks_incident(running_bot, fake_slack):
    runtime = running_bot.app.runtime
    now = utc_now()
    incident_id = store_orphan(runtime, now - ORPHAN_AFTER)
    fake_slack.fail("conversations.create", "restricted_action")

    first = repair_orphaned_incidents(runtime, now)
    second = repair_orphaned_incidents(runtime, now + timedelta(minutes=1))

    assert (first, second) == ([], [])
    with runtime.sessions() as session:
        marks = session.query(TimelineEvent).filter_by(
            incident_id=incident_id, source_key=MISSING_CHANNEL_KEY
        )
        (mark,) = marks.all()
    assert "could not create the incident channel" in mark.text
    (message,) = direct_messages(fake_slack)
    assert "INC-1" in message
    assert "has no channel" in message
    assert len(fake_slack.calls_to("conversations.create")) == 1
