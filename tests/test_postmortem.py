"""The postmortem draft rendered from a stored incident, through the command line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver

from bot.config import WarroomConfig


@pytest.fixture
def settings(fake_slack, database_url):
    return make_settings(
        fake_slack, database_url, config=WarroomConfig(timezone="Europe/Berlin")
    )


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def postmortem(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url
    env.pop("WARROOM_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "postmortem", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_draft_has_every_section(driver, database_url):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    driver.command("started 40 min ago", channel=channel)
    driver.command("cause a missing index | on orders", channel=channel)
    driver.command("why the pool was exhausted", channel=channel)
    driver.command("action add the index P1 prevent", channel=channel)
    driver.command("resolve rolled back config 4812", channel=channel)

    result = postmortem(database_url, "INC-1")

    assert result.returncode == 0, result.stderr
    text = result.stdout
    for heading in (
        "# INC-1: Checkout errors",
        "## Summary",
        "## Impact",
        "## Metrics",
        "## Trigger",
        "## Root cause",
        "### 5 Whys",
        "## Contributing factors",
        "## What went well",
        "## What went wrong",
        "## Where we got lucky",
        "## Action items",
        "## Timeline",
    ):
        assert heading in text, heading
    assert "rolled back config 4812" in text
    assert "a missing index \\| on orders" in text
    assert "1. the pool was exhausted" in text
    assert "| P1 | prevent | add the index |" in text
    assert "| Resolved (MTTR) |" in text
    assert "40m" in text
    assert f"<@{COMMANDER}>" in text


def test_missing_sections_say_who_adds_them(driver, database_url):
    driver.declare("Checkout errors")

    result = postmortem(database_url, "INC-1")

    assert result.returncode == 0, result.stderr
    assert "_No root cause recorded: the incident commander" in result.stdout
    assert "`/incident cause <text>`" in result.stdout
    assert "_No action items:" in result.stdout


def test_unknown_incident_is_reported(driver, database_url):
    result = postmortem(database_url, "INC-99")

    assert result.returncode == 2
    assert "There is no incident INC-99." in result.stderr
