"""Edge cases of the incident lifecycle, end to end on SQLite and PostgreSQL.

Covered here: the declare form, pinning messages by reaction, redelivered events,
concurrent commands, a rate-limited or failing Slack, and long or awkward text. Each
test sends signed requests to the bot's HTTP endpoint and checks both the stored rows
and the Web API calls the fake Slack received.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from driver import (
    COMMANDER,
    Driver,
    ListenerRuns,
    SentCommand,
    event_body,
    view_submission,
)
from fakeslack import Call, FakeSlack
from fakeslack_workspace import flag

from bot.config import Responders, WarroomConfig
from bot.store.models import Incident, SlackDelivery

ANNOUNCE = "C0ANNOUNCE1"
ORIGIN = "C0FAKECHAN1"
RESPONDER = "U0RESPONDR1"
OTHER = "U0BYSTANDR1"
PIN = "pushpin"

_event_ids = itertools.count(1)


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(
        announcement_channel=ANNOUNCE,
        responders=Responders(users=(RESPONDER,)),
    )
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def listeners(running_bot):
    return ListenerRuns(running_bot.app.executor, running_bot.app.work)


@pytest.fixture
def driver(running_bot, fake_slack, listeners):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(RESPONDER, name="sam.responder", tz="UTC")
    fake_slack.add_user(OTHER, name="bystander", tz="UTC")
    fake_slack.add_channel(ANNOUNCE, name="incidents")
    return Driver(running_bot, fake_slack)


@pytest.fixture
def team_url(shared_dir: Path) -> str:
    """Return the workspace URL the fake's auth.test and permalinks use."""
    recorded = shared_dir / "slack" / "responses" / "auth.test.ok.json"
    url = json.loads(recorded.read_text(encoding="utf-8"))["url"]
    return str(url).rstrip("/")


# ---- helpers -------------------------------------------------------------------------


def today() -> str:
    return datetime.now(UTC).strftime("%Y%m%d")


def declared(driver: Driver, listeners: ListenerRuns, title: str) -> Incident:
    """Declare an incident and wait until its channel setup has made every call."""
    incident = driver.declare(title)
    listeners.wait()
    return driver.incident(incident.id)


def calls_after(fake: FakeSlack, start: int) -> list[Call]:
    """Return the Web API calls made since `start`, except the bot's auth.test.

    The bot's authorizer calls auth.test in the background after the first request,
    so that call can land in any test's window.
    """
    return [call for call in fake.calls[start:] if call.method != "auth.test"]


def methods(calls: list[Call]) -> list[str]:
    return [call.method for call in calls]


def reaction(
    kind: str, channel: str, ts: str, *, emoji: str = PIN, user: str = OTHER
) -> dict[str, Any]:
    return {
        "type": kind,
        "user": user,
        "reaction": emoji,
        "item_user": RESPONDER,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def new_event_id() -> str:
    return f"Ev0EDGE{next(_event_ids):05d}"


def deliver(driver: Driver, listeners: ListenerRuns, event: dict[str, Any]) -> None:
    """Post an event with a fresh event_id and wait for its listener to finish."""
    status = driver.post_event(event_body(event, event_id=new_event_id()))
    assert status == 200
    listeners.wait()


def ts_instant(ts: str) -> datetime:
    """Convert a Slack message ts such as "1717171717.000200" to a UTC instant."""
    seconds, micros = ts.split(".")
    epoch = datetime.fromtimestamp(int(seconds), UTC)
    return epoch + timedelta(microseconds=int(micros))


def rendered_timeline(driver: Driver, channel: str) -> str:
    reply = driver.command("timeline", channel=channel)
    assert reply is not None
    return json.dumps(reply["blocks"], ensure_ascii=False)


def delivery_keys(driver: Driver) -> list[str]:
    with driver.bot.app.runtime.sessions() as session:
        rows = session.query(SlackDelivery).all()
    return [row.delivery_key for row in rows]


# ---- the declare form ----------------------------------------------------------------


def open_declare_form(
    driver: Driver, listeners: ListenerRuns
) -> tuple[SentCommand, dict[str, Any]]:
    sent = driver.post_command("declare", channel=ORIGIN)
    assert sent.status == 200
    listeners.wait()
    (opened,) = driver.fake.calls_to("views.open")
    return sent, opened.json_arg("view")


def form_values(
    view: dict[str, Any],
    title: str | None,
    *,
    description: str | None = None,
    severity: str | None = None,
    services: str | None = None,
    private: bool = False,
) -> dict[str, dict[str, Any]]:
    """Return the state Slack reports for the declare form filled in this way."""
    blocks = {block["block_id"]: block for block in view["blocks"]}
    severity_option = None
    if severity is not None:
        options = blocks["severity"]["element"]["options"]
        (severity_option,) = [o for o in options if o["value"] == severity]
    private_options = blocks["private"]["element"]["options"] if private else []
    return {
        "title": {"type": "plain_text_input", "value": title},
        "description": {"type": "plain_text_input", "value": description},
        "severity": {"type": "static_select", "selected_option": severity_option},
        "services": {"type": "plain_text_input", "value": services},
        "private": {"type": "checkboxes", "selected_options": private_options},
    }


def test_declare_without_title_opens_form(driver, listeners, fake_slack):
    start = len(fake_slack.calls)

    sent, view = open_declare_form(driver, listeners)

    assert methods(calls_after(fake_slack, start)) == ["views.open"]
    (opened,) = fake_slack.calls_to("views.open")
    assert opened.args["trigger_id"] == sent.trigger_id
    assert view["type"] == "modal"
    assert view["callback_id"] == "declare_incident"
    assert view["private_metadata"] == ORIGIN
    block_ids = [block["block_id"] for block in view["blocks"]]
    assert block_ids == ["title", "description", "severity", "services", "private"]
    assert driver.reply_to(sent.reply_name) is None
    with driver.bot.app.runtime.sessions() as session:
        assert session.query(Incident).count() == 0


def test_form_submission_declares_incident(driver, listeners, fake_slack):
    _, view = open_declare_form(driver, listeners)
    values = form_values(
        view,
        "Payments failing",
        description="Card authorisations fail.\nSince 14:00 UTC.",
        severity="2",
        services="checkout, payments",
    )
    start = len(fake_slack.calls)

    status, response = driver.submit(view_submission(view, values))
    listeners.wait()

    assert status == 200
    assert response is None
    incident = driver.latest_incident()
    assert incident.title == "Payments failing"
    assert incident.description == "Card authorisations fail.\nSince 14:00 UTC."
    assert incident.severity == 2
    assert incident.severity_confirmed is False
    assert incident.services == ["checkout", "payments"]
    assert incident.private is False
    assert incident.declared_by == COMMANDER
    (event,) = driver.events(incident.id, "declared")
    assert event.data == {
        "severity": 2,
        "private": False,
        "services": ["checkout", "payments"],
    }
    calls = calls_after(fake_slack, start)
    assert methods(calls) == [
        "conversations.create",
        "chat.postEphemeral",
        "conversations.setTopic",
        "conversations.setPurpose",
        "conversations.invite",
        "chat.postMessage",
        "pins.add",
        "chat.postMessage",
        "chat.postMessage",
    ]
    create, ephemeral = calls[0], calls[1]
    assert create.args["name"] == f"inc-{today()}-payments-failing"
    assert not flag(create.args, "is_private")
    assert ephemeral.args["channel"] == ORIGIN
    assert ephemeral.args["user"] == COMMANDER
    assert f"Declared *INC-1* in <#{incident.channel_id}>" in ephemeral.args["text"]
    assert calls[-1].args["channel"] == ANNOUNCE
    assert "Payments failing" in calls[-1].args["text"]


def test_private_form_hides_title(driver, listeners, fake_slack):
    _, view = open_declare_form(driver, listeners)
    values = form_values(view, "Credential leak in build logs", private=True)

    status, _ = driver.submit(view_submission(view, values))
    listeners.wait()

    assert status == 200
    incident = driver.latest_incident()
    assert incident.private is True
    (create,) = fake_slack.calls_to("conversations.create")
    assert flag(create.args, "is_private")
    assert fake_slack.channel(incident.channel_id)["is_private"] is True
    assert fake_slack.messages(ANNOUNCE) == []


def test_form_without_title_returns_errors(driver, listeners, fake_slack):
    _, view = open_declare_form(driver, listeners)
    start = len(fake_slack.calls)

    status, response = driver.submit(view_submission(view, form_values(view, "   ")))
    listeners.wait()

    assert status == 200
    assert response is not None
    assert response["response_action"] == "errors"
    assert list(response["errors"]) == ["title"]
    assert response["errors"]["title"]
    assert calls_after(fake_slack, start) == []
    with driver.bot.app.runtime.sessions() as session:
        assert session.query(Incident).count() == 0


def test_form_submitted_twice_declares_once(driver, listeners, fake_slack):
    _, view = open_declare_form(driver, listeners)
    payload = view_submission(view, form_values(view, "Search is slow"))

    first_status, _ = driver.submit(payload)
    listeners.wait()
    second_status, second_response = driver.submit(payload)
    listeners.wait()

    assert first_status == 200
    assert second_status == 200
    assert second_response is None
    with driver.bot.app.runtime.sessions() as session:
        assert session.query(Incident).count() == 1
    assert len(fake_slack.calls_to("conversations.create")) == 1
    assert len(fake_slack.calls_to("chat.postEphemeral")) == 1


def test_corrected_form_declares(driver, listeners, fake_slack):
    # NOTE: this assumes that Slack sends the same view hash again when a submission
    # rejected with response_action "errors" is corrected, which is unverified.
    _, view = open_declare_form(driver, listeners)
    rejected = view_submission(view, form_values(view, ""))
    corrected = view_submission(view, form_values(view, "Search is slow"))

    _, first_response = driver.submit(rejected)
    status, response = driver.submit(corrected)
    listeners.wait()

    assert first_response is not None
    assert first_response["response_action"] == "errors"
    assert status == 200
    assert response is None
    assert len(fake_slack.calls_to("conversations.create")) == 1
    assert driver.latest_incident().title == "Search is slow"


# ---- pinning messages by reaction ----------------------------------------------------


def test_pushpin_records_message(driver, listeners, fake_slack, team_url):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="p99 is 4 s on api-7", user=RESPONDER)
    start = len(fake_slack.calls)

    deliver(driver, listeners, reaction("reaction_added", channel, ts))

    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.text == "p99 is 4 s on api-7"
    assert pinned.actor_id == RESPONDER
    assert pinned.occurred_at == ts_instant(ts)
    permalink = f"{team_url}/archives/{channel}/p{ts.replace('.', '')}"
    assert pinned.data == {"permalink": permalink, "pinned_by": OTHER, "ts": ts}
    assert pinned.deleted is False
    history, link = calls_after(fake_slack, start)
    assert history.method == "conversations.history"
    assert history.args["channel"] == channel
    assert history.args["oldest"] == ts
    assert history.args["latest"] == ts
    assert flag(history.args, "inclusive")
    assert link.method == "chat.getPermalink"
    assert link.args == {"channel": channel, "message_ts": ts}
    assert "p99 is 4 s on api-7" in rendered_timeline(driver, channel)


def test_pushpin_twice_records_once(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="rolled back 4812", user=RESPONDER)
    deliver(driver, listeners, reaction("reaction_added", channel, ts))
    start = len(fake_slack.calls)

    deliver(driver, listeners, reaction("reaction_added", channel, ts))
    deliver(driver, listeners, reaction("reaction_added", channel, ts, user=COMMANDER))

    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.data["pinned_by"] == OTHER
    assert calls_after(fake_slack, start) == []


def test_reaction_removed_hides_pin(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="restarted api-7", user=RESPONDER)
    deliver(driver, listeners, reaction("reaction_added", channel, ts))
    start = len(fake_slack.calls)

    deliver(driver, listeners, reaction("reaction_removed", channel, ts))

    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.deleted is True
    assert [call.method for call in calls_after(fake_slack, start)] == ["reactions.get"]
    assert "restarted api-7" not in rendered_timeline(driver, channel)


def test_pin_kept_while_others_react(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="restarted api-7", user=RESPONDER)
    deliver(driver, listeners, reaction("reaction_added", channel, ts))
    deliver(driver, listeners, reaction("reaction_added", channel, ts, user=COMMANDER))
    fake_slack.set_reactions(channel, ts, "pushpin", [COMMANDER])

    deliver(driver, listeners, reaction("reaction_removed", channel, ts))

    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.deleted is False
    fake_slack.set_reactions(channel, ts, "pushpin", [])
    deliver(
        driver, listeners, reaction("reaction_removed", channel, ts, user=COMMANDER)
    )
    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.deleted is True


def test_pin_restored_after_removal(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="restarted api-7", user=RESPONDER)
    deliver(driver, listeners, reaction("reaction_added", channel, ts))
    deliver(driver, listeners, reaction("reaction_removed", channel, ts))

    deliver(driver, listeners, reaction("reaction_added", channel, ts))

    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.deleted is False
    assert "restarted api-7" in rendered_timeline(driver, channel)


def test_thread_reply_can_be_pinned(driver, listeners, fake_slack, team_url):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    parent = fake_slack.add_message(channel, text="what changed?", user=COMMANDER)
    reply = fake_slack.add_message(
        channel, text="config push 4812 at 13:58", user=RESPONDER, thread_ts=parent
    )
    start = len(fake_slack.calls)

    deliver(driver, listeners, reaction("reaction_added", channel, reply))

    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.text == "config push 4812 at 13:58"
    assert pinned.actor_id == RESPONDER
    assert pinned.occurred_at == ts_instant(reply)
    assert pinned.data["ts"] == reply
    permalink = f"{team_url}/archives/{channel}/p{reply.replace('.', '')}"
    assert pinned.data["permalink"] == permalink
    calls = calls_after(fake_slack, start)
    assert methods(calls) == [
        "conversations.history",
        "conversations.replies",
        "chat.getPermalink",
    ]
    assert calls[1].args["channel"] == channel
    assert calls[1].args["ts"] == reply


def test_other_emoji_ignored(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="looking", user=RESPONDER)
    start = len(fake_slack.calls)

    deliver(driver, listeners, reaction("reaction_added", channel, ts, emoji="eyes"))

    assert driver.events(incident.id, "pinned") == []
    assert calls_after(fake_slack, start) == []


def test_reaction_outside_incident_ignored(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    ts = fake_slack.add_message(ORIGIN, text="unrelated chatter", user=RESPONDER)
    start = len(fake_slack.calls)

    deliver(driver, listeners, reaction("reaction_added", ORIGIN, ts))

    assert driver.events(incident.id, "pinned") == []
    assert calls_after(fake_slack, start) == []


# ---- redelivered events --------------------------------------------------------------


def test_redelivered_event_has_effect_once(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="rolled back 4812", user=RESPONDER)
    body = event_body(reaction("reaction_added", channel, ts), event_id="Ev0REDELIVER")
    start = len(fake_slack.calls)

    first = driver.post_event(body)
    listeners.wait()
    second = driver.post_event(body, retry=1)
    listeners.wait()

    assert first == 200
    assert second == 200
    assert len(driver.events(incident.id, "pinned")) == 1
    assert methods(calls_after(fake_slack, start)) == [
        "conversations.history",
        "chat.getPermalink",
    ]
    assert delivery_keys(driver).count("event:Ev0REDELIVER") == 1


def test_late_redelivery_changes_nothing(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    ts = fake_slack.add_message(channel, text="rolled back 4812", user=RESPONDER)
    removal = event_body(
        reaction("reaction_removed", channel, ts), event_id="Ev0REMOVAL1"
    )
    deliver(driver, listeners, reaction("reaction_added", channel, ts))
    assert driver.post_event(removal) == 200
    listeners.wait()
    deliver(driver, listeners, reaction("reaction_added", channel, ts))

    status = driver.post_event(removal, retry=1)
    listeners.wait()

    assert status == 200
    (pinned,) = driver.events(incident.id, "pinned")
    assert pinned.deleted is False


# ---- concurrent commands -------------------------------------------------------------


def test_twenty_notes_at_once(driver, listeners, fake_slack, request):
    incident = declared(driver, listeners, "Checkout errors")
    count = 20
    barrier = threading.Barrier(count, timeout=10)
    start = len(fake_slack.calls)

    def send(number: int) -> SentCommand:
        barrier.wait()
        return driver.post_command(
            f"note parallel note {number}", channel=incident.channel_id
        )

    with ThreadPoolExecutor(max_workers=count) as pool:
        sent = list(pool.map(send, range(count)))
    slowest = max(command.seconds for command in sent)
    print(f"slowest HTTP response of {count} concurrent commands: {slowest:.3f} s")

    assert [command.status for command in sent] == [200] * count
    for command in sent:
        name = command.reply_name
        fake_slack.wait_for(lambda name=name: driver.reply_to(name), timeout=20)
    replies = [driver.reply_to(command.reply_name) for command in sent]
    assert [reply["text"] for reply in replies] == ["Noted on the timeline."] * count
    notes = sorted(note.text for note in driver.events(incident.id, "note"))
    assert notes == sorted(f"parallel note {number}" for number in range(count))
    listeners.wait()
    assert calls_after(fake_slack, start) == []


# ---- a slow or failing Slack ---------------------------------------------------------


def test_status_waits_out_rate_limit(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    fake_slack.rate_limit("chat.postMessage", retry_after=1, times=2)
    start = len(fake_slack.calls)

    sent = driver.post_command("status identified bad config push", channel=channel)

    assert sent.status == 200
    # The post succeeds only after two Retry-After waits of at least 1 s each, so a
    # response within 2 s shows that the command did not wait for Slack.
    assert sent.seconds < 2.0
    fake_slack.wait_for(lambda: driver.reply_to(sent.reply_name), timeout=20)
    assert driver.reply_to(sent.reply_name)["text"] == "Status update posted."
    (event,) = driver.events(incident.id, "status")
    assert event.text == "identified: bad config push"
    assert driver.incident(incident.id).status == "identified"
    posts = [
        c for c in calls_after(fake_slack, start) if c.method == "chat.postMessage"
    ]
    assert [post.args["channel"] for post in posts] == [channel] * 3
    posted = [m["text"] for m in fake_slack.messages(channel)]
    assert any("is identified: bad config push" in text for text in posted)


CHANNEL_ERRORS = [
    pytest.param("is_archived", "is archived", id="is_archived"),
    pytest.param("channel_not_found", "cannot see the channel", id="channel_not_found"),
    pytest.param("not_in_channel", "is not a member of", id="not_in_channel"),
]


@pytest.mark.parametrize(("code", "phrase"), CHANNEL_ERRORS)
def test_status_post_error_explained(driver, listeners, fake_slack, code, phrase):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    fake_slack.fail("chat.postMessage", code)

    reply = driver.command("status identified bad config push", channel=channel)

    assert phrase in reply["text"]
    assert channel in reply["text"]
    assert "something went wrong" not in reply["text"]
    (event,) = driver.events(incident.id, "status")
    assert event.text == "identified: bad config push"
    assert driver.incident(incident.id).status == "identified"
    (failed,) = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if "identified" in c.args["text"]
    ]
    assert failed.args["channel"] == channel


def test_invite_already_in_channel_accepted(driver, listeners, fake_slack, caplog):
    fake_slack.fail("conversations.invite", "already_in_channel")

    incident = declared(driver, listeners, "Checkout errors")

    (invite,) = fake_slack.calls_to("conversations.invite")
    assert invite.args["channel"] == incident.channel_id
    assert invite.args["users"] == ",".join(sorted([COMMANDER, RESPONDER]))
    assert incident.summary_ts is not None
    assert incident.severity_prompt_ts is not None
    assert len(fake_slack.messages(ANNOUNCE)) == 1
    # The client logs every failed call, so its warning about the invite is expected.
    problems = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.name != "bot.slack.client"
    ]
    assert problems == []


# ---- long and awkward text -----------------------------------------------------------

AWKWARD = (
    "Rolled back <b>v2</b> & *not* _the_ ~db~ `SELECT 1` <!here> <@U0RESPONDR1> "
    "&amp; &lt; > 🚒 👩🏽‍🚒 🇩🇪 ❤️ \u2018single\u2019 \u201cdouble\u201d 'a' \"b\" "
    "«c» שלום, השרת הופעל מחדש \u200f مرحبا، تم إعادة التشغيل \u202eabc\u202c\n"
)


def awkward_note(length: int = 4000, marker: str = "") -> str:
    """Return `length` characters of awkward text without whitespace at either end.

    The command parser strips that whitespace, so the note would not be stored as sent.
    """
    text = marker + AWKWARD * (length // len(AWKWARD) + 1)
    text = text[: length - 1] + "."
    assert len(text) == length
    return text


def test_long_awkward_note_stored_exactly(driver, listeners):
    incident = declared(driver, listeners, "Checkout errors")
    text = awkward_note()

    reply = driver.command(f"note {as_slack_sends(text)}", channel=incident.channel_id)

    assert reply["text"] == "Noted on the timeline."
    (note,) = driver.events(incident.id, "note")
    assert note.text == text


def as_slack_sends(text: str) -> str:
    """Escape &, < and > as Slack does in command text, keeping its mention tokens."""
    parts = re.split(r"(<[@#!][^<>]*>)", text)
    return "".join(
        part
        if index % 2
        else part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for index, part in enumerate(parts)
    )


def test_timeline_of_awkward_notes_accepted(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    for number in range(5):
        driver.command(f"note {awkward_note(marker=f'#{number} ')}", channel=channel)

    reply = driver.command("timeline", channel=channel)

    assert fake_slack.violations == []
    blocks = reply["blocks"]
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    rendered = json.dumps(blocks, ensure_ascii=False)
    for number in range(5):
        assert f"#{number} Rolled back &lt;b&gt;v2&lt;/b&gt; &amp; *not*" in rendered
    assert "&lt;!here&gt;" in rendered
    assert "<!here>" not in rendered
    assert "שלום" in rendered
    assert "👩🏽‍🚒" in rendered


def test_note_sent_escaped_stored_as_typed(driver, listeners):
    incident = declared(driver, listeners, "Checkout errors")
    typed = "p99 < 200 ms & errors > 5% for <b>EU</b>"
    # Slack sends "&", "<" and ">" in slash command text as HTML entities.
    sent = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    driver.command(f"note {sent}", channel=incident.channel_id)

    (note,) = driver.events(incident.id, "note")
    assert note.text == typed


def test_pinned_escaped_text_shown_once_escaped(driver, listeners, fake_slack):
    incident = declared(driver, listeners, "Checkout errors")
    channel = incident.channel_id
    # Message text as Slack stores and returns it, for "p99 > 2 s & rising".
    ts = fake_slack.add_message(channel, text="p99 &gt; 2 s &amp; rising", user=OTHER)
    deliver(driver, listeners, reaction("reaction_added", channel, ts))

    rendered = rendered_timeline(driver, channel)

    assert "p99 &gt; 2 s &amp; rising" in rendered
    assert "&amp;gt;" not in rendered


def test_long_title_fits_slack_limits(driver, listeners, fake_slack):
    title = ("Checkout errors for EU users after config push 4812 " * 7)[:299] + "!"
    assert len(title) == 300

    incident = declared(driver, listeners, title)

    assert incident.title == title
    (create,) = fake_slack.calls_to("conversations.create")
    name = create.args["name"]
    assert len(name) <= 80
    assert re.fullmatch(r"[a-z0-9_-]+", name)
    assert name.startswith(f"inc-{today()}-checkout-errors-for-eu-users")
    (topic,) = fake_slack.calls_to("conversations.setTopic")
    assert len(topic.args["topic"]) <= 250
    headers = [
        block["text"]["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        for block in call.json_arg("blocks") or []
        if block["type"] == "header"
    ]
    assert headers
    assert all(len(header) <= 150 for header in headers)
    assert headers[0].startswith("INC-1: Checkout errors for EU users")
    timeline = driver.command("timeline", channel=incident.channel_id)
    (timeline_header,) = [b for b in timeline["blocks"] if b["type"] == "header"]
    assert len(timeline_header["text"]["text"]) <= 150
