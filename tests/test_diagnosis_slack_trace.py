"""`/incident trace` through the bot's real endpoint, a fake Slack and a git repo."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import make_settings
from diagnosis_repos import POOL_FILE, POOL_MESSAGE_LINE, make_shop
from driver import COMMANDER, Driver

from bot.config import Investigation, Service, WarroomConfig
from bot.flows.trace import TOP_HITS
from bot.store.models import Incident


@pytest.fixture
def settings(fake_slack, database_url, tmp_path):
    shop = make_shop(tmp_path / "shop")
    config = WarroomConfig(
        services=(
            Service("checkout", repository=str(shop), paths=("services/checkout",)),
        ),
        investigation=Investigation(repository=str(shop)),
    )
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def start_impact(driver: Driver, incident: Incident, when: datetime) -> None:
    with driver.bot.app.runtime.sessions() as session:
        stored = session.get(Incident, incident.id)
        assert stored is not None
        stored.impact_started_at = when
        session.commit()


def test_trace_marks_recent_change(driver):
    incident = driver.declare("Checkout errors")
    start_impact(driver, incident, datetime(2026, 12, 4, 8, 0, tzinfo=UTC))

    reply = driver.command(
        "trace connection pool exhausted after 5 retries for user 'bob'",
        channel=incident.channel_id,
    )

    text = reply["text"]
    first = text.splitlines()[1]
    assert f"`{POOL_FILE}:{POOL_MESSAGE_LINE}` in `Pool.acquire`" in first
    assert "changed in the window" in first
    assert "(raised; checkout)" in first
    assert "Retry the pool five times" in text


def test_trace_long_list_shared_as_file(driver, fake_slack):
    incident = driver.declare("Checkout errors")

    reply = driver.command("trace stock", channel=incident.channel_id)

    assert "more." in reply["text"]
    assert "shared in this channel as trace.txt" in reply["text"]
    assert len(reply["text"].split("\n• ")) == TOP_HITS + 1
    (upload,) = fake_slack.calls_to("files.getUploadURLExternal")
    assert upload.args["filename"] == "trace.txt"


def test_trace_without_text_explains(driver):
    reply = driver.command("trace")

    assert "Give the error text" in reply["text"]
