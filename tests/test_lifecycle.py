"""The incident lifecycle end to end: signed requests in, exact Slack calls out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, severity_buttons
from slack_sdk import WebClient

from bot.config import Responders, WarroomConfig
from bot.flows.archive import archive_due_channels
from bot.store.models import RoleAssignment

ANNOUNCE = "C0ANNOUNCE1"
RESPONDER = "U0RESPONDR1"
OTHER = "U0BYSTANDR1"
ONCALL = "U0ONCALL001"


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(
        announcement_channel=ANNOUNCE,
        archive_channel_after=timedelta(hours=1),
        responders=Responders(
            users=(RESPONDER, "oncall@example.com", "gone@example.com")
        ),
    )
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(RESPONDER, name="sam.responder", tz="UTC")
    fake_slack.add_user(OTHER, name="bystander", tz="UTC")
    fake_slack.add_user(ONCALL, name="oncall", email="oncall@example.com")
    fake_slack.add_channel(ANNOUNCE, name="incidents")
    return Driver(running_bot, fake_slack)


def today() -> str:
    return datetime.now(UTC).strftime("%Y%m%d")


def test_declare_opens_channel(driver, fake_slack):
    incident = driver.declare("Checkout errors for EU users")

    assert incident.number == 1
    (create,) = fake_slack.calls_to("conversations.create")
    assert create.args["name"] == f"inc-{today()}-checkout-errors-for-eu-users"
    assert incident.channel_id == fake_slack.channel(incident.channel_id)["id"]
    topic = fake_slack.calls_to("conversations.setTopic")[0].args["topic"]
    assert topic == "INC-1: Checkout errors for EU users"
    members = fake_slack.channel(incident.channel_id)["members"]
    assert COMMANDER in members
    assert RESPONDER in members
    fake_slack.wait_for(lambda: fake_slack.calls_to("pins.add"))
    pinned = fake_slack.calls_to("pins.add")[0].args["timestamp"]
    assert pinned == incident.summary_ts


def test_declare_stores_commander_and_event(driver):
    incident = driver.declare("Checkout errors")

    with driver.bot.app.runtime.sessions() as session:
        roles = session.query(RoleAssignment).filter_by(incident_id=incident.id).all()
    assert [(r.role, r.user_id) for r in roles] == [("commander", COMMANDER)]
    (declared,) = driver.events(incident.id, "declared")
    assert declared.text == "Checkout errors"
    assert declared.actor_id == COMMANDER
    assert incident.team_id == "T0FAKETEAM"


def test_declare_announces(driver, fake_slack):
    incident = driver.declare("Search is slow")

    fake_slack.wait_for(lambda: fake_slack.messages(ANNOUNCE))
    (announcement,) = fake_slack.messages(ANNOUNCE)
    assert "INC-1" in announcement["text"]
    assert "Search is slow" in announcement["text"]
    assert incident.channel_id in str(announcement["blocks"])


def test_taken_name_gets_suffix(driver, fake_slack):
    fake_slack.add_channel("C0OLDARCH01", name=f"inc-{today()}-db-down")
    client = WebClient(token=fake_slack.token, base_url=fake_slack.url)
    client.conversations_archive(channel="C0OLDARCH01")
    fake_slack.calls.clear()

    first = driver.declare("DB down")
    second = driver.declare("DB down")

    names = [call.args["name"] for call in fake_slack.calls_to("conversations.create")]
    base = f"inc-{today()}-db-down"
    assert names == [base, f"{base}-2", base, f"{base}-2", f"{base}-3"]
    assert first.number == 1
    assert second.number == 2
    assert first.channel_id != second.channel_id


def test_numbers_are_per_workspace(driver):
    first = driver.declare("One")
    second = driver.declare("Two")

    assert (first.number, second.number) == (1, 2)


def test_severity_confirmed_once(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    buttons = severity_buttons(fake_slack, channel, ts)
    assert [b["text"]["text"] for b in buttons] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    sev2 = buttons[1]

    status, answer = driver.click(ts, channel, sev2, user=COMMANDER)
    again_status, again = driver.click(ts, channel, buttons[0], user=COMMANDER)

    assert status == again_status == 200
    stored = driver.incident(incident.id)
    assert stored.severity == 2
    assert stored.severity_confirmed is True
    assert "confirmed as SEV2" in answer["text"]
    assert "already made" in again["text"]
    assert severity_buttons(fake_slack, channel, ts) == []
    (event,) = [e for e in driver.events(incident.id, "severity") if e.data.get("to")]
    assert event.actor_id == COMMANDER
    assert event.data["to"] == 2


def test_bystander_cannot_confirm(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    button = severity_buttons(fake_slack, channel, ts)[0]

    _, answer = driver.click(ts, channel, button, user=OTHER)

    assert "Only the incident commander" in answer["text"]
    assert driver.incident(incident.id).severity is None
    assert len(severity_buttons(fake_slack, channel, ts)) == 4


def test_responder_can_confirm(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    button = severity_buttons(fake_slack, channel, ts)[2]

    driver.click(ts, channel, button, user=RESPONDER)

    assert driver.incident(incident.id).severity == 3


def test_sev_command_proposes_with_reason(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    old_prompt = incident.severity_prompt_ts

    reply = driver.command("sev 1 all checkouts failing", channel=incident.channel_id)

    assert "SEV1 suggested" in reply["text"]
    stored = driver.incident(incident.id)
    assert stored.severity_prompt_ts != old_prompt
    buttons = severity_buttons(
        fake_slack, incident.channel_id, stored.severity_prompt_ts
    )
    assert buttons[0]["style"] == "primary"
    driver.click(
        stored.severity_prompt_ts, incident.channel_id, buttons[0], user=COMMANDER
    )
    confirmed = [e for e in driver.events(incident.id, "severity") if e.data.get("to")]
    assert confirmed[0].data["reason"] == "all checkouts failing"
    _, stale = driver.click(old_prompt, incident.channel_id, buttons[1], user=COMMANDER)
    assert "already made" in stale["text"]
    assert driver.incident(incident.id).severity == 1


def test_sev_command_rejects_bad_level(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("sev 7", channel=incident.channel_id)

    assert '"7" is not a severity level' in reply["text"]


def test_role_assigned_with_escaped_mention(driver, fake_slack):
    incident = driver.declare("Checkout errors")

    reply = driver.command(
        f"role scribe <@{RESPONDER}|sam.responder>", channel=incident.channel_id
    )

    assert f"<@{RESPONDER}> is scribe" in reply["text"]
    direct = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] == RESPONDER
    ]
    assert "scribe" in direct[0].args["text"]
    roles = driver.command("roles", channel=incident.channel_id)
    assert f"*scribe*: <@{RESPONDER}>" in roles["text"]


def test_role_by_plain_name(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("role commander @sam.responder", channel=incident.channel_id)

    assert f"<@{RESPONDER}> is commander (was <@{COMMANDER}>)" in reply["text"]


def test_role_unknown_name(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("role comms @nobody.here", channel=incident.channel_id)

    assert "No user named @nobody.here was found" in reply["text"]


def test_note_stored_exactly(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    text = (
        'Rolled back <b>v2</b> & *not* _the_ ~db~ 🚒 \u2018quotes\u2019 "x" '
        + "é" * 3900
    )

    reply = driver.command(f"note {text}", channel=incident.channel_id)

    assert reply["text"] == "Noted on the timeline."
    (note,) = driver.events(incident.id, "note")
    assert note.text == text
    timeline = driver.command("timeline", channel=incident.channel_id)
    shown = str(timeline["blocks"])
    assert "&lt;b&gt;v2&lt;/b&gt; &amp;" in shown


def test_at_uses_user_time_zone(driver, fake_slack):
    fake_slack.add_user("U0BRISBANE1", name="bne", tz="Australia/Brisbane")
    incident = driver.declare("Checkout errors")

    driver.command(
        "at 09:00 deploy started", channel=incident.channel_id, user="U0BRISBANE1"
    )

    (note,) = driver.events(incident.id, "note")
    zone = ZoneInfo("Australia/Brisbane")
    now = datetime.now(zone)
    expected = now.replace(hour=9, minute=0, second=0, microsecond=0)
    if expected > now + timedelta(minutes=5):
        expected -= timedelta(days=1)
    assert note.occurred_at == expected.astimezone(UTC)
    assert note.occurred_at.hour == 23
    assert note.text == "deploy started"


def test_at_rejects_bad_time(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("at 25:99 something", channel=incident.channel_id)

    assert "/incident at 14:05" in reply["text"]
    assert driver.events(incident.id, "note") == []


def test_milestones_set_instants(driver):
    incident = driver.declare("Checkout errors")

    driver.command("started 20 min ago", channel=incident.channel_id)
    driver.command("mitigated", channel=incident.channel_id)

    stored = driver.incident(incident.id)
    assert stored.impact_started_at < stored.declared_at
    assert stored.mitigated_at >= stored.declared_at
    assert len(driver.events(incident.id, "milestone")) == 2


def test_status_update_posts_and_broadcasts(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    buttons = severity_buttons(
        fake_slack, incident.channel_id, incident.severity_prompt_ts
    )
    driver.click(
        incident.severity_prompt_ts, incident.channel_id, buttons[1], user=COMMANDER
    )

    driver.command("status identified bad config push", channel=incident.channel_id)

    stored = driver.incident(incident.id)
    assert stored.status == "identified"
    in_channel = [m["text"] for m in fake_slack.messages(incident.channel_id)]
    assert any("is identified" in text for text in in_channel)
    announced = [m["text"] for m in fake_slack.messages(ANNOUNCE)]
    assert any("bad config push" in text for text in announced)
    summary_edits = [
        c
        for c in fake_slack.calls_to("chat.update")
        if c.args["ts"] == stored.summary_ts
    ]
    assert "identified" in summary_edits[-1].args["text"]


def test_status_rejects_unknown_word(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("status fixed it", channel=incident.channel_id)

    assert '"fixed" is not a status' in reply["text"]


def test_resolve_and_reopen(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command("started 30 min ago", channel=incident.channel_id)

    driver.command("resolve rolled back config 4812", channel=incident.channel_id)
    again = driver.command("resolve", channel=incident.channel_id)

    stored = driver.incident(incident.id)
    assert stored.status == "resolved"
    assert stored.resolution_summary == "rolled back config 4812"
    closing = [
        m for m in fake_slack.messages(incident.channel_id) if "resolved" in m["text"]
    ]
    assert "Time to resolve (MTTR): 30m" in str(closing[-1]["blocks"])
    assert "already resolved" in again["text"]

    driver.command("reopen errors are back", channel=incident.channel_id)

    reopened = driver.incident(incident.id)
    assert reopened.status == "investigating"
    assert reopened.resolved_at is None


def test_command_outside_incident_channel(driver):
    reply = driver.command("note hello", channel="C0FAKECHAN1")

    assert "works inside an incident channel" in reply["text"]


def test_list_and_show(driver):
    first = driver.declare("Checkout errors")
    driver.declare("Search slow")

    listing = driver.command("list")
    shown = driver.command("show INC-1")
    missing = driver.command("show INC-99")

    text = str(listing["blocks"])
    assert text.index("INC-2") < text.index("INC-1")
    assert "INC-1: Checkout errors" in shown["text"]
    assert "no incident INC-99" in missing["text"]
    assert first.number == 1


def test_responders_invited_by_email(driver, fake_slack):
    reply = driver.command("declare Checkout errors")

    incident = driver.latest_incident()
    fake_slack.wait_for(lambda: len(fake_slack.responses) >= 2)
    members = fake_slack.channel(incident.channel_id)["members"]
    assert ONCALL in members
    texts = [r["text"] for r in fake_slack.responses]
    assert "Declared" in reply["text"]
    assert any("No Slack user has the address gone@example.com" in t for t in texts)


def test_responder_by_email_can_confirm(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    button = severity_buttons(fake_slack, channel, ts)[3]

    driver.click(ts, channel, button, user=ONCALL)

    assert driver.incident(incident.id).severity == 4


def test_channel_archived_after_delay(driver, fake_slack, running_bot):
    runtime = running_bot.app.runtime
    incident = driver.declare("Checkout errors")
    driver.command("resolve fixed", channel=incident.channel_id)
    resolved_at = driver.incident(incident.id).resolved_at

    too_early = archive_due_channels(runtime, resolved_at + timedelta(minutes=59))
    archived = archive_due_channels(runtime, resolved_at + timedelta(hours=2))
    again = archive_due_channels(runtime, resolved_at + timedelta(hours=3))

    assert too_early == []
    assert archived == [incident.id]
    assert again == []
    assert fake_slack.channel(incident.channel_id)["is_archived"] is True
    assert len(fake_slack.calls_to("conversations.archive")) == 1
