"""Configured permissions, checked through signed requests to the running bot."""

from __future__ import annotations

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, severity_buttons

from bot.config import Responders, WarroomConfig
from bot.incidents.lifecycle import INVESTIGATING, RESOLVED
from bot.incidents.permissions import COMMANDER as COMMANDER_LEVEL
from bot.incidents.permissions import RESPONDERS, Permissions

RESPONDER = "U0RESPONDR1"
ONCALL = "U0ONCALL001"
SCRIBE = "U0SCRIBE001"
OTHER = "U0BYSTANDR1"
ONCALL_GROUP = "S0ONCALL001"


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(
        responders=Responders(users=(RESPONDER,), groups=(ONCALL_GROUP,)),
        permissions=Permissions(
            confirm_severity=COMMANDER_LEVEL,
            resolve=COMMANDER_LEVEL,
            reopen=COMMANDER_LEVEL,
            publish_postmortem=RESPONDERS,
        ),
    )
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(RESPONDER, name="sam.responder")
    fake_slack.add_user(ONCALL, name="oncall")
    fake_slack.add_user(SCRIBE, name="kim.scribe")
    fake_slack.add_user(OTHER, name="bystander")
    fake_slack.add_user_group(ONCALL_GROUP, [ONCALL])
    return Driver(running_bot, fake_slack)


def give_role(driver: Driver, channel: str, role: str, user: str, name: str) -> None:
    reply = driver.command(f"role {role} <@{user}|{name}>", channel=channel)
    assert reply is not None and "<@" in reply["text"], reply


def test_resolve_rejected_for_responder(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command(
        "resolve rolled back", channel=incident.channel_id, user=RESPONDER
    )

    text = reply["text"]
    assert text.startswith(f"Only the incident commander of INC-1 (<@{COMMANDER}>)")
    assert "may resolve the incident" in text
    assert "`permissions.resolve`" in text
    assert driver.incident(incident.id).status == INVESTIGATING
    assert driver.events(incident.id, "resolved") == []


def test_status_resolved_checks_permission(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command(
        "status resolved rolled back", channel=incident.channel_id, user=OTHER
    )

    assert "may resolve the incident" in reply["text"]
    assert driver.incident(incident.id).status == INVESTIGATING


def test_resolve_allowed_for_commander(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("resolve rolled back", channel=incident.channel_id)

    assert reply["text"] == "INC-1 is resolved."
    assert driver.incident(incident.id).status == RESOLVED


def test_commander_handover_moves_permission(driver):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    give_role(driver, channel, "commander", RESPONDER, "sam.responder")

    old = driver.command("resolve done", channel=channel, user=COMMANDER)
    new = driver.command("resolve done", channel=channel, user=RESPONDER)

    assert f"(<@{RESPONDER}>) may resolve" in old["text"]
    assert new["text"] == "INC-1 is resolved."
    (event,) = driver.events(incident.id, "resolved")
    assert event.actor_id == RESPONDER


def test_reopen_rejected_for_bystander(driver):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    driver.command("resolve rolled back", channel=channel)

    rejected = driver.command("reopen errors are back", channel=channel, user=OTHER)
    accepted = driver.command("reopen errors are back", channel=channel)

    assert "may reopen the incident" in rejected["text"]
    assert "`permissions.reopen`" in rejected["text"]
    assert "was reopened" in accepted["text"]
    assert len(driver.events(incident.id, "reopened")) == 1


def test_severity_confirm_commander_only(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    buttons = severity_buttons(fake_slack, channel, ts)

    _, rejected = driver.click(ts, channel, buttons[1], user=RESPONDER)
    assert "may confirm the severity" in rejected["text"]
    assert driver.incident(incident.id).severity is None

    _, accepted = driver.click(ts, channel, buttons[1], user=COMMANDER)
    assert "confirmed as SEV2" in accepted["text"]
    assert driver.incident(incident.id).severity == 2


def publish(driver: Driver, channel: str, user: str) -> str:
    reply = driver.command("postmortem publish anyway", channel=channel, user=user)
    assert reply is not None
    return str(reply["text"])


def test_publish_rejected_for_bystander(driver):
    incident = driver.declare("Checkout errors")
    driver.command("resolve rolled back", channel=incident.channel_id)

    text = publish(driver, incident.channel_id, OTHER)

    assert "people holding a role in it and the configured responders" in text
    assert "may publish the postmortem" in text
    assert driver.incident(incident.id).postmortem_published_at is None


@pytest.mark.parametrize(
    "user", [RESPONDER, ONCALL, SCRIBE], ids=["responder", "group-member", "scribe"]
)
def test_publish_allowed_for_responders(driver, user):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    give_role(driver, channel, "scribe", SCRIBE, "kim.scribe")
    driver.command("resolve rolled back", channel=channel)

    text = publish(driver, channel, user)

    assert text.startswith("Published the postmortem of INC-1")
    assert driver.incident(incident.id).postmortem_published_at is not None


def test_group_lookup_failure_rejects(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command("resolve rolled back", channel=incident.channel_id)
    fake_slack.fail("usergroups.users.list", "no_such_subteam")

    text = publish(driver, incident.channel_id, ONCALL)

    assert "may publish the postmortem" in text
    assert driver.incident(incident.id).postmortem_published_at is None
