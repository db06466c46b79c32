"""Proposed action items named after very long runbook names."""

from __future__ import annotations

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver

from bot.config import WarroomConfig
from bot.slack import ids

INTERNAL_ERROR = "something went wrong on warroom's side"


@pytest.fixture
def settings(fake_slack, database_url):
    return make_settings(fake_slack, database_url, config=WarroomConfig())


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def test_long_runbook_proposal_can_be_dismissed(driver):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    name = "checkout-" + "database-failover-" * 11  # 207 characters
    driver.command(f"runbook {name} missing", channel=channel)
    driver.command("postmortem", channel=channel)
    (message,) = [m for m in driver.fake.messages(channel) if name[:60] in m["text"]]
    (actions,) = [b for b in message["blocks"] if b["type"] == "actions"]
    (dismiss,) = [
        e for e in actions["elements"] if e["action_id"] == ids.PROPOSAL_DISMISS
    ]

    _, reply = driver.click(message["ts"], channel, dismiss, user=COMMANDER)

    assert INTERNAL_ERROR not in reply["text"]
    assert reply["text"].startswith("Dismissed")


def test_huge_runbook_name_rejected_and_draft_posts(driver):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    name = "runbook-" * 260  # 2,080 characters

    refused = driver.command(f"runbook {name} missing", channel=channel)
    reply = driver.command("postmortem", channel=channel)

    assert "at most 300 characters" in refused["text"]
    assert driver.events(incident.id, "runbook") == []
    assert INTERNAL_ERROR not in reply["text"]
    assert reply["text"].startswith("Posted the postmortem draft")
