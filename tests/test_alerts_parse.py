"""Parsing alert payloads of each source into signals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.ingest.parse import parse_body
from bot.ingest.services import ServiceMapping
from bot.ingest.signal import PayloadError

SERVICES = ServiceMapping(labels=("service", "team", "job"), aliases={"blue": "web"})


def read(shared_dir, name) -> bytes:
    return (shared_dir / "alerts" / name).read_bytes()


def test_alertmanager_firing_fields(shared_dir):
    body = read(shared_dir, "alertmanager_v4_firing.json")

    [signal] = parse_body("alertmanager", body, SERVICES)

    assert signal.name == "KubeJobCompletion"
    assert signal.status == "firing"
    assert signal.starts_at == datetime(2019, 12, 13, 8, 57, 35, 95800, tzinfo=UTC)
    assert signal.ends_at is None
    assert signal.fingerprint == "c92ef4affaad00fa"
    assert signal.group_key == '{}:{alertname="KubeJobCompletion"}'
    assert signal.service == "kube-state-metrics"
    assert signal.summary.startswith("Job default/email-tracking")
    assert signal.source_url.startswith("https://localhost/prometheus/graph")


def test_alertmanager_resolved_has_end(shared_dir):
    body = read(shared_dir, "alertmanager_v4_resolved.json")

    [signal] = parse_body("alertmanager", body, SERVICES)

    assert signal.status == "resolved"
    assert signal.ends_at == datetime(2019, 12, 13, 10, 12, 5, 95800, tzinfo=UTC)


def test_alertmanager_without_fingerprint_uses_labels(shared_dir):
    payload = json.loads(read(shared_dir, "alertmanager_v4_firing.json"))
    del payload["alerts"][0]["fingerprint"]
    again = json.loads(json.dumps(payload))
    again["alerts"][0]["labels"] = dict(
        reversed(payload["alerts"][0]["labels"].items())
    )

    [first] = parse_body("alertmanager", json.dumps(payload).encode(), SERVICES)
    [second] = parse_body("alertmanager", json.dumps(again).encode(), SERVICES)

    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 64


def test_grafana_alerts_and_extra_fields(shared_dir):
    body = read(shared_dir, "grafana_webhook_firing.json")

    signals = parse_body("grafana", body, SERVICES)

    assert [s.name for s in signals] == ["High memory usage", "High CPU usage"]
    assert [s.fingerprint for s in signals] == ["c6eadffa33fcdf37", "bc97ff14869b13e3"]
    assert signals[0].starts_at == datetime(2021, 10, 12, 7, 51, 3, 157076, tzinfo=UTC)
    assert signals[0].service == "web"
    assert signals[0].runbook_url == "https://myrunbook.com/runbook/1234"
    assert signals[0].summary == "This alert was triggered for zone us-1"
    assert signals[0].dashboard_url is None
    assert signals[0].group_key == signals[1].group_key == "1:My Super Webhook:{}:{}"


def test_pagerduty_triggered(shared_dir):
    body = read(shared_dir, "pagerduty_v3_incident_triggered.json")

    [signal] = parse_body(
        "pagerduty", body, ServiceMapping(aliases={"API Service": "api"})
    )

    assert signal.name == "A little bump in the road"
    assert signal.fingerprint == "PGR0VU2"
    assert signal.group_key == "PF9KMXH"
    assert signal.severity == "P1"
    assert signal.service == "api"
    assert signal.starts_at == datetime(2020, 4, 9, 15, 16, 27, tzinfo=UTC)
    assert signal.source_url == "https://acme.pagerduty.com/incidents/PGR0VU2"


def test_pagerduty_resolved_event(shared_dir):
    payload = json.loads(read(shared_dir, "pagerduty_v3_incident_triggered.json"))
    payload["event"]["event_type"] = "incident.resolved"

    [signal] = parse_body("pagerduty", json.dumps(payload).encode(), SERVICES)

    assert signal.status == "resolved"
    assert signal.ends_at == datetime(2020, 4, 9, 15, 16, 27, tzinfo=UTC)


def test_pagerduty_service_event_ignored(shared_dir):
    payload = json.loads(read(shared_dir, "pagerduty_v3_incident_triggered.json"))
    payload["event"]["resource_type"] = "service"

    assert parse_body("pagerduty", json.dumps(payload).encode(), SERVICES) == []


def test_datadog_default_template(shared_dir):
    body = read(shared_dir, "datadog_webhook_default_rendered_example.json")

    [signal] = parse_body("datadog", body, SERVICES)

    assert signal.name == "[Memory Alert]"
    assert signal.status == "firing"
    assert signal.starts_at == datetime(2014, 7, 29, 19, 37, 52, tzinfo=UTC)
    assert signal.fingerprint == "[Memory Alert]"


def test_datadog_recovery_matches_trigger(shared_dir):
    payload = json.loads(
        read(shared_dir, "datadog_webhook_default_rendered_example.json")
    )
    triggered = dict(
        payload, aggreg_key="9bd4ac313a4d1e8f", tags="service:cart,env:prod"
    )
    recovered = dict(
        triggered, title="[Recovered] [Memory Alert]", date="1406666272000"
    )

    [first] = parse_body("datadog", json.dumps(triggered).encode(), SERVICES)
    [second] = parse_body("datadog", json.dumps(recovered).encode(), SERVICES)

    assert first.fingerprint == second.fingerprint == "9bd4ac313a4d1e8f"
    assert first.service == "cart"
    assert second.status == "resolved"
    assert second.ends_at == datetime(2014, 7, 29, 20, 37, 52, tzinfo=UTC)


@pytest.mark.parametrize(
    ("source", "payload", "field"),
    [
        ("alertmanager", {"groupKey": "{}"}, "alerts"),
        (
            "alertmanager",
            {"groupKey": "{}", "alerts": [{"status": "odd"}]},
            "alerts[0].status",
        ),
        (
            "alertmanager",
            {"groupKey": "{}", "alerts": [{"status": "firing", "labels": {}}]},
            "alerts[0].labels.alertname",
        ),
        ("pagerduty", {"event": {"event_type": "incident.triggered"}}, "event.data.id"),
        ("datadog", {"title": "[Triggered] x", "date": "soon"}, "date"),
        ("datadog", {"title": "no transition", "date": "1"}, "alert_transition"),
    ],
    ids=["am-no-alerts", "am-status", "am-no-name", "pd-no-id", "dd-date", "dd-status"],
)
def test_invalid_payload_names_field(source, payload, field):
    if source == "pagerduty":
        payload["event"]["resource_type"] = "incident"

    with pytest.raises(PayloadError, match=field.replace("[", r"\[")):
        parse_body(source, json.dumps(payload).encode(), SERVICES)
