"""Faults found by trying to break the lifecycle: each stays fixed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, severity_buttons

from bot.config import WarroomConfig
from bot.flows.archive import archive_due_channels
from bot.store.models import Incident

ANNOUNCE = "C0ANNOUNCE1"
OTHER = "U0BYSTANDR1"


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(
        announcement_channel=ANNOUNCE, archive_channel_after=timedelta(hours=1)
    )
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(OTHER, name="bystander", tz="UTC")
    fake_slack.add_channel(ANNOUNCE, name="incidents")
    return Driver(running_bot, fake_slack)


def stored_incidents(driver) -> list[Incident]:
    with driver.bot.app.runtime.sessions() as session:
        return session.query(Incident).all()


def test_private_incident_hidden_elsewhere(driver, running_bot):
    incident = driver.declare("Secret merger leak")
    with running_bot.app.runtime.sessions() as session, session.begin():
        session.get(Incident, incident.id).private = True

    shown = driver.command("show INC-1", user=OTHER)
    timeline = driver.command("timeline INC-1", user=OTHER)
    inside = driver.command("show INC-1", channel=incident.channel_id)

    assert "Secret" not in str(shown)
    assert "no incident INC-1 that you can see" in shown["text"]
    assert "Secret" not in str(timeline)
    assert "Secret merger leak" in str(inside["blocks"])


@pytest.mark.parametrize(
    "method", ["conversations.setTopic", "conversations.invite", "chat.postMessage"]
)
def test_declare_continues_after_step_fails(driver, fake_slack, method):
    fake_slack.fail(method, "internal_error")

    reply = driver.command("declare Checkout errors")

    assert "Declared" in reply["text"]
    incident = driver.latest_incident()
    fake_slack.wait_for(lambda: driver.incident(incident.id).severity_prompt_ts)
    fake_slack.wait_for(lambda: len(fake_slack.responses) >= 2)
    problems = [r["text"] for r in fake_slack.responses[1:]]
    assert any("internal_error" in text for text in problems)
    assert driver.incident(incident.id).severity_prompt_ts is not None


def test_channel_failure_declares_nothing(driver, fake_slack):
    fake_slack.fail("conversations.create", "internal_error")

    reply = driver.command("declare Checkout errors")

    assert "Could not create the incident channel" in reply["text"]
    assert "nothing was declared" in reply["text"]
    assert stored_incidents(driver) == []
    listing = driver.command("list")
    assert "No open incidents" in listing["text"]


def test_resolved_incident_ignores_severity_buttons(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    button = severity_buttons(fake_slack, channel, ts)[0]
    driver.command("resolve done", channel=channel)

    _, answer = driver.click(ts, channel, button, user=COMMANDER)

    assert "already made" in answer["text"]
    assert driver.incident(incident.id).severity is None
    assert severity_buttons(fake_slack, channel, ts) == []


def test_archive_retried_after_failure(driver, fake_slack, running_bot):
    incident = driver.declare("Checkout errors")
    driver.command("resolve done", channel=incident.channel_id)
    later = driver.incident(incident.id).resolved_at + timedelta(hours=2)
    fake_slack.fail("conversations.archive", "internal_error")
    runtime = running_bot.app.runtime

    first = archive_due_channels(runtime, later)
    second = archive_due_channels(runtime, later + timedelta(minutes=1))

    assert (first, second) == ([], [incident.id])
    assert fake_slack.channel(incident.channel_id)["is_archived"] is True


def test_notification_text_is_escaped(driver, fake_slack):
    incident = driver.declare("<!channel> DB down")

    driver.command("status identified <!here> failover", channel=incident.channel_id)

    for call in fake_slack.calls_to("chat.postMessage"):
        assert "<!channel>" not in call.args["text"]
        assert "<!here>" not in call.args["text"]


def test_milestone_accepts_at(driver):
    incident = driver.declare("Checkout errors")

    driver.command("mitigated at 00:00", channel=incident.channel_id)

    stored = driver.incident(incident.id)
    local = stored.mitigated_at.astimezone(stored.declared_at.tzinfo)
    assert (local.minute, local.second) == (0, 0)


@pytest.mark.parametrize("text", ["sev \u00b2", "at 0001-01-01 00:30 x"])
def test_odd_input_gets_clear_reply(driver, text):
    incident = driver.declare("Checkout errors")

    reply = driver.command(text, channel=incident.channel_id)

    assert "Sorry, something went wrong" not in reply["text"]


def test_acks_survive_slow_slack(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=200)

    with ThreadPoolExecutor(max_workers=80) as pool:
        sent = list(
            pool.map(
                lambda number: driver.post_command(
                    f"status identified update {number}", channel=incident.channel_id
                ),
                range(80),
            )
        )

    # Bolt responds 404 when a listener has not acknowledged within three seconds.
    assert [command.status for command in sent] == [200] * 80
    print(f"slowest acknowledgement: {max(c.seconds for c in sent):.2f} s")
    fake_slack.wait_for(lambda: len(driver.events(incident.id, "status")) == 80, 30)
