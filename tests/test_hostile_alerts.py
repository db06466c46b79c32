"""Probes of the alert webhooks and triage posts, as an SRE would hit them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alert_helpers import CONFIG, ENVIRONMENT, load_alert, send_alertmanager
from conftest import make_settings
from driver import COMMANDER, Driver, ListenerRuns

from bot.config import load_config
from bot.flows.base import Actor
from bot.flows.declare import DeclareRequest, declare
from bot.settings import Settings
from bot.store.models import SignalGroup

TRIAGE = "C0TRIAGE01"


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


def groups(bot) -> list[SignalGroup]:
    with bot.app.runtime.sessions() as session:
        return session.query(SignalGroup).order_by(SignalGroup.id).all()


def test_triage_menu_hides_private_titles(running_bot, runs, shared_dir):
    driver = Driver(running_bot, running_bot.fake_slack)
    actor = Actor(running_bot.fake_slack.team_id, COMMANDER, "C0GENERAL01")
    replies: list[str] = []
    declare(
        running_bot.app.runtime,
        actor,
        DeclareRequest(title="Credential leak in build logs", private=True),
        replies.append,
    )
    assert replies and "Declared" in replies[0], replies
    driver.fake.wait_for(lambda: driver.latest_incident().channel_id)

    send_alertmanager(
        running_bot.url, load_alert(shared_dir, "alertmanager_v4_firing.json")
    )
    runs.wait()

    [group] = groups(running_bot)
    posted = json.dumps(running_bot.fake_slack.messages(TRIAGE))
    assert group.message_ts is not None
    assert "Credential leak" not in posted
