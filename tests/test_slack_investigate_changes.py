"""`/incident changes` against a git checkout with commits around the impact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from investigate_system import commit, git, make_driver, make_shop, shop_config

from bot.store import incidents
from bot.store.db import transaction

# The commits are dated relative to the test's start, because the window ends now.
NOW = datetime.now(UTC).replace(microsecond=0)
IMPACT_START = NOW - timedelta(hours=2)
ROUTINE_COMMITS = 11


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A checkout with 14 commits in the window and 1 before it."""
    repo = make_shop(tmp_path)
    git(repo, "add", ".")
    git(
        repo,
        "commit",
        "-q",
        "-m",
        "Import the compose files",
        when=NOW - timedelta(days=30),
    )

    commit(
        repo,
        "Initial checkout code",
        ["services/checkout/app.py"],
        NOW - timedelta(days=20),
    )

    for number in range(ROUTINE_COMMITS):
        commit(
            repo,
            f"Routine checkout change {number}",
            [f"services/checkout/routine_{number}.py"],
            NOW - timedelta(days=6, hours=number),
        )

    commit(
        repo,
        "Tune payments retries",
        ["services/payments/retry.py"],
        NOW - timedelta(days=1),
    )

    git(repo, "checkout", "-q", "-b", "pool-size")
    commit(
        repo,
        "Raise checkout pool size",
        ["services/checkout/db.py"],
        IMPACT_START - timedelta(hours=1),
    )

    git(repo, "checkout", "-q", "main")
    merged_at = IMPACT_START - timedelta(minutes=30)
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "pool-size",
        "-m",
        "Merge pool-size",
        when=merged_at,
    )
    git(repo, "tag", "-a", "deploy-42", "-m", "deploy", when=merged_at)

    return repo


@pytest.fixture
def settings(fake_slack, database_url, shop):
    return make_settings(fake_slack, database_url, config=shop_config(shop))


@pytest.fixture
def driver(running_bot, fake_slack):
    return make_driver(running_bot, fake_slack)


def mark_impact(driver, incident_id: int, services: list[str]) -> None:
    with transaction(driver.bot.app.runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        incident.services = services
        incident.impact_started_at = IMPACT_START


def posted_blocks(fake_slack, channel: str) -> list[dict[str, Any]]:
    return list(fake_slack.messages(channel)[-1]["blocks"])


def test_changes_posts_ranked_commits(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    mark_impact(driver, incident.id, ["checkout"])

    reply = driver.command("changes", channel=incident.channel_id)

    assert reply["text"] == "Posted 14 commits for INC-1, with the full list attached."
    blocks = posted_blocks(fake_slack, incident.channel_id)
    heading = blocks[0]["text"]["text"]
    assert heading.startswith("*Commits to checkout, db, payments, rabbitmq, redis*")
    assert "by committer date: the impact start at <!date^" in heading
    assert "minus the lookback of 7 days" in heading
    first = blocks[1]["text"]["text"]
    assert "*Merge pool-size* `merge` `deploy: deploy-42`" in first
    assert "files: services/checkout/db.py" in first
    assert "services: checkout" in first
    second = blocks[2]["text"]["text"]
    assert "*Raise checkout pool size*" in second
    shown = [block for block in blocks if "score" in str(block)]
    assert len(shown) == 10
    assert "… and 4 more commits" in str(blocks)
    assert "`deploy-42` at <!date^" in str(blocks)
    assert "Initial checkout code" not in str(blocks)


def test_changes_attaches_full_list(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    mark_impact(driver, incident.id, ["checkout"])

    driver.command("changes", channel=incident.channel_id)

    (ticket,) = fake_slack.calls_to("files.getUploadURLExternal")
    assert ticket.args["filename"] == "changes-INC-1.txt"
    uploaded = fake_slack.uploaded("F0FAKE0001")
    assert uploaded["channels"] == [incident.channel_id]
    content = uploaded["content"].decode()
    for number in range(ROUTINE_COMMITS):
        assert f"Routine checkout change {number}" in content
    assert "Tune payments retries" in content
    assert "Merge pool-size [merge] [deploy: deploy-42]" in content
    assert "Initial checkout code" not in content


def test_changes_short_list_has_no_file(driver, fake_slack):
    incident = driver.declare("Payments errors")
    mark_impact(driver, incident.id, ["payments"])

    reply = driver.command("changes", channel=incident.channel_id)

    assert reply["text"] == "Posted 1 commits for INC-1."
    blocks = str(posted_blocks(fake_slack, incident.channel_id))
    assert "*Tune payments retries*" in blocks
    assert "db has no paths" in blocks
    assert fake_slack.calls_to("files.getUploadURLExternal") == []


def test_changes_without_impact_start_uses_declaration(driver, fake_slack):
    incident = driver.declare("Payments errors")
    with transaction(driver.bot.app.runtime.sessions) as session:
        incidents.lock_incident(session, incident.id).services = ["payments"]

    driver.command("changes", channel=incident.channel_id)

    heading = posted_blocks(fake_slack, incident.channel_id)[0]["text"]["text"]
    assert "the declaration (no impact start is marked)" in heading
    epoch = int(incident.declared_at.timestamp())
    assert f"<!date^{epoch}^" in heading


def test_changes_without_services_explains(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("changes", channel=incident.channel_id)

    assert "INC-1 names no affected services" in reply["text"]
    assert "/incident services add <name>" in reply["text"]


def test_changes_outside_incident_rejected(driver):
    reply = driver.command("changes", channel="C0FAKECHAN1")

    assert "works inside an incident channel" in reply["text"]
