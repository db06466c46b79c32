"""`/incident runbooks`: matches on services, alert names and the failure mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import make_settings
from investigate_system import DOCS, make_driver, make_shop, set_services, shop_config

from bot.flows.alerts.feed import feed_signal
from bot.store import incidents
from bot.store.db import transaction
from bot.store.models import Signal, SignalGroup

STARTED = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def settings(fake_slack, database_url, tmp_path: Path):
    config = shop_config(make_shop(tmp_path))
    return make_settings(fake_slack, database_url, config=config, docs_repo=DOCS)


@pytest.fixture
def driver(running_bot, fake_slack):
    return make_driver(running_bot, fake_slack)


def feed_alert(driver, incident_id: int, name: str, runbook_url: str | None) -> None:
    """Store a firing Alertmanager signal and feed it to the incident's timeline."""
    now = datetime.now(UTC)
    with transaction(driver.bot.app.runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        group = SignalGroup(
            team_id=incident.team_id,
            source="alertmanager",
            group_key=f"{name}-group",
            title=name,
            route="triage",
            state="open",
            created_at=now,
            updated_at=now,
        )
        session.add(group)
        session.flush()
        signal = Signal(
            team_id=incident.team_id,
            source="alertmanager",
            fingerprint=f"{name}-fingerprint",
            group_id=group.id,
            name=name,
            status="firing",
            severity="critical",
            service="checkout",
            summary="p99 latency above 2s",
            runbook_url=runbook_url,
            labels={"alertname": name},
            starts_at=STARTED,
            first_received_at=now,
            last_received_at=now,
        )
        session.add(signal)
        session.flush()
        feed_signal(session, signal, incident, now)


def add_alert_text(driver, incident_id: int, text: str) -> None:
    """Store an alert entry whose signal row is gone, as after a cleanup."""
    now = datetime.now(UTC)
    with transaction(driver.bot.app.runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        incidents.add_event(
            session,
            incident,
            kind="alert",
            occurred_at=now - timedelta(minutes=5),
            actor_id=None,
            text=text,
            data={"signal_id": 999999, "status": "firing"},
            now=now,
        )


def posted(fake_slack, channel: str) -> str:
    return str(fake_slack.messages(channel)[-1]["blocks"])


def test_runbooks_match_alert_and_failure_mode(driver, fake_slack):
    incident = driver.declare("Checkout slow")
    feed_alert(
        driver, incident.id, "CheckoutP99Slow", "https://runbooks.example.com/p99"
    )
    driver.command("failure-mode disk full", channel=incident.channel_id)

    reply = driver.command("runbooks", channel=incident.channel_id)

    assert reply["text"] == "Posted 2 matching runbooks and 1 alert link for INC-1."
    text = posted(fake_slack, incident.channel_id)
    assert "matched on alerts CheckoutP99Slow; failure mode disk full" in text
    assert "*Checkout latency* `docs/runbooks/checkout-latency.md`" in text
    assert "front matter lists alert CheckoutP99Slow" in text
    assert "*Postgres disk full* `docs/runbooks/database/disk-full.md`" in text
    assert "front matter lists failure mode disk full" in text
    assert "<https://runbooks.example.com/p99|Runbook for CheckoutP99Slow>" in text
    assert "Skipped runbook files:" in text


def test_runbooks_use_newest_failure_mode(driver, fake_slack):
    incident = driver.declare("Checkout slow")
    driver.command("failure-mode disk full", channel=incident.channel_id)
    driver.command(
        "failure-mode connection pool exhausted", channel=incident.channel_id
    )

    driver.command("runbooks", channel=incident.channel_id)

    text = posted(fake_slack, incident.channel_id)
    assert "failure mode connection pool exhausted" in text
    assert "Checkout latency" in text
    assert "Postgres disk full" not in text


def test_runbooks_alert_name_from_text(driver, fake_slack):
    incident = driver.declare("Checkout slow")
    add_alert_text(driver, incident.id, "CheckoutHighLatency firing: p99 above 2s")

    driver.command("runbooks", channel=incident.channel_id)

    text = posted(fake_slack, incident.channel_id)
    assert "matched on alerts CheckoutHighLatency" in text
    assert "front matter lists alert CheckoutHighLatency" in text


def test_runbooks_match_services(driver, fake_slack):
    incident = driver.declare("Payments failing")
    set_services(driver, incident.id, ["payments"])

    driver.command("runbooks", channel=incident.channel_id)

    text = posted(fake_slack, incident.channel_id)
    assert "matched on services payments" in text
    assert "*Payments provider outage*" in text
    assert "title, file name or a heading names payments" in text
    assert "front matter lists service payments" in text


def test_runbooks_without_match_says_where(driver, fake_slack):
    incident = driver.declare("Mongo slow")
    set_services(driver, incident.id, ["mongo-2"])

    reply = driver.command("runbooks", channel=incident.channel_id)

    assert reply["text"] == "Posted 0 matching runbooks and 0 alert links for INC-1."
    text = posted(fake_slack, incident.channel_id)
    assert "No runbook matches. Runbooks are Markdown files under docs/runbooks" in (
        text
    )


def test_runbooks_without_terms_explains(driver):
    incident = driver.declare("Something odd")

    reply = driver.command("runbooks", channel=incident.channel_id)

    assert "INC-1 has no affected services, alerts or failure mode" in reply["text"]
