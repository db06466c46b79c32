"""Probes of severity names set in warroom.yaml."""

from __future__ import annotations

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, severity_buttons

from bot.config import Severity, WarroomConfig

SEVERITIES = (
    Severity(1, "Critical", "Full outage or data loss."),
    Severity(2, "Major", "Major degradation for many users."),
)


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(severities=SEVERITIES)
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def test_sev_reply_uses_configured_name(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("sev 2 errors for EU checkouts", channel=incident.channel_id)

    assert reply is not None
    assert "Major" in reply["text"]


def test_confirmed_severity_uses_configured_name(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    buttons = severity_buttons(fake_slack, channel, ts)

    status, _ = driver.click(ts, channel, buttons[0], user=COMMANDER)

    assert status == 200
    assert driver.incident(incident.id).severity == 1
    [confirmed] = [
        event.text
        for event in driver.events(incident.id)
        if "confirmed" in (event.text or "")
    ]
    assert "Critical" in confirmed
