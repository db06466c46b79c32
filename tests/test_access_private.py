"""Private incidents: visible to their members only, and never announced."""

from __future__ import annotations

import json

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver
from slack_sdk import WebClient

from bot.config import WarroomConfig
from bot.flows.base import Actor
from bot.flows.declare import DeclareRequest, declare
from bot.store.models import Incident

ANNOUNCE = "C0ANNOUNCE1"
ELSEWHERE = "C0GENERAL01"
MEMBER = "U0MEMBER001"
SCRIBE = "U0SCRIBE001"
OTHER = "U0BYSTANDR1"


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(announcement_channel=ANNOUNCE)
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(MEMBER, name="mo.member")
    fake_slack.add_user(SCRIBE, name="kim.scribe")
    fake_slack.add_user(OTHER, name="bystander")
    fake_slack.add_channel(ANNOUNCE, name="incidents")
    fake_slack.add_channel(ELSEWHERE, name="general")
    return Driver(running_bot, fake_slack)


def declare_private(driver: Driver, title: str) -> Incident:
    """Declare through the flow, as the declare form does with *Private* ticked."""
    runtime = driver.bot.app.runtime
    actor = Actor(driver.fake.team_id, COMMANDER, ELSEWHERE)
    replies: list[str] = []
    incident_id = declare(
        runtime, actor, DeclareRequest(title=title, private=True), replies.append
    )
    assert replies and "Declared" in replies[0], replies
    return driver.incident(incident_id)


def invite(driver: Driver, channel: str, user: str) -> None:
    client = WebClient(token=driver.fake.token, base_url=driver.fake.url)
    client.conversations_invite(channel=channel, users=user)


def rendered(reply: dict | None) -> str:
    assert reply is not None
    return reply["text"] + json.dumps(reply.get("blocks", []), ensure_ascii=False)


@pytest.fixture
def incidents(driver) -> tuple[Incident, Incident]:
    """A public and a private incident; MEMBER is in the private one's channel."""
    public = driver.declare("Search is slow", channel=ELSEWHERE)
    private = declare_private(driver, "Credential leak in build logs")
    invite(driver, private.channel_id, MEMBER)
    driver.command(f"role scribe <@{SCRIBE}|kim.scribe>", channel=private.channel_id)
    return public, private


def test_private_incident_not_announced(driver, fake_slack, incidents):
    announced = [m["text"] for m in fake_slack.messages(ANNOUNCE)]

    assert len(announced) == 1
    assert "INC-1" in announced[0]
    assert "Search is slow" in announced[0]
    assert "INC-2" not in json.dumps(fake_slack.messages(ANNOUNCE))


def test_private_channel_created_private(driver, fake_slack, incidents):
    _, private = incidents

    assert fake_slack.channel(private.channel_id)["is_private"] is True


def test_list_hides_private_from_outsider(driver, incidents):
    text = rendered(driver.command("list", channel=ELSEWHERE, user=OTHER))

    assert "INC-1" in text
    assert "INC-2" not in text
    assert "Credential" not in text
    assert "private" not in text


@pytest.mark.parametrize(
    "user", [COMMANDER, MEMBER, SCRIBE], ids=["commander", "channel-member", "scribe"]
)
def test_list_shows_private_to_member(driver, incidents, user):
    text = rendered(driver.command("list", channel=ELSEWHERE, user=user))

    assert "INC-1" in text
    assert "INC-2" in text
    assert "Credential leak in build logs" in text
    assert "· private" in text


def test_scribe_is_not_channel_member(driver, fake_slack, incidents):
    _, private = incidents

    assert SCRIBE not in fake_slack.channel(private.channel_id)["members"]


@pytest.mark.parametrize("command", ["show INC-2", "timeline INC-2"])
def test_outsider_gets_not_found(driver, incidents, command):
    hidden = rendered(driver.command(command, channel=ELSEWHERE, user=OTHER))
    missing = rendered(
        driver.command(command.replace("2", "99"), channel=ELSEWHERE, user=OTHER)
    )

    assert "Credential" not in hidden
    assert "There is no incident INC-2 that you can see" in hidden
    assert hidden.replace("INC-2", "INC-n") == missing.replace("INC-99", "INC-n")


@pytest.mark.parametrize("user", [MEMBER, SCRIBE], ids=["channel-member", "scribe"])
@pytest.mark.parametrize("command", ["show INC-2", "timeline INC-2"])
def test_member_sees_private_elsewhere(driver, incidents, user, command):
    text = rendered(driver.command(command, channel=ELSEWHERE, user=user))

    assert "Credential leak in build logs" in text


def test_member_list_failure_hides_private(driver, fake_slack, incidents):
    _, private = incidents
    fake_slack.fail("conversations.members", "channel_not_found")

    text = rendered(driver.command("show INC-2", channel=ELSEWHERE, user=MEMBER))

    assert "Credential" not in text
    assert "no incident INC-2 that you can see" in text
    (call,) = fake_slack.calls_to("conversations.members")
    assert call.args["channel"] == private.channel_id


def test_private_status_not_broadcast(driver, fake_slack, incidents):
    _, private = incidents
    with driver.bot.app.runtime.sessions() as session, session.begin():
        session.get(Incident, private.id).severity = 1
    before = len(fake_slack.messages(ANNOUNCE))

    driver.command("status identified token rotated", channel=private.channel_id)
    driver.command("resolve rotated every token", channel=private.channel_id)

    assert len(fake_slack.messages(ANNOUNCE)) == before
