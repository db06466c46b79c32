"""Status-update reminders for the commander, with a controlled clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, severity_buttons

from bot.config import WarroomConfig
from bot.reminders.runner import tick


@pytest.fixture
def settings(fake_slack, database_url):
    return make_settings(fake_slack, database_url, config=WarroomConfig())


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def declare_with_severity(driver, fake_slack, level: int):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    button = severity_buttons(fake_slack, channel, ts)[level - 1]
    driver.click(ts, channel, button, user=COMMANDER)
    return driver.incident(incident.id)


def status_reminders_sent(fake_slack) -> list[str]:
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args["channel"] == COMMANDER and "no status update" in call.args["text"]
    ]


def test_quiet_incident_reminds_each_interval(driver, fake_slack):
    incident = declare_with_severity(driver, fake_slack, 2)
    runtime = driver.bot.app.runtime
    start = incident.declared_at

    counts = [
        tick(runtime, start + timedelta(minutes=minutes), "w")
        for minutes in (59, 61, 62, 119, 121)
    ]

    assert counts == [0, 1, 0, 0, 1]
    assert len(status_reminders_sent(fake_slack)) == 2


def test_update_resets_the_clock(driver, fake_slack):
    incident = declare_with_severity(driver, fake_slack, 1)
    runtime = driver.bot.app.runtime
    driver.command("status identified bad deploy", channel=incident.channel_id)
    start = incident.declared_at

    first = tick(runtime, start + timedelta(minutes=29), "w")
    updated = driver.incident(incident.id).updated_at
    before_next = tick(runtime, updated + timedelta(minutes=29), "w")
    after_next = tick(runtime, updated + timedelta(minutes=31), "w")

    assert (first, before_next, after_next) == (0, 0, 1)


def test_resolved_incident_is_not_reminded(driver, fake_slack):
    incident = declare_with_severity(driver, fake_slack, 1)
    runtime = driver.bot.app.runtime
    tick(runtime, incident.declared_at, "w")
    driver.command("resolve fixed", channel=incident.channel_id)

    sent = tick(runtime, incident.declared_at + timedelta(hours=3), "w")

    assert sent == 0
    assert status_reminders_sent(fake_slack) == []


def test_sev4_has_no_status_reminders(driver, fake_slack):
    incident = declare_with_severity(driver, fake_slack, 4)

    sent = tick(driver.bot.app.runtime, incident.declared_at + timedelta(days=1), "w")

    assert sent == 0


def test_snooze_postpones_reminder(driver, fake_slack):
    incident = declare_with_severity(driver, fake_slack, 1)
    runtime = driver.bot.app.runtime
    tick(runtime, incident.declared_at + timedelta(minutes=31), "w")
    action = {"action_id": "status_snooze_1h", "value": str(incident.id)}

    _, answer = driver.click("1717171717.000300", "D0FAKEDM001", action, user=COMMANDER)
    snoozed_until = driver.incident(incident.id).status_snoozed_until
    during = tick(runtime, snoozed_until - timedelta(minutes=1), "w")
    after = tick(runtime, snoozed_until + timedelta(minutes=1), "w")

    assert "snoozed for 1h" in answer["text"]
    assert (during, after) == (0, 1)
