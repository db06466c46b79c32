"""Slack's Web API answering 429 or 500 to every call for a while.

The outage lasts OUTAGE_SECONDS instead of a minute, which is enough to put every
command sent during it into the window. What must hold: every command is
acknowledged, every timeline entry is stored, every queued task finishes and replies
once the outage ends, and a reminder that failed during it goes out afterwards.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from driver import COMMANDER, Driver, ListenerRuns

from bot.reminders.runner import tick
from bot.store.models import Incident

OUTAGE_SECONDS = 1.5
COMMANDS = 24


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path):
    """Run on SQLite only: the outage is Slack's, so the database adds nothing."""
    return f"sqlite:///{tmp_path / 'warroom.db'}"


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def command_text(number: int) -> str:
    if number % 2:
        return f"note outage note {number}"
    return f"status identified outage update {number}"


@pytest.mark.parametrize("status", [429, 500], ids=["rate-limited", "server-error"])
def test_slack_outage_loses_nothing(driver, running_bot, fake_slack, status):
    app = running_bot.app
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    with app.runtime.sessions() as session, session.begin():
        session.get(Incident, incident.id).severity = 1  # status reminders every 30 min
    runs = ListenerRuns(app.executor, app.work)
    replies_before = len(fake_slack.responses)

    fake_slack.outage(OUTAGE_SECONDS, status=status, retry_after=1)
    with ThreadPoolExecutor(max_workers=COMMANDS) as pool:
        sent = list(
            pool.map(
                lambda n: driver.post_command(command_text(n), channel=channel),
                range(COMMANDS),
            )
        )
    due = incident.declared_at + timedelta(minutes=31)
    during = tick(app.runtime, due, "test-worker")
    runs.wait(timeout=30)

    assert [command.status for command in sent] == [200] * COMMANDS
    replies = fake_slack.responses[replies_before:]
    assert {reply["_response_url"] for reply in replies} == {
        command.reply_name for command in sent
    }
    notes = [event.text for event in driver.events(incident.id, "note")]
    updates = [event.text for event in driver.events(incident.id, "status")]
    for number in range(COMMANDS):
        text = command_text(number).split(" ", 2)[-1]
        stored = notes if number % 2 else updates
        assert any(text in entry for entry in stored), text
    assert len(notes) + len(updates) == COMMANDS

    fake_slack.wait_for(lambda: not fake_slack.in_outage, timeout=OUTAGE_SECONDS + 1)
    after = tick(app.runtime, due + timedelta(minutes=2), "test-worker")
    driver.command("status monitoring recovered", channel=channel)

    # Retries ride out a short 429 window, while a 500 fails the send at once.
    assert during + after == 1
    if status == 500:
        assert during == 0
    metrics = app.runtime.metrics
    sent_reminders = metrics.reminders.value(kind="status_update", outcome="sent")
    assert sent_reminders == 1
    summary = fake_slack.calls_to("chat.update")[-1]
    assert summary.args["ts"] == incident.summary_ts
    assert "monitoring" in json.dumps(summary.json_arg("blocks"))
    failed = metrics.slack_calls.value(
        method="chat.postMessage",
        error="ratelimited" if status == 429 else "internal_error",
    )
    if status == 500:
        assert failed >= COMMANDS // 2
    else:
        retried = metrics.slack_retries.value(
            method="chat.postMessage", reason="ratelimited"
        )
        assert retried >= 1
