"""`/incident report` through the running bot, and `warroom report` as a process."""

import os
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from driver import Driver

from bot.store import incidents
from bot.store.db import make_session_factory, transaction

TEAM = "T0FAKETEAM"
CHANNEL = "C0REPORTS01"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def store_history(engine) -> None:
    """Store three resolved checkout incidents, one private, sharing a failure mode."""
    now = datetime.now(UTC)
    history = [
        ("Checkout errors for EU users", 40, 30, False),
        ("Secret vendor outage", 20, 90, True),
        ("Checkout slow again", 3, 60, False),
    ]
    with transaction(make_session_factory(engine)) as session:
        for title, days_ago, minutes, private in history:
            declared = now - timedelta(days=days_ago)
            incident = incidents.create_incident(
                session,
                team_id=TEAM,
                title=title,
                description="",
                declared_by="U0FAKEUSER1",
                now=declared,
                severity=2,
                private=private,
                services=["checkout"],
            )
            incident.resolved_at = declared + timedelta(minutes=minutes)
            incidents.add_event(
                session,
                incident,
                kind="failure-mode",
                occurred_at=declared,
                actor_id="U0FAKEUSER1",
                text="Connection pool exhausted",
                now=declared,
            )


def test_slack_report_posts_tables_and_chart(running_bot, fake_slack, engine):
    store_history(engine)
    fake_slack.add_channel(CHANNEL, name="sre")
    driver = Driver(running_bot, fake_slack)

    reply = driver.command("report --since 90d", channel=CHANNEL)

    assert reply is not None
    assert "Posted the report of 3 incidents with 1 chart." in reply["text"]
    posted = fake_slack.messages(CHANNEL)
    text = "\n".join(
        block["text"]["text"]
        for message in posted
        for block in message.get("blocks", [])
        if block["type"] == "section"
    )
    assert "3 incidents declared, 1 of them private." in text
    assert "Checkout errors for EU users" in text
    assert "(private)" in text
    assert "Secret vendor outage" not in text
    assert "SLO data is not configured" in text
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    chart = fake_slack.uploaded("F0FAKE0001")
    assert chart["name"] == "mttr-median.png"
    assert chart["content"][:8] == PNG_SIGNATURE
    assert chart["channels"] == [CHANNEL]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("report --since soon", "neither a number", id="since"),
        pytest.param("report --period year", "--period", id="period"),
        pytest.param("report 90d", "Use `/incident report", id="bare"),
    ],
)
def test_slack_report_rejects_options(running_bot, fake_slack, text, message):
    driver = Driver(running_bot, fake_slack)

    reply = driver.command(text)

    assert reply is not None
    assert message in reply["text"]
    assert fake_slack.calls_to("chat.postMessage") == []


def run_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url
    env.pop("WARROOM_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "report", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_report_writes_png(engine, database_url, tmp_path):
    store_history(engine)
    charts = tmp_path / "charts"

    result = run_cli(database_url, "--since", "60d", "--png", str(charts))

    assert result.returncode == 0, result.stderr
    assert "MTTR, time to resolve" in result.stdout
    assert "Secret vendor outage" in result.stdout  # the terminal shows every title
    assert "checkout: Connection pool exhausted (3 incidents)" in result.stdout
    png = (charts / "mttr-median.png").read_bytes()
    assert png[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 480
    assert height > 200
    assert not (charts / "error-budget.png").exists()
    assert "no error-budget.png, because SLO data is not configured" in result.stderr


def test_cli_report_by_week(engine, database_url):
    store_history(engine)

    result = run_cli(database_url, "--since", "4w", "--period", "week")

    assert result.returncode == 0, result.stderr
    assert "by week in UTC" in result.stdout
    assert "-W" in result.stdout


def test_cli_report_rejects_since(engine, database_url):
    result = run_cli(database_url, "--since", "yesterday")

    assert result.returncode == 2
    assert '--since "yesterday" is neither' in result.stderr
