"""Probes of `/incident` subcommands with hostile arguments, through the endpoint."""

from __future__ import annotations

import pytest
from driver import COMMANDER, Driver

INTERNAL_ERROR = "something went wrong on warroom's side"


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def reply_text(reply: dict | None) -> str:
    assert reply is not None
    return str(reply["text"])


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("show INC-99999999999999999999999", id="show"),
        pytest.param("timeline INC-99999999999999999999999", id="timeline"),
    ],
)
def test_huge_incident_number_rejected(driver, command):
    incident = driver.declare("Checkout errors")

    text = reply_text(driver.command(command, channel=incident.channel_id))

    assert INTERNAL_ERROR not in text
    assert "no incident" in text.lower()


def test_number_past_int32_rejected(driver):
    incident = driver.declare("Checkout errors")

    text = reply_text(
        driver.command("show INC-2147483648", channel=incident.channel_id)
    )

    assert INTERNAL_ERROR not in text
    assert "no incident" in text.lower()


def test_report_huge_since_rejected(driver):
    incident = driver.declare("Checkout errors")

    text = reply_text(
        driver.command("report --since 999999999d", channel=incident.channel_id)
    )

    assert INTERNAL_ERROR not in text
    assert "more than" in text
