"""Action items end to end, and their reminders with a controlled clock."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, view_submission

from bot.app import create_app
from bot.config import WarroomConfig
from bot.reminders.digest import next_monday_morning
from bot.reminders.runner import tick
from bot.store.db import make_session_factory, transaction
from bot.store.models import (
    ActionItem,
    Incident,
    Reminder,
    TimelineEvent,
    Workspace,
)
from bot.store.reminders import claim_due, plan

OWNER = "U0OWNER0001"
FAR_OWNER = "U0AUCKLAND1"


@pytest.fixture
def settings(fake_slack, database_url):
    config = WarroomConfig(
        action_due_days=(("P0", 1), ("P1", 7), ("P2", 3), ("P3", 28))
    )
    return make_settings(fake_slack, database_url, config=config)


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(OWNER, name="sam.owner", tz="America/Los_Angeles")
    fake_slack.add_user(FAR_OWNER, name="kiri", tz="Pacific/Auckland")
    return Driver(running_bot, fake_slack)


def items(driver) -> list[ActionItem]:
    with driver.bot.app.runtime.sessions() as session:
        return session.query(ActionItem).order_by(ActionItem.id).all()


def reminders(driver) -> list[Reminder]:
    with driver.bot.app.runtime.sessions() as session:
        return session.query(Reminder).order_by(Reminder.id).all()


def direct_messages(fake_slack, user: str) -> list[str]:
    return [
        call.args["text"]
        for call in fake_slack.calls_to("chat.postMessage")
        if call.args["channel"] == user
    ]


def in_days(days: int) -> date:
    return datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days=days)


def test_action_stored_with_options(driver):
    incident = driver.declare("Checkout errors")
    due = in_days(10)

    reply = driver.command(
        f"action add an index on orders <@{OWNER}|sam> due {due} P1 prevent",
        channel=incident.channel_id,
    )

    (item,) = items(driver)
    assert item.text == "add an index on orders"
    assert item.owner_id == OWNER
    assert item.due_on == due
    assert item.priority == "P1"
    assert item.category == "prevent"
    assert f"Added action #{item.id}" in reply["text"]
    with driver.bot.app.runtime.sessions() as session:
        events = session.query(TimelineEvent).filter_by(kind="action").all()
    assert [e.text for e in events] == [f"added action #{item.id}: {item.text}"]


def test_reminders_planned_in_owner_zone(driver):
    incident = driver.declare("Checkout errors")
    due = in_days(10)

    driver.command(
        f"action rotate keys <@{OWNER}> due {due}", channel=incident.channel_id
    )

    kinds = {r.kind: r for r in reminders(driver)}
    assert set(kinds) == {"action_assigned", "action_due"}
    local = kinds["action_due"].due_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.date(), local.hour, local.minute) == (due, 9, 0)


def test_default_due_by_priority(driver):
    incident = driver.declare("Checkout errors")

    driver.command("action page the db team P0", channel=incident.channel_id)

    (item,) = items(driver)
    assert item.owner_id == COMMANDER
    berlin_today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    assert item.due_on == berlin_today + timedelta(days=1)


def test_actions_listed_by_priority(driver):
    incident = driver.declare("Checkout errors")
    driver.command("action write runbook P2", channel=incident.channel_id)
    driver.command("action fix alert P0", channel=incident.channel_id)

    reply = driver.command("actions", channel=incident.channel_id)

    text = str(reply["blocks"])
    assert text.index("fix alert") < text.index("write runbook")
    assert "action_item_done" in text
    assert "action_item_reassign" in text


def test_bad_action_input_is_explained(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("action fix it due someday", channel=incident.channel_id)

    assert items(driver) == []
    assert "someday" in reply["text"]


def click_item(driver, item, action_id, *, user=COMMANDER, selected=None):
    action = {"action_id": action_id, "block_id": f"action_item_{item.id}"}
    if selected is None:
        action["value"] = str(item.id)
    else:
        action["selected_user"] = selected
        action["type"] = "users_select"
    return driver.click("1717171717.000100", "D0FAKEDM001", action, user=user)


def test_done_cancels_reminders(driver):
    incident = driver.declare("Checkout errors")
    driver.command(f"action rotate keys <@{OWNER}>", channel=incident.channel_id)
    (item,) = items(driver)

    _, answer = click_item(driver, item, "action_item_done")
    _, again = click_item(driver, item, "action_item_done")

    assert items(driver)[0].status == "done"
    assert "Completed action" in answer["text"]
    assert "already done" in again["text"]
    pending = [r for r in reminders(driver) if r.sent_at is None and not r.cancelled]
    assert pending == []


def test_snooze_and_reassign(driver):
    incident = driver.declare("Checkout errors")
    driver.command(f"action rotate keys <@{OWNER}>", channel=incident.channel_id)
    (item,) = items(driver)

    click_item(driver, item, "action_item_snooze_1w")
    click_item(driver, item, "action_item_reassign", selected=FAR_OWNER)

    stored = items(driver)[0]
    assert stored.owner_id == FAR_OWNER
    assert stored.snoozed_until > datetime.now(UTC) + timedelta(days=6)
    pending = [r for r in reminders(driver) if r.sent_at is None and not r.cancelled]
    assert {r.kind for r in pending} == {"action_assigned", "action_snoozed"}
    assert {r.recipient_id for r in pending} == {FAR_OWNER}


def test_actions_mine_across_incidents(driver):
    first = driver.declare("Checkout errors")
    second = driver.declare("Search slow")
    driver.command("action one", channel=first.channel_id)
    driver.command("action two", channel=second.channel_id)

    reply = driver.command("actions mine")

    text = str(reply["blocks"])
    assert "INC-1" in text
    assert "INC-2" in text


def test_assignment_reminder_sent_once(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command(f"action rotate keys <@{OWNER}>", channel=incident.channel_id)
    runtime = driver.bot.app.runtime
    now = datetime.now(UTC)

    first = tick(runtime, now, "worker-a")
    second = tick(runtime, now + timedelta(seconds=30), "worker-a")

    assert first == 1
    assert second == 0
    (message,) = direct_messages(fake_slack, OWNER)
    assert "rotate keys" in message


def test_due_and_overdue_reminders(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    due = in_days(3)
    driver.command(
        f"action rotate keys <@{OWNER}> due {due}", channel=incident.channel_id
    )
    runtime = driver.bot.app.runtime
    zone = ZoneInfo("America/Los_Angeles")
    due_moment = datetime(due.year, due.month, due.day, 9, tzinfo=zone)

    tick(runtime, datetime.now(UTC), "w")
    early = tick(runtime, due_moment - timedelta(minutes=1), "w")
    on_time = tick(runtime, due_moment + timedelta(minutes=1), "w")
    planned = tick(runtime, due_moment + timedelta(days=1, hours=-1), "w")
    next_day = due_moment + timedelta(days=1)
    while next_day.weekday() >= 5:
        next_day += timedelta(days=1)
    overdue = tick(runtime, next_day + timedelta(minutes=1), "w")

    assert (early, on_time, planned, overdue) == (0, 1, 0, 1)
    texts = direct_messages(fake_slack, OWNER)
    assert len(texts) == 3
    assert texts[1].startswith("Due today")
    assert texts[2].startswith("Overdue")


def test_failed_send_is_retried(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command(f"action rotate keys <@{OWNER}>", channel=incident.channel_id)
    runtime = driver.bot.app.runtime
    now = datetime.now(UTC)
    fake_slack.fail("chat.postMessage", "internal_error")

    failed = tick(runtime, now, "w")
    too_soon = tick(runtime, now + timedelta(seconds=30), "w")
    retried = tick(runtime, now + timedelta(minutes=2), "w")

    assert (failed, too_soon, retried) == (0, 0, 1)
    (reminder,) = [r for r in reminders(driver) if r.kind == "action_assigned"]
    assert reminder.attempts == 1
    assert reminder.sent_at is not None


def test_unreachable_owner_goes_to_commander(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command(f"action rotate keys <@{OWNER}>", channel=incident.channel_id)
    fake_slack.fail("chat.postMessage", "account_inactive")

    sent = tick(driver.bot.app.runtime, datetime.now(UTC), "w")

    assert sent == 1
    (message,) = direct_messages(fake_slack, COMMANDER)[-1:]
    assert "rotate keys" in message


def test_restart_sends_missed_once(driver, fake_slack, settings, engine):
    incident = driver.declare("Checkout errors")
    driver.command(f"action rotate keys <@{OWNER}>", channel=incident.channel_id)
    later = datetime.now(UTC) + timedelta(hours=5)

    restarted = create_app(settings, engine=engine)
    try:
        sent = tick(restarted.runtime, later, "after-restart")
        again = tick(restarted.runtime, later, "after-restart")
    finally:
        restarted.drain()

    assert (sent, again) == (1, 0)
    assert len(direct_messages(fake_slack, OWNER)) == 1


def test_two_schedulers_send_each_once(driver, fake_slack, settings, engine):
    incident = driver.declare("Checkout errors")
    owners = [f"U0PEOPLE{number:03d}" for number in range(30)]
    for number, owner in enumerate(owners):
        driver.command(f"action task {number} <@{owner}>", channel=incident.channel_id)
    # Each replica has its own engine and connection pool, as two processes would.
    replicas = [create_app(settings) for _ in range(2)]
    now = datetime.now(UTC)
    totals = []

    def run(app, name):
        totals.append(sum(tick(app.runtime, now, name) for _ in range(3)))

    threads = [
        threading.Thread(target=run, args=(app, f"replica-{index}"))
        for index, app in enumerate(replicas)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for app in replicas:
        app.close()

    texts = [text for owner in owners for text in direct_messages(fake_slack, owner)]
    assert sum(totals) == 30
    assert len(texts) == 30
    assert len(set(texts)) == 30


def test_action_form_adds_item(driver, fake_slack):
    incident = driver.declare("Checkout errors")

    driver.command("action", channel=incident.channel_id, wait=False)
    fake_slack.wait_for(lambda: fake_slack.calls_to("views.open"))
    view = fake_slack.calls_to("views.open")[0].json_arg("view")
    due = in_days(5)
    payload = view_submission(
        view,
        {
            "text": {"type": "plain_text_input", "value": "add a canary stage"},
            "owner": {"type": "users_select", "selected_user": OWNER},
            "due": {"type": "datepicker", "selected_date": due.isoformat()},
            "priority": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "P1"},
                    "value": "P1",
                },
            },
            "category": {"type": "static_select", "selected_option": None},
        },
    )
    status, body = driver.submit(payload)

    assert view["callback_id"] == "add_action_item"
    assert status == 200
    assert body is None
    fake_slack.wait_for(lambda: items(driver))
    (item,) = items(driver)
    assert (item.text, item.owner_id, item.due_on, item.priority) == (
        "add a canary stage",
        OWNER,
        due,
        "P1",
    )
    assert item.category is None


def test_action_form_needs_text(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command("action", channel=incident.channel_id, wait=False)
    fake_slack.wait_for(lambda: fake_slack.calls_to("views.open"))
    view = fake_slack.calls_to("views.open")[0].json_arg("view")

    status, body = driver.submit(
        view_submission(
            view,
            {
                "text": {"type": "plain_text_input", "value": "  "},
                "owner": {"type": "users_select", "selected_user": OWNER},
            },
        )
    )

    assert status == 200
    assert body["response_action"] == "errors"
    assert "text" in body["errors"]
    assert items(driver) == []


def test_claim_respects_batch_size(engine):
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        session.add(Workspace(team_id="T1", created_at=now))
        session.flush()
        incident = Incident(
            team_id="T1",
            number=1,
            title="x",
            status="investigating",
            declared_by="U1",
            declared_at=now,
            updated_at=now,
        )
        session.add(incident)
        session.flush()
        for number in range(30):
            plan(
                session,
                team_id="T1",
                kind="action_due",
                subject=f"action:{number}",
                incident_id=incident.id,
                recipient_id=f"U{number}",
                due_at=now,
            )
        for number in range(3):
            plan(
                session,
                team_id="T1",
                kind="action_due",
                subject=f"action:same-{number}",
                incident_id=incident.id,
                recipient_id="U0",
                due_at=now,
            )

    with transaction(sessions) as session:
        first = claim_due(session, now=now, worker="a", limit=10)
    with transaction(sessions) as session:
        second = claim_due(session, now=now, worker="b", limit=100)
    with transaction(sessions) as session:
        recipients = [session.get(Reminder, i).recipient_id for i in second]

    assert len(first) == 10
    # The other 20 recipients, plus one more of U0's three reminders.
    assert len(second) == 21
    assert not set(first) & set(second)
    assert len(recipients) == len(set(recipients))


def test_weekly_digest_for_commander(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command(f"action rotate keys <@{OWNER}>", channel=incident.channel_id)
    runtime = driver.bot.app.runtime
    with runtime.sessions() as session, session.begin():
        session.query(ActionItem).update({"due_on": date.today() - timedelta(days=3)})
    now = datetime.now(UTC)
    monday = next_monday_morning(now, ZoneInfo("Europe/Berlin"))

    before = tick(runtime, monday - timedelta(minutes=1), "w")
    digest_sent = tick(runtime, monday + timedelta(minutes=1), "w")
    again = tick(runtime, monday + timedelta(minutes=2), "w")

    digests = [
        t for t in direct_messages(fake_slack, COMMANDER) if "Weekly digest" in t
    ]
    assert digests == ["Weekly digest: 1 overdue action item"]
    assert again == 0
    assert before >= 1  # the assignment message to the owner
    assert digest_sent >= 1
    local = monday.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.weekday(), local.hour) == (0, 9)


def test_configured_default_due(driver):
    incident = driver.declare("Checkout errors")

    driver.command("action write the runbook", channel=incident.channel_id)

    (item,) = items(driver)
    berlin_today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    assert item.priority == "P2"
    assert item.due_on == berlin_today + timedelta(days=3)


@pytest.mark.parametrize(
    ("owner", "due", "expected_utc"),
    [
        # Los Angeles, UTC-8 in winter; clocks go forward on 2027-03-14.
        pytest.param(
            OWNER, date(2027, 1, 15), datetime(2027, 1, 15, 17, tzinfo=UTC), id="utc-8"
        ),
        pytest.param(
            OWNER,
            date(2027, 3, 14),
            datetime(2027, 3, 14, 16, tzinfo=UTC),
            id="us-dst-day",
        ),
        # Auckland, UTC+13 in summer; clocks go back on 2027-04-04.
        pytest.param(
            FAR_OWNER,
            date(2027, 1, 15),
            datetime(2027, 1, 14, 20, tzinfo=UTC),
            id="utc+13",
        ),
        pytest.param(
            FAR_OWNER,
            date(2027, 4, 4),
            datetime(2027, 4, 3, 21, tzinfo=UTC),
            id="nz-dst-day",
        ),
    ],
)
def test_due_reminder_at_local_nine(driver, fake_slack, owner, due, expected_utc):
    incident = driver.declare("Checkout errors")
    driver.command(
        f"action rotate keys <@{owner}> due {due}", channel=incident.channel_id
    )
    runtime = driver.bot.app.runtime
    tick(runtime, datetime.now(UTC), "w")  # the assignment message

    early = tick(runtime, expected_utc - timedelta(seconds=1), "w")
    on_time = tick(runtime, expected_utc, "w")

    (due_reminder,) = [r for r in reminders(driver) if r.kind == "action_due"]
    assert due_reminder.due_at == expected_utc
    assert (early, on_time) == (0, 1)
    assert direct_messages(fake_slack, owner)[-1].startswith("Due today")
