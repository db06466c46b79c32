"""The analysis commands: 5 Whys, root cause, factors, trigger, lessons, impact."""

from __future__ import annotations

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver

from bot.config import WarroomConfig


@pytest.fixture
def settings(fake_slack, database_url):
    return make_settings(fake_slack, database_url, config=WarroomConfig())


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def test_whys_numbered_in_order(driver):
    incident = driver.declare("Checkout errors")

    first = driver.command("why the pool was exhausted", channel=incident.channel_id)
    second = driver.command("why queries got slow", channel=incident.channel_id)

    whys = driver.events(incident.id, "why")
    assert [(e.text, e.data["step"]) for e in whys] == [
        ("the pool was exhausted", 1),
        ("queries got slow", 2),
    ]
    assert first["text"] == "Why #1 recorded."
    assert second["text"] == "Why #2 recorded."


@pytest.mark.parametrize("kind", ["cause", "factor", "trigger", "impact"])
def test_statement_stored_exactly(driver, kind):
    incident = driver.declare("Checkout errors")
    text = "a missing index on orders.created_at & <b>no</b> *alert*"

    reply = driver.command(f"{kind} {text}", channel=incident.channel_id)

    (event,) = driver.events(incident.id, kind)
    assert event.text == text
    assert event.actor_id == COMMANDER
    assert reply["text"] == f"Recorded the {kind}."


def test_lesson_categories(driver):
    incident = driver.declare("Checkout errors")

    good = driver.command(
        "lesson lucky it was outside peak hours", channel=incident.channel_id
    )
    bad = driver.command("lesson surprising no one", channel=incident.channel_id)

    (lesson,) = driver.events(incident.id, "lesson")
    assert lesson.data == {"category": "lucky"}
    assert lesson.text == "it was outside peak hours"
    assert good["text"] == "Recorded where you got lucky."
    assert "went-well|went-wrong|lucky" in bad["text"]


def test_empty_statement_explained(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("cause", channel=incident.channel_id)

    assert "Write the cause after the command" in reply["text"]
    assert driver.events(incident.id, "cause") == []


def test_analysis_on_timeline(driver):
    incident = driver.declare("Checkout errors")
    driver.command("cause a missing index", channel=incident.channel_id)

    timeline = driver.command("timeline", channel=incident.channel_id)

    assert "*root cause*" in str(timeline["blocks"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40% of checkouts failed", "counts 40.00% errors from it"),
        ("full outage of the API", "counts 100.00% errors from it"),
        ("150% errors", "no error ratio between 0% and 100% could be read"),
        ("users could not log in", "Recorded the impact."),
    ],
    ids=["ratio", "full-outage", "over-100", "no-ratio"],
)
def test_impact_reply_names_error_ratio(driver, text, expected):
    incident = driver.declare("Checkout errors")

    reply = driver.command(f"impact {text}", channel=incident.channel_id)

    assert expected in reply["text"]
    (event,) = driver.events(incident.id, "impact")
    assert event.text == text
