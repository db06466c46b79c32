"""`/incident services` and `/incident blast` through the signed endpoint."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from investigate_system import make_driver, make_shop, set_services, shop_config

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return make_shop(tmp_path)


@pytest.fixture
def settings(fake_slack, database_url, shop):
    return make_settings(fake_slack, database_url, config=shop_config(shop))


@pytest.fixture
def driver(running_bot, fake_slack):
    return make_driver(running_bot, fake_slack)


def reply_text(reply: dict[str, Any] | None) -> str:
    assert reply is not None
    return str(reply["text"]) + str(reply.get("blocks", ""))


def uploads(fake_slack) -> dict[str, dict[str, Any]]:
    """Return the uploaded files by name."""
    count = len(fake_slack.calls_to("files.getUploadURLExternal"))
    files = [fake_slack.uploaded(f"F0FAKE{n:04d}") for n in range(1, count + 1)]
    return {str(record["name"]): record for record in files}


def test_services_add_stores_and_replies_blast(driver, fake_slack):
    incident = driver.declare("Checkout errors")

    reply = driver.command("services add Checkout", channel=incident.channel_id)

    text = reply_text(reply)
    assert "Added checkout to INC-1" in text
    assert "frontend (directly)" in text
    assert "db (directly), payments (directly), rabbitmq (directly)" in text
    assert "fraud.example.net" in text
    assert driver.incident(incident.id).services == ["checkout"]
    (event,) = driver.events(incident.id, "services")
    assert event.text == "affected services: added checkout"
    assert event.data["services"] == ["checkout"]
    summary = fake_slack.calls_to("chat.update")[-1]
    assert "checkout" in str(summary.args["blocks"])


def test_services_add_keeps_order_and_skips_present(driver):
    incident = driver.declare("Checkout errors")
    driver.command("services add checkout", channel=incident.channel_id)

    reply = driver.command(
        "services add payments, checkout redis", channel=incident.channel_id
    )

    assert "Added payments, redis to INC-1" in reply_text(reply)
    assert driver.incident(incident.id).services == ["checkout", "payments", "redis"]
    assert len(driver.events(incident.id, "services")) == 2


def test_services_add_present_changes_nothing(driver):
    incident = driver.declare("Checkout errors")
    driver.command("services add checkout", channel=incident.channel_id)

    reply = driver.command("services add checkout", channel=incident.channel_id)

    assert "already affect INC-1; nothing changed" in reply_text(reply)
    assert len(driver.events(incident.id, "services")) == 1


def test_services_add_unknown_suggests_names(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("services add chekout paymnts", channel=incident.channel_id)

    text = reply_text(reply)
    assert '"chekout" is not a known service. Did you mean `checkout`?' in text
    assert '"paymnts" is not a known service. Did you mean `payments`?' in text
    assert "Known services: catalog, checkout, db, frontend" in text
    assert driver.incident(incident.id).services == []
    assert driver.events(incident.id, "services") == []


def test_services_list_and_remove(driver):
    incident = driver.declare("Checkout errors")
    driver.command("services add checkout payments", channel=incident.channel_id)

    removed = driver.command("services remove CHECKOUT", channel=incident.channel_id)
    listed = driver.command("services", channel=incident.channel_id)

    assert "Removed checkout from INC-1. Affected services: payments." in (
        reply_text(removed)
    )
    assert "Affected services of INC-1: payments." in reply_text(listed)
    assert driver.incident(incident.id).services == ["payments"]
    events = driver.events(incident.id, "services")
    assert events[-1].text == "affected services: removed checkout"


def test_services_remove_unknown_rejected(driver):
    incident = driver.declare("Checkout errors")
    driver.command("services add payments", channel=incident.channel_id)

    reply = driver.command("services remove redis", channel=incident.channel_id)

    assert "redis is not an affected service of INC-1" in reply_text(reply)
    assert "Its services: payments." in reply_text(reply)
    assert driver.incident(incident.id).services == ["payments"]


@pytest.mark.parametrize(
    "text",
    ["services add", "services drop checkout", "services list checkout"],
    ids=["add-without-name", "unknown-action", "list-with-name"],
)
def test_services_bad_usage_explained(driver, text):
    incident = driver.declare("Checkout errors")

    reply = driver.command(text, channel=incident.channel_id)

    assert "Use `/incident services` to list" in reply_text(reply)


def test_services_outside_incident_rejected(driver):
    reply = driver.command("services add checkout", channel="C0FAKECHAN1")

    assert "works inside an incident channel" in reply_text(reply)


def test_blast_posts_text_and_dot(driver, fake_slack):
    incident = driver.declare("Payments failing")
    set_services(driver, incident.id, ["payments", "billing"])

    reply = driver.command("blast", channel=incident.channel_id)

    assert "Posted the blast radius of payments with blast-radius-payments.dot" in (
        reply_text(reply)
    )
    posted = str(fake_slack.messages(incident.channel_id)[-1]["blocks"])
    assert "*Blast radius of payments*" in posted
    assert "checkout (directly), frontend (2 hops away)" in posted
    assert "api.stripe.com" in posted
    assert "Not in the service graph, so left out: billing" in posted
    dot = uploads(fake_slack)["blast-radius-payments.dot"]
    assert dot["channels"] == [incident.channel_id]
    content = dot["content"].decode()
    assert content.startswith("digraph services {")
    assert '"payments" [label="payments", fillcolor="#f4a3a3"];' in content
    assert '"frontend" [label="frontend", fillcolor="#f9d9a6"];' in content
    assert '"db" [label="db", fillcolor="#b9d7f0"];' in content
    assert "blast-radius-payments.png" not in uploads(fake_slack)


def test_blast_named_service_outside_incident(driver, fake_slack):
    fake_slack.add_channel("C0FAKEOPS1", name="ops")

    reply = driver.command("blast checkout", channel="C0FAKEOPS1")

    assert "Posted the blast radius of checkout" in reply_text(reply)
    posted = str(fake_slack.messages("C0FAKEOPS1")[-1]["blocks"])
    assert "Affected (services that depend on it): frontend (directly)" in posted
    assert uploads(fake_slack)["blast-radius-checkout.dot"]["channels"] == [
        "C0FAKEOPS1"
    ]


def test_blast_draws_png_with_graphviz(driver, fake_slack, tmp_path, monkeypatch):
    # A stand-in for Graphviz's dot: it writes a PNG signature and the DOT it read.
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "dot"
    program.write_text(
        "#!/bin/sh\n"
        'output="$3"\n'
        "printf '\\211PNG\\r\\n\\032\\n' > \"$output\"\n"
        'cat >> "$output"\n',
        encoding="utf-8",
    )
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    incident = driver.declare("Payments failing")

    reply = driver.command("blast payments", channel=incident.channel_id)

    assert "blast-radius-payments.png" in reply_text(reply)
    png = uploads(fake_slack)["blast-radius-payments.png"]["content"]
    assert png.startswith(PNG_SIGNATURE)
    assert b'"payments" [label="payments", fillcolor="#f4a3a3"];' in png


def test_blast_without_services_explains(driver):
    incident = driver.declare("Payments failing")

    reply = driver.command("blast", channel=incident.channel_id)

    assert "INC-1 names no affected services yet" in reply_text(reply)


def test_blast_unknown_name_suggests(driver):
    incident = driver.declare("Payments failing")

    reply = driver.command("blast payment", channel=incident.channel_id)

    assert "Did you mean `payments`?" in reply_text(reply)


def test_blast_without_name_outside_incident(driver):
    reply = driver.command("blast", channel="C0FAKECHAN1")

    assert "Name a service." in reply_text(reply)


def test_services_add_missing_checkout_reported(driver, shop):
    shutil.rmtree(shop)
    incident = driver.declare("Checkout errors")

    reply = driver.command("services add checkout", channel=incident.channel_id)

    assert f"The system checkout {shop} is not a folder" in reply_text(reply)
    assert "error id" in reply_text(reply)
    assert driver.incident(incident.id).services == []
