"""`/incident timeline edit|delete`: corrections keep the original text."""

from __future__ import annotations

import json

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver

from bot.config import Responders, WarroomConfig
from bot.docs.postmortem import build_context
from bot.store.models import Incident, TimelineEvent

RESPONDER = "U0RESPONDR1"
OTHER = "U0BYSTANDR1"


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(responders=Responders(users=(RESPONDER,)))
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(RESPONDER, name="sam.responder")
    fake_slack.add_user(OTHER, name="bystander")
    return Driver(running_bot, fake_slack)


@pytest.fixture
def incident(driver) -> Incident:
    return driver.declare("Checkout errors")


def add_note(driver: Driver, incident: Incident, text: str, user: str) -> int:
    driver.command(f"note {text}", channel=incident.channel_id, user=user)
    notes = [e for e in driver.events(incident.id, "note") if e.text == text]
    assert len(notes) == 1
    return notes[0].id


def run(driver: Driver, incident: Incident, text: str, user: str = COMMANDER) -> str:
    reply = driver.command(text, channel=incident.channel_id, user=user)
    assert reply is not None
    return str(reply["text"])


def shown_timeline(driver: Driver, incident: Incident) -> str:
    reply = driver.command("timeline", channel=incident.channel_id)
    assert reply is not None
    return json.dumps(reply["blocks"], ensure_ascii=False)


def entry(driver: Driver, entry_id: int) -> TimelineEvent:
    with driver.bot.app.runtime.sessions() as session:
        event = session.get(TimelineEvent, entry_id)
        assert event is not None
        return event


def test_timeline_shows_entry_ids(driver, incident):
    entry_id = add_note(driver, incident, "restarted api-7", COMMANDER)

    text = shown_timeline(driver, incident)

    assert f"#{entry_id} · " in text
    (declared,) = driver.events(incident.id, "declared")
    assert f"#{declared.id} · " in text


def test_edit_own_note(driver, incident):
    entry_id = add_note(driver, incident, "restarted api-6", OTHER)

    reply = run(driver, incident, f"timeline edit {entry_id} restarted api-7", OTHER)

    assert reply.startswith(f"Edited entry #{entry_id} on the timeline of INC-1.")
    edited = entry(driver, entry_id)
    assert edited.text == "restarted api-7"
    assert edited.data["edited_by"] == OTHER
    (correction,) = driver.events(incident.id, "entry_edited")
    assert correction.actor_id == OTHER
    assert correction.data == {
        "entry": entry_id,
        "kind": "note",
        "previous": "restarted api-6",
    }
    text = shown_timeline(driver, incident)
    assert "restarted api-7 _(edited)_" in text
    assert f"edited entry #{entry_id} (note)" in text
    assert "restarted api-6" not in text


def test_delete_accepts_hash_id(driver, incident):
    entry_id = add_note(driver, incident, "paged the wrong team", COMMANDER)

    reply = run(driver, incident, f"timeline delete #{entry_id}")

    assert reply.startswith(f"Deleted entry #{entry_id}")
    deleted = entry(driver, entry_id)
    assert deleted.deleted is True
    assert deleted.text == "paged the wrong team"
    assert deleted.data["deleted_by"] == COMMANDER
    (correction,) = driver.events(incident.id, "entry_deleted")
    assert correction.data["previous"] == "paged the wrong team"
    text = shown_timeline(driver, incident)
    assert "paged the wrong team" not in text
    assert f"deleted entry #{entry_id} (note)" in text


def test_bystander_cannot_edit_others(driver, incident):
    entry_id = add_note(driver, incident, "rolled back 4812", COMMANDER)

    reply = run(driver, incident, f"timeline edit {entry_id} nothing happened", OTHER)

    assert "may edit or delete other people's timeline entries" in reply
    assert "`permissions.edit_timeline`" in reply
    assert entry(driver, entry_id).text == "rolled back 4812"
    assert driver.events(incident.id, "entry_edited") == []


def test_bystander_cannot_delete_others(driver, incident):
    entry_id = add_note(driver, incident, "rolled back 4812", COMMANDER)

    reply = run(driver, incident, f"timeline delete {entry_id}", OTHER)

    assert "may edit or delete" in reply
    assert entry(driver, entry_id).deleted is False


def test_responder_edits_others(driver, incident):
    entry_id = add_note(driver, incident, "rolled back 4812", OTHER)

    reply = run(
        driver, incident, f"timeline edit {entry_id} rolled back 4813", RESPONDER
    )

    assert reply.startswith("Edited entry")
    assert entry(driver, entry_id).text == "rolled back 4813"


def test_state_change_not_editable(driver, incident):
    (declared,) = driver.events(incident.id, "declared")

    reply = run(driver, incident, f"timeline delete {declared.id}")

    assert "records a change of the incident (declared)" in reply
    assert entry(driver, declared.id).deleted is False


def test_deleted_entry_cannot_change_again(driver, incident):
    entry_id = add_note(driver, incident, "typo", COMMANDER)
    run(driver, incident, f"timeline delete {entry_id}")

    again = run(driver, incident, f"timeline edit {entry_id} fixed")

    assert f"The timeline of INC-1 has no entry #{entry_id}." in again
    assert entry(driver, entry_id).text == "typo"


def test_entry_of_other_incident_not_found(driver, incident):
    other = driver.declare("Search is slow")
    entry_id = add_note(driver, other, "reindexed", COMMANDER)

    reply = run(driver, incident, f"timeline edit {entry_id} changed")

    assert f"The timeline of INC-1 has no entry #{entry_id}." in reply
    assert entry(driver, entry_id).text == "reindexed"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("timeline edit", "The entry id must be a number"),
        ("timeline edit 12", "Write the new text after the entry id."),
        ("timeline edit abc new text", "The entry id must be a number"),
        ("timeline delete 12 please", "`delete` takes only the entry id."),
        ("timeline delete 0", "The entry id must be a number"),
    ],
    ids=["no-id", "no-text", "word-id", "delete-extra", "zero-id"],
)
def test_bad_correction_rejected(driver, incident, command, expected):
    reply = run(driver, incident, command)

    assert expected in reply
    assert "/incident timeline edit <id> <text>" in reply


def test_correction_outside_incident_rejected(driver, incident):
    reply = driver.command("timeline delete 1", channel="C0GENERAL01")

    assert "works inside an incident channel" in reply["text"]


def test_postmortem_shows_current_text(driver, incident):
    channel = incident.channel_id
    driver.command("cause a missing index on orders", channel=channel)
    (cause,) = driver.events(incident.id, "cause")
    note_id = add_note(driver, incident, "restarted the wrong pod", COMMANDER)
    run(driver, incident, f"timeline edit {cause.id} a missing index on orders.id")
    run(driver, incident, f"timeline delete {note_id}")
    runtime = driver.bot.app.runtime

    with runtime.sessions() as session:
        stored = session.get(Incident, incident.id)
        context = build_context(session, stored, runtime.settings.config)

    assert context["cause"] == ["a missing index on orders.id"]
    texts = [row["text"] for row in context["timeline"]]
    assert "a missing index on orders.id" in texts
    assert "a missing index on orders" not in texts
    assert "restarted the wrong pod" not in texts
    kinds = {row["kind"] for row in context["timeline"]}
    assert "entry_edited" not in kinds
    assert "entry_deleted" not in kinds
