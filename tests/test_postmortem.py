"""The postmortem draft rendered from a stored incident, through the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import git
import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, severity_buttons

from bot.config import WarroomConfig
from bot.reminders.runner import tick


@pytest.fixture
def settings(fake_slack, database_url):
    return make_settings(
        fake_slack, database_url, config=WarroomConfig(timezone="Europe/Berlin")
    )


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def postmortem(
    database_url: str, *args: str, docs_repo: Path | None = None
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url
    env.pop("WARROOM_CONFIG", None)
    env.pop("WARROOM_DOCS_REPO", None)
    if docs_repo is not None:
        env["WARROOM_DOCS_REPO"] = str(docs_repo)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "postmortem", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_draft_has_every_section(driver, database_url):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    driver.command("started 40 min ago", channel=channel)
    driver.command("cause a missing index | on orders", channel=channel)
    driver.command("why the pool was exhausted", channel=channel)
    driver.command("action add the index P1 prevent", channel=channel)
    driver.command("resolve rolled back config 4812", channel=channel)

    result = postmortem(database_url, "INC-1")

    assert result.returncode == 0, result.stderr
    text = result.stdout
    for heading in (
        "# INC-1: Checkout errors",
        "## Summary",
        "## Impact",
        "## Metrics",
        "## Trigger",
        "## Root cause",
        "### 5 Whys",
        "## Contributing factors",
        "## What went well",
        "## What went wrong",
        "## Where we got lucky",
        "## Action items",
        "## Timeline",
    ):
        assert heading in text, heading
    assert "rolled back config 4812" in text
    assert "a missing index \\| on orders" in text
    assert "1. the pool was exhausted" in text
    assert "| P1 | prevent | add the index |" in text
    assert "| Resolved (MTTR) |" in text
    assert "40m" in text
    assert f"<@{COMMANDER}>" in text


def test_missing_sections_say_who_adds_them(driver, database_url):
    driver.declare("Checkout errors")

    result = postmortem(database_url, "INC-1")

    assert result.returncode == 0, result.stderr
    assert "_No root cause recorded: the incident commander" in result.stdout
    assert "`/incident cause <text>`" in result.stdout
    assert "_No action items:" in result.stdout
    assert "the blameless review found 1 issue:" in result.stderr
    assert "No action item prevents a recurrence" in result.stderr


def test_unknown_incident_is_reported(driver, database_url):
    result = postmortem(database_url, "INC-99")

    assert result.returncode == 2
    assert "There is no incident INC-99." in result.stderr


def test_write_commits_to_docs_repo(driver, database_url, tmp_path):
    incident = driver.declare("Checkout errors")
    driver.command("resolve rolled back", channel=incident.channel_id)
    docs = tmp_path / "docs"
    repo = git.Repo.init(docs)

    result = postmortem(database_url, "INC-1", "--write", docs_repo=docs)

    assert result.returncode == 0, result.stderr
    day = incident.declared_at.date().isoformat()
    written = docs / f"docs/postmortems/{day}-checkout-errors.md"
    assert written.read_text() == result.stdout.removesuffix("\n")
    assert "in commit" in result.stderr
    assert repo.head.commit.message.startswith("Publish the postmortem of INC-1")


def test_write_needs_docs_repo(driver, database_url):
    driver.declare("Checkout errors")

    result = postmortem(database_url, "INC-1", "--write")

    assert result.returncode == 2
    assert "Set WARROOM_DOCS_REPO" in result.stderr


def test_slack_draft_uploaded_with_findings(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    driver.command("cause human error by the deployer", channel=incident.channel_id)

    reply = driver.command("postmortem", channel=incident.channel_id)

    assert "Posted the postmortem draft of INC-1" in reply["text"]
    (ticket,) = fake_slack.calls_to("files.getUploadURLExternal")
    assert ticket.args["filename"] == "postmortem-INC-1.md"
    uploaded = fake_slack.uploaded("F0FAKE0001")
    assert uploaded["channels"] == [incident.channel_id]
    assert uploaded["content"].decode().startswith("# INC-1: Checkout errors")
    (summary,) = [
        message
        for message in fake_slack.messages(incident.channel_id)
        if "Postmortem draft of INC-1" in message["text"]
    ]
    assert "stops at human error" in str(summary["blocks"])


def test_publish_waits_for_findings(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id

    unresolved = driver.command("postmortem publish", channel=channel)
    driver.command("resolve fixed", channel=channel)
    refused = driver.command("postmortem publish", channel=channel)
    published = driver.command("postmortem publish anyway", channel=channel)

    assert "Resolve the incident before publishing" in unresolved["text"]
    assert "found 1 thing to address first" in refused["text"]
    assert "Published the postmortem of INC-1." in published["text"]
    stored = driver.incident(incident.id)
    assert stored.postmortem_published_at is not None
    (event,) = driver.events(incident.id, "postmortem")
    assert event.text == "published the postmortem with 1 acknowledged findings"


def test_deadline_reminders_until_published(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    buttons = severity_buttons(fake_slack, channel, ts)
    driver.click(ts, channel, buttons[0], user=COMMANDER)  # SEV1: due after 3 days
    driver.command("resolve fixed", channel=channel)
    runtime = driver.bot.app.runtime
    resolved = driver.incident(incident.id).resolved_at

    def reminders_sent():
        return [
            call
            for call in fake_slack.calls_to("chat.postMessage")
            if call.args["channel"] == COMMANDER and "postmortem" in call.args["text"]
        ]

    tick(runtime, resolved + timedelta(days=2), "w")
    before = len(reminders_sent())
    tick(runtime, resolved + timedelta(days=3, minutes=1), "w")
    on_due = len(reminders_sent())
    tick(runtime, resolved + timedelta(days=4, minutes=2), "w")
    next_day = len(reminders_sent())
    driver.command("postmortem publish anyway", channel=channel)
    tick(runtime, resolved + timedelta(days=5, minutes=3), "w")
    after_publish = len(reminders_sent())

    assert (before, on_due, next_day, after_publish) == (0, 1, 2, 2)
