"""The alerts: section of warroom.yaml, its routing rules and its documentation."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from bot.ingest import config as alerts_config
from bot.ingest.routing import DECLARE, IGNORE, TRIAGE, route_signal
from bot.ingest.signal import AlertSignal

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()

EXAMPLE = """\
alerts:
  team_id: T0123ABCD
  triage_channel: "#alerts"
  service_labels: [service, app]
  service_aliases: {"API Service": api}
  sources:
    pagerduty: {signing_secret_env: PAGERDUTY_WEBHOOK_SECRET}
    grafana: {hmac_secret_env: GRAFANA_SECRET, signature_header: X-Sig}
  rules:
    - match: {source: pagerduty, severity: P1}
      declare: 1
    - match: {name: "Kube*", labels: {namespace: [default, kube-system]}}
      triage: "#kube"
    - match: {name: Watchdog}
      ignore: true
"""


def write(tmp_path, text):
    path = tmp_path / "warroom.yaml"
    path.write_text(text)
    return path


def signal(**changes):
    values = {
        "source": "alertmanager",
        "name": "KubeJobCompletion",
        "fingerprint": "f",
        "group_key": "g",
        "status": "firing",
        "starts_at": datetime(2026, 12, 4, tzinfo=UTC),
        "severity": "warning",
        "labels": {"namespace": "default"},
    }
    return AlertSignal(**{**values, **changes})


def test_example_is_read(tmp_path):
    alerts = load_config(write(tmp_path, EXAMPLE)).alerts

    assert alerts.team_id == "T0123ABCD"
    assert alerts.services.labels == ("service", "app")
    assert alerts.services.rename("API Service") == "api"
    assert alerts.sources["grafana"].signature_header == "X-Sig"
    assert [rule.action for rule in alerts.rules] == [DECLARE, TRIAGE, IGNORE]
    assert alerts.rules[0].severity == 1


def test_secrets_read_from_environment(tmp_path):
    alerts = load_config(write(tmp_path, EXAMPLE)).alerts

    credentials = alerts.sources["pagerduty"].credentials(
        {"PAGERDUTY_WEBHOOK_SECRET": " s3cret "}
    )
    missing = alerts.sources["pagerduty"].credentials({})

    assert credentials.signing_secret == "s3cret"
    assert credentials.configured
    assert not missing.configured


@pytest.mark.parametrize(
    ("changes", "action", "channel"),
    [
        ({"source": "pagerduty", "severity": "p1"}, DECLARE, None),
        ({}, TRIAGE, "#kube"),
        ({"labels": {"namespace": "monitoring"}}, TRIAGE, "#alerts"),
        ({"name": "Watchdog"}, IGNORE, None),
    ],
    ids=["declare-case-insensitive", "glob-and-label", "fallback", "ignore"],
)
def test_first_matching_rule_routes(tmp_path, changes, action, channel):
    alerts = load_config(write(tmp_path, EXAMPLE)).alerts

    route = route_signal(signal(**changes), alerts.rules, alerts.triage_channel)

    assert route.action == action
    assert route.channel == channel


def test_no_rule_and_no_channel_ignores():
    assert route_signal(signal(), (), None).action == IGNORE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("alerts: {sources: {nagios: {}}}", "alerts.sources.nagios: unknown key"),
        (
            "alerts: {sources: {datadog: {signing_secret_env: X}}}",
            "only PagerDuty sends this signature",
        ),
        (
            "alerts: {sources: {datadog: {bearer_token_env: 'not a name'}}}",
            "is not an environment variable name",
        ),
        ("alerts: {rules: [{match: {}}]}", "alerts.rules[0]: the rule has 0 actions"),
        ("alerts: {rules: [{declare: 7}]}", "7 is not a severity level"),
        ("alerts: {rules: [{match: {source: x}, ignore: true}]}", 'unknown source "x"'),
        ("alerts: {rules: [{ignore: false}]}", "expected true"),
    ],
    ids=[
        "source",
        "signing-secret",
        "env-name",
        "no-action",
        "level",
        "rule-source",
        "ignore",
    ],
)
def test_invalid_alerts_config_names_key(tmp_path, text, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize(
    "keys",
    [
        alerts_config.ALERTS_KEYS,
        alerts_config.SOURCE_KEYS,
        alerts_config.RULE_KEYS,
        alerts_config.MATCH_KEYS,
    ],
    ids=["alerts", "source", "rule", "match"],
)
def test_alerts_keys_documented(keys):
    for key in keys:
        assert re.search(rf"\b{key}\b", README), key
