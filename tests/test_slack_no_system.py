"""Investigation commands when warroom.yaml does not say where the system lives."""

from __future__ import annotations

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver

from bot.config import WarroomConfig


@pytest.fixture
def docs(tmp_path):
    root = tmp_path / "docs-repo"
    root.mkdir()
    return root


@pytest.fixture
def settings(fake_slack, database_url, docs):
    return make_settings(
        fake_slack, database_url, config=WarroomConfig(), docs_repo=docs
    )


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


@pytest.mark.parametrize(
    "command",
    ["trace connection pool exhausted", "blast checkout"],
    ids=["trace", "blast"],
)
def test_no_system_configured_is_explained(driver, command):
    incident = driver.declare("Checkout errors")

    reply = driver.command(command, channel=incident.channel_id)

    assert "does not know where the system's code and manifests are" in reply["text"]


def test_runbooks_read_from_docs_repo_alone(driver, docs):
    runbook = docs / "docs" / "runbooks" / "checkout-pool-exhausted.md"
    runbook.parent.mkdir(parents=True)
    runbook.write_text("# Checkout pool exhausted\n\nRestart the pool.\n")
    incident = driver.declare("Checkout errors")
    driver.command("failure-mode pool exhausted", channel=incident.channel_id)

    reply = driver.command("runbooks", channel=incident.channel_id)

    assert reply["text"] == "Posted 1 matching runbook and 0 alert links for INC-1."
    posted = str(driver.fake.messages(incident.channel_id)[-1]["blocks"])
    assert "checkout-pool-exhausted.md" in posted
