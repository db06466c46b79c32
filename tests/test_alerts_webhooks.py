"""Alert webhooks end to end: the bot's HTTP endpoint, the database and fake Slack."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alert_helpers import (
    CONFIG,
    ENVIRONMENT,
    alertmanager_group,
    load_alert,
    send,
    send_alertmanager,
    send_pagerduty,
)
from conftest import make_settings
from driver import Driver, ListenerRuns

from bot.config import load_config
from bot.settings import Settings
from bot.slack import ids
from bot.store.models import Incident, Signal, SignalGroup, TimelineEvent

TRIAGE = "C0TRIAGE01"
FIRED_AT = datetime(2019, 12, 13, 8, 57, 35, 95800, tzinfo=UTC)


@pytest.fixture
def settings(fake_slack, database_url, tmp_path, monkeypatch) -> Settings:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "warroom.yaml"
    path.write_text(CONFIG)
    return make_settings(fake_slack, database_url, config=load_config(path))


@pytest.fixture
def runs(running_bot) -> Iterator[ListenerRuns]:
    running_bot.app.alerts.refresher.min_interval = 0
    yield ListenerRuns(running_bot.app.executor, running_bot.app.work)


def rows(bot, model):
    with bot.app.runtime.sessions() as session:
        return session.query(model).order_by(model.id).all()


def triage_posts(fake):
    return [
        call
        for call in fake.calls_to("chat.postMessage")
        if call.args.get("channel") == TRIAGE
    ]


def controls(fake, ts):
    for message in fake.messages(TRIAGE):
        if message["ts"] == ts:
            for block in message.get("blocks", []):
                if block["type"] == "actions":
                    return block
    return None


def test_alertmanager_alert_posted_for_triage(running_bot, runs, shared_dir):
    payload = load_alert(shared_dir, "alertmanager_v4_firing.json")

    status, body = send_alertmanager(running_bot.url, payload)
    runs.wait()

    assert status == 200
    assert body == {"signals": 1}
    [signal] = rows(running_bot, Signal)
    assert signal.name == "KubeJobCompletion"
    assert signal.fingerprint == "c92ef4affaad00fa"
    assert signal.starts_at == FIRED_AT
    assert signal.ends_at is None
    assert signal.severity == "warning"
    assert signal.service == "kube-state-metrics"
    assert signal.runbook_url.endswith("#alert-name-kubejobcompletion")
    [group] = rows(running_bot, SignalGroup)
    assert group.message_ts is not None
    block = controls(running_bot.fake_slack, group.message_ts)
    action_ids = [element["action_id"] for element in block["elements"]]
    assert action_ids == [ids.ALERT_DECLARE, ids.ALERT_DISMISS]


def test_repeated_alert_updates_instead_of_posting(running_bot, runs, shared_dir):
    fake = running_bot.fake_slack
    firing = load_alert(shared_dir, "alertmanager_v4_firing.json")
    resolved = load_alert(shared_dir, "alertmanager_v4_resolved.json")

    send_alertmanager(running_bot.url, firing)
    runs.wait()
    send_alertmanager(running_bot.url, firing)
    runs.wait()
    updates_after_repeat = len(fake.calls_to("chat.update"))
    send_alertmanager(running_bot.url, resolved)
    runs.wait()

    assert len(triage_posts(fake)) == 1
    assert updates_after_repeat == 0
    assert len(fake.calls_to("chat.update")) == 1
    [signal] = rows(running_bot, Signal)
    assert signal.deliveries == 3
    assert signal.status == "resolved"
    assert signal.ends_at == datetime(2019, 12, 13, 10, 12, 5, 95800, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, None),
        ({"Authorization": "Bearer wrong-token"}, None),
        ({"Authorization": "Basic alertmanager-test-token"}, None),
    ],
    ids=["no-token", "wrong-token", "wrong-scheme"],
)
def test_unauthenticated_request_stores_nothing(
    running_bot, runs, shared_dir, headers, body
):
    payload = load_alert(shared_dir, "alertmanager_v4_firing.json")

    status, answer = send(
        running_bot.url, "alertmanager", json.dumps(payload).encode(), headers
    )
    runs.wait()

    assert status == 401
    assert answer == {"error": "authentication failed"}
    assert rows(running_bot, Signal) == []
    assert running_bot.fake_slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"alerts": "none", "groupKey": "{}"}'],
    ids=["not-json", "not-object", "alerts-not-list"],
)
def test_malformed_payload_is_400(running_bot, runs, body):
    status, answer = send(
        running_bot.url,
        "alertmanager",
        body,
        {"Authorization": "Bearer alertmanager-test-token"},
    )
    runs.wait()

    assert status == 400
    assert "invalid alertmanager payload" in answer["error"]
    assert rows(running_bot, Signal) == []


def test_malformed_alert_stores_no_other(running_bot, runs, shared_dir):
    payload = alertmanager_group(shared_dir, "Broken", ["aaaa0001", "aaaa0002"])
    payload["alerts"][1]["startsAt"] = "yesterday"

    status, answer = send_alertmanager(running_bot.url, payload)

    assert status == 400
    assert "alerts[1].startsAt" in answer["error"]
    assert rows(running_bot, Signal) == []


def test_source_without_credential_rejected(running_bot, runs, shared_dir, caplog):
    running_bot.app.alerts.credentials["grafana"] = type(
        running_bot.app.alerts.credentials["grafana"]
    )()
    body = json.dumps(load_alert(shared_dir, "grafana_webhook_firing.json")).encode()

    status, _ = send(running_bot.url, "grafana", body)

    assert status == 401
    assert "alerts.sources.grafana" in caplog.text


def test_unknown_source_is_404(running_bot):
    status, answer = send(running_bot.url, "nagios", b"{}")

    assert status == 404
    assert "alertmanager" in answer["error"]


def test_pagerduty_p1_declares_incident(running_bot, runs, shared_dir):
    payload = load_alert(shared_dir, "pagerduty_v3_incident_triggered.json")

    status, _ = send_pagerduty(running_bot.url, payload)
    runs.wait()
    status_again, _ = send_pagerduty(running_bot.url, payload)
    runs.wait()

    assert status == status_again == 200
    [incident] = rows(running_bot, Incident)
    assert incident.title == "A little bump in the road"
    assert incident.severity == 1
    assert incident.detected_at == datetime(2020, 4, 9, 15, 16, 27, tzinfo=UTC)
    assert incident.services == ["API Service"]
    [group] = rows(running_bot, SignalGroup)
    assert group.state == "declared"
    assert group.channel_id == incident.channel_id
    alerts = [e for e in rows(running_bot, TimelineEvent) if e.kind == "alert"]
    assert [e.text for e in alerts] == ["A little bump in the road firing"]


def test_pagerduty_resolution_lands_on_timeline(running_bot, runs, shared_dir):
    payload = load_alert(shared_dir, "pagerduty_v3_incident_triggered.json")
    send_pagerduty(running_bot.url, payload)
    runs.wait()
    payload["event"]["event_type"] = "incident.resolved"
    payload["event"]["occurred_at"] = "2020-04-09T16:00:00.000Z"
    payload["event"]["data"]["status"] = "resolved"

    send_pagerduty(running_bot.url, payload)
    runs.wait()

    alerts = [e for e in rows(running_bot, TimelineEvent) if e.kind == "alert"]
    assert [e.data["status"] for e in alerts] == ["firing", "resolved"]
    assert alerts[1].occurred_at == datetime(2020, 4, 9, 16, 0, tzinfo=UTC)


def test_pagerduty_accepts_any_of_several_signatures(running_bot, shared_dir):
    body = json.dumps(
        load_alert(shared_dir, "pagerduty_v3_incident_priority_updated.json")
    ).encode()
    from alert_helpers import pagerduty_signature

    header = pagerduty_signature(body, "old-secret") + "," + pagerduty_signature(body)

    status, _ = send(
        running_bot.url, "pagerduty", body, {"X-PagerDuty-Signature": header}
    )

    assert status == 200


def click(driver, group, action):
    return driver.click(group.message_ts, TRIAGE, action, user="U0RESPOND1")


def test_declare_button_opens_incident(running_bot, runs, shared_dir):
    driver = Driver(running_bot, running_bot.fake_slack)
    send_alertmanager(
        running_bot.url, load_alert(shared_dir, "alertmanager_v4_firing.json")
    )
    runs.wait()
    [group] = rows(running_bot, SignalGroup)

    status, reply = click(
        driver,
        group,
        {"action_id": ids.ALERT_DECLARE, "value": str(group.id), "block_id": "b"},
    )
    runs.wait()

    assert status == 200
    assert "Declared" in reply["text"]
    [incident] = rows(running_bot, Incident)
    assert incident.title == "KubeJobCompletion"
    assert incident.detected_at == FIRED_AT
    events = rows(running_bot, TimelineEvent)
    runbooks = [e for e in events if e.kind == "runbook"]
    assert len(runbooks) == 1
    assert "kubejobcompletion" in runbooks[0].text
    [group] = rows(running_bot, SignalGroup)
    assert group.state == "declared"
    assert group.decided_by == "U0RESPOND1"
    assert controls(running_bot.fake_slack, group.message_ts) is None
    with urllib.request.urlopen(running_bot.url + "/metrics", timeout=5) as response:
        metrics = response.read().decode()
    counted = 'warroom_actions_total{action="alert_declare",outcome="ok"} 1'
    assert counted in metrics


def test_second_declare_click_declares_nothing(running_bot, runs, shared_dir):
    driver = Driver(running_bot, running_bot.fake_slack)
    send_alertmanager(
        running_bot.url, load_alert(shared_dir, "alertmanager_v4_firing.json")
    )
    runs.wait()
    [group] = rows(running_bot, SignalGroup)
    action = {"action_id": ids.ALERT_DECLARE, "value": str(group.id), "block_id": "b"}

    click(driver, group, action)
    runs.wait()
    _, reply = click(driver, group, action)
    runs.wait()

    assert len(rows(running_bot, Incident)) == 1
    assert "already handled" in reply["text"]


def test_attach_and_resolve_feed_timeline(running_bot, runs, shared_dir):
    driver = Driver(running_bot, running_bot.fake_slack)
    incident = driver.declare("Checkout errors")
    send_alertmanager(
        running_bot.url, load_alert(shared_dir, "alertmanager_v4_firing.json")
    )
    runs.wait()
    [group] = rows(running_bot, SignalGroup)
    block = controls(running_bot.fake_slack, group.message_ts)
    menu = block["elements"][1]
    assert menu["placeholder"]["text"] == "Attach to INC-n"

    status, reply = click(
        driver,
        group,
        {
            "action_id": ids.ALERT_ATTACH,
            "block_id": block["block_id"],
            "selected_option": menu["options"][0],
        },
    )
    runs.wait()
    send_alertmanager(
        running_bot.url, load_alert(shared_dir, "alertmanager_v4_resolved.json")
    )
    runs.wait()

    assert status == 200
    assert "Attached" in reply["text"]
    alerts = driver.events(incident.id, kind="alert")
    assert [e.data["status"] for e in alerts] == ["firing", "resolved"]
    assert driver.incident(incident.id).detected_at == FIRED_AT


def test_dismissed_group_reopens_on_new_alert(running_bot, runs, shared_dir):
    driver = Driver(running_bot, running_bot.fake_slack)
    send_alertmanager(
        running_bot.url, alertmanager_group(shared_dir, "DiskFull", ["d0000001"])
    )
    runs.wait()
    [group] = rows(running_bot, SignalGroup)

    click(
        driver,
        group,
        {"action_id": ids.ALERT_DISMISS, "value": str(group.id), "block_id": "b"},
    )
    runs.wait()
    dismissed = rows(running_bot, SignalGroup)[0].state
    send_alertmanager(
        running_bot.url, alertmanager_group(shared_dir, "DiskFull", ["d0000001"])
    )
    runs.wait()
    after_repeat = rows(running_bot, SignalGroup)[0].state
    send_alertmanager(
        running_bot.url,
        alertmanager_group(shared_dir, "DiskFull", ["d0000001", "d0000002"]),
    )
    runs.wait()

    assert dismissed == "dismissed"
    assert after_repeat == "dismissed"
    assert rows(running_bot, SignalGroup)[0].state == "open"
    assert len(triage_posts(running_bot.fake_slack)) == 1


def test_ignored_alert_is_stored_not_posted(running_bot, runs, shared_dir):
    send_alertmanager(
        running_bot.url, alertmanager_group(shared_dir, "Watchdog", ["w0000001"])
    )
    runs.wait()

    assert len(rows(running_bot, Signal)) == 1
    assert running_bot.fake_slack.calls_to("chat.postMessage") == []


def test_storm_posts_once_per_group(running_bot, runs, shared_dir):
    from concurrent.futures import ThreadPoolExecutor

    payloads = [
        alertmanager_group(shared_dir, f"Storm{group}", [f"s{group:02d}{n:04d}"])
        for n in range(10)
        for group in range(5)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda p: send_alertmanager(running_bot.url, p), payloads)
        )
    runs.wait()

    assert {status for status, _ in results} == {200}
    assert len(rows(running_bot, Signal)) == 50
    posts = triage_posts(running_bot.fake_slack)
    assert len(posts) == 5
    for group in rows(running_bot, SignalGroup):
        assert group.posted_revision == group.revision


def test_nothing_in_path_outside_alerts(running_bot, tmp_path: Path):
    status, _ = send(running_bot.url, "", b"{}")

    assert status == 404


def test_future_start_does_not_set_future_detection(running_bot, runs, shared_dir):
    driver = Driver(running_bot, running_bot.fake_slack)
    payload = load_alert(shared_dir, "alertmanager_v4_firing.json")
    for alert in payload["alerts"]:
        alert["startsAt"] = "2999-01-01T00:00:00Z"
    send_alertmanager(running_bot.url, payload)
    runs.wait()
    [group] = rows(running_bot, SignalGroup)

    click(
        driver,
        group,
        {"action_id": ids.ALERT_DECLARE, "value": str(group.id), "block_id": "b"},
    )
    runs.wait()

    [incident] = rows(running_bot, Incident)
    assert incident.detected_at is not None
    assert incident.detected_at <= datetime.now(UTC)
