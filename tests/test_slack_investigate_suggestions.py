"""Past incidents and runbooks suggested after a declaration and `services add`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from driver import COMMANDER, ListenerRuns, view_submission
from investigate_system import DOCS, make_driver, make_shop, shop_config

from bot.store import incidents
from bot.store.db import transaction

TEAM = "T0FAKETEAM"
HEADING = "Past incidents of"


@pytest.fixture
def settings(fake_slack, database_url, tmp_path: Path):
    config = shop_config(make_shop(tmp_path))
    return make_settings(fake_slack, database_url, config=config, docs_repo=DOCS)


@pytest.fixture
def listeners(running_bot):
    return ListenerRuns(running_bot.app.executor, running_bot.app.work)


@pytest.fixture
def driver(running_bot, fake_slack, listeners):
    return make_driver(running_bot, fake_slack)


def store_past_incidents(driver) -> None:
    """Store INC-1 (public) and INC-2 (private), both about checkout."""
    now = datetime.now(UTC)
    with transaction(driver.bot.app.runtime.sessions) as session:
        for days, title, private in [
            (20, "Checkout timeouts after deploy", False),
            (10, "Card numbers in checkout logs", True),
        ]:
            incidents.create_incident(
                session,
                team_id=TEAM,
                title=title,
                description="",
                declared_by=COMMANDER,
                now=now - timedelta(days=days),
                severity=2,
                private=private,
                services=["checkout"],
            )


def declare_with_form(driver, listeners, title: str, services: str) -> None:
    driver.post_command("declare", channel="C0FAKECHAN1")
    listeners.wait()
    view = driver.fake.calls_to("views.open")[-1].json_arg("view")
    values: dict[str, dict[str, Any]] = {
        "title": {"type": "plain_text_input", "value": title},
        "description": {"type": "plain_text_input", "value": None},
        "severity": {"type": "static_select", "selected_option": None},
        "services": {"type": "plain_text_input", "value": services},
        "private": {"type": "checkboxes", "selected_options": []},
    }
    status, _ = driver.submit(view_submission(view, values))
    assert status == 200
    listeners.wait()


def suggestions(fake_slack, channel: str) -> list[str]:
    """Return the text of each suggestion message posted in `channel`."""
    found = []
    for message in fake_slack.messages(channel):
        text = str(message.get("blocks", ""))
        if HEADING in text or "Runbooks for" in text:
            found.append(text)
    return found


def test_declare_suggests_past_incidents(driver, listeners, fake_slack):
    store_past_incidents(driver)

    declare_with_form(driver, listeners, "Checkout failing", "checkout, payments")

    incident = driver.latest_incident()
    (text,) = suggestions(fake_slack, incident.channel_id)
    assert "*Past incidents of checkout, payments*" in text
    assert "*INC-14* (2026-11-28, SEV2): Checkout | payments timeouts" in text
    assert "shares checkout, payments" in text
    assert "postmortem `docs/postmortems/2026-11-28-checkout-payments-timeouts.md`" in (
        text
    )
    assert "Checkout timeouts after deploy · shares checkout" in text
    assert "*INC-5* (2026-10-11, SEV1): Payments outage during sale" in text
    assert "names the service in its title" in text
    assert "Suggested for INC-3 from its services" in text


def test_declare_hides_private_titles(driver, listeners, fake_slack):
    store_past_incidents(driver)

    declare_with_form(driver, listeners, "Checkout failing", "checkout, redis")

    incident = driver.latest_incident()
    (text,) = suggestions(fake_slack, incident.channel_id)
    assert "*INC-2* (" in text
    assert "SEV2): a private incident · shares checkout" in text
    assert "Card numbers" not in text
    # The index row of INC-2 names redis in its title, but the database row wins.
    assert "Redis memory warning" not in text


def test_declare_suggests_runbooks(driver, listeners, fake_slack):
    declare_with_form(driver, listeners, "Checkout failing", "checkout, payments")

    incident = driver.latest_incident()
    (text,) = suggestions(fake_slack, incident.channel_id)
    assert "*Runbooks for checkout, payments*" in text
    assert "*Checkout latency* `docs/runbooks/checkout-latency.md`" in text
    assert "*Payments provider outage*" in text


def test_declare_without_services_suggests_nothing(driver, listeners, fake_slack):
    store_past_incidents(driver)

    declare_with_form(driver, listeners, "Checkout failing", "")

    incident = driver.latest_incident()
    assert suggestions(fake_slack, incident.channel_id) == []


def test_declare_without_matches_posts_nothing(driver, listeners, fake_slack):
    declare_with_form(driver, listeners, "Mongo replica lag", "mongo-2")

    incident = driver.latest_incident()
    assert incident.services == ["mongo-2"]
    assert suggestions(fake_slack, incident.channel_id) == []


def test_services_add_suggests_for_added(driver, listeners, fake_slack):
    store_past_incidents(driver)
    incident = driver.declare("Checkout failing")

    driver.command("services add checkout", channel=incident.channel_id)
    listeners.wait()

    (text,) = suggestions(fake_slack, incident.channel_id)
    assert "*Past incidents of checkout*" in text
    assert "Checkout timeouts after deploy" in text
    assert "Suggested for INC-3" in text
