"""Build and send alert webhooks to the running bot, signed as each source signs."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ALERTMANAGER_TOKEN = "alertmanager-test-token"
PAGERDUTY_SECRET = "pagerduty-test-secret"
GRAFANA_SECRET = "grafana-test-secret"
DATADOG_TOKEN = "datadog-test-token"

ENVIRONMENT = {
    "TEST_ALERTMANAGER_TOKEN": ALERTMANAGER_TOKEN,
    "TEST_PAGERDUTY_SECRET": PAGERDUTY_SECRET,
    "TEST_GRAFANA_SECRET": GRAFANA_SECRET,
    "TEST_DATADOG_TOKEN": DATADOG_TOKEN,
}

CONFIG = """\
alerts:
  triage_channel: C0TRIAGE01
  sources:
    alertmanager: {bearer_token_env: TEST_ALERTMANAGER_TOKEN}
    grafana: {hmac_secret_env: TEST_GRAFANA_SECRET}
    pagerduty: {signing_secret_env: TEST_PAGERDUTY_SECRET}
    datadog: {bearer_token_env: TEST_DATADOG_TOKEN}
  rules:
    - match: {source: pagerduty, severity: P1}
      declare: 1
    - match: {name: Watchdog}
      ignore: true
"""


def load_alert(shared: Path, name: str) -> dict[str, Any]:
    return json.loads((shared / "alerts" / name).read_text())


def alertmanager_group(
    shared: Path, group: str, fingerprints: list[str], status: str = "firing"
) -> dict[str, Any]:
    """Return the recorded firing payload rewritten to `group` with one alert each."""
    payload = load_alert(shared, "alertmanager_v4_firing.json")
    template = payload["alerts"][0]
    payload["groupKey"] = f'{{}}:{{alertname="{group}"}}'
    payload["status"] = status
    alerts = []
    for fingerprint in fingerprints:
        alert = copy.deepcopy(template)
        alert["fingerprint"] = fingerprint
        alert["labels"]["alertname"] = group
        alert["labels"]["pod"] = fingerprint
        alert["status"] = status
        if status == "resolved":
            alert["endsAt"] = "2019-12-13T10:12:05.095800493Z"
        alerts.append(alert)
    payload["alerts"] = alerts
    return payload


def pagerduty_signature(body: bytes, secret: str = PAGERDUTY_SECRET) -> str:
    return "v1=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send(
    base_url: str, source: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a webhook body and return the status and the JSON response."""
    request = urllib.request.Request(
        f"{base_url}/alerts/{source}",
        data=body,
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def send_alertmanager(
    base_url: str, payload: dict[str, Any], token: str = ALERTMANAGER_TOKEN
) -> tuple[int, dict[str, Any]]:
    body = json.dumps(payload).encode()
    return send(base_url, "alertmanager", body, {"Authorization": f"Bearer {token}"})


def send_pagerduty(
    base_url: str, payload: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    body = json.dumps(payload).encode()
    signature = pagerduty_signature(body)
    return send(base_url, "pagerduty", body, {"X-PagerDuty-Signature": signature})
