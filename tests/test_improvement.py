"""The improvement plan: expected effects, ordering, proposals and their buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver

from bot.config import WarroomConfig
from bot.incidents.improvement import (
    Analysis,
    expected_effect,
    plan_groups,
    plan_item,
    propose,
)
from bot.incidents.lifecycle import Instants, compute_metrics
from bot.slack import ids
from bot.store.models import ActionItem

START = datetime(2026, 11, 3, 14, 0, tzinfo=UTC)
METRICS = compute_metrics(
    Instants(
        declared=START + timedelta(minutes=10),
        impact_started=START,
        detected=START + timedelta(minutes=6),
        acknowledged=START + timedelta(minutes=9),
        mitigated=START + timedelta(minutes=40),
        resolved=START + timedelta(minutes=47),
    )
)


@pytest.mark.parametrize(
    ("phase", "minutes"),
    [
        ("detection", 6),
        ("response", 3),
        ("mitigation", 31),
        ("recovery", 7),
        ("prevention", 47),
    ],
    ids=str,
)
def test_expected_effect_is_time_in_phase(phase, minutes):
    assert expected_effect(phase, METRICS) == timedelta(minutes=minutes)


def test_expected_effect_unknown_without_phase():
    assert expected_effect(None, METRICS) is None


def item(item_id, text, priority, category, phase, effort):
    return plan_item(
        item_id=item_id,
        text=text,
        priority=priority,
        category=category,
        phase=phase,
        effort=effort,
        owner="U0OWNER001",
        due="2026-11-20",
        status="open",
        metrics=METRICS,
    )


def test_plan_grouped_then_priority_then_effect_per_effort():
    items = [
        item(1, "slow detect", "P2", "detect", "detection", "2d"),
        item(2, "process", "P1", "process", None, None),
        item(3, "fast detect", "P2", "detect", "detection", "S"),
        item(4, "urgent detect", "P0", "detect", "detection", "L"),
        item(5, "prevent", "P3", "prevent", "prevention", "M"),
        item(6, "unknown effect", "P2", "detect", None, "S"),
    ]

    groups = plan_groups(items)

    assert [name for name, _ in groups] == ["prevent", "detect", "process"]
    detect = [member.text for member in groups[1][1]]
    assert detect == ["urgent detect", "fast detect", "slow detect", "unknown effect"]
    assert groups[1][1][1].effect_per_day == timedelta(minutes=6)
    assert groups[1][1][2].effect_per_day == timedelta(minutes=3)


def keys(analysis: Analysis) -> list[str]:
    return [proposal.key for proposal in propose(analysis)]


@pytest.mark.parametrize(
    ("analysis", "expected"),
    [
        pytest.param(
            Analysis(causes=["a missing index on orders.created_at"], alerted=True),
            ["index"],
            id="missing-index",
        ),
        pytest.param(
            Analysis(factors=["the client had no timeout"], alerted=True),
            ["timeout"],
            id="missing-timeout",
        ),
        pytest.param(
            Analysis(causes=["the payment provider returned 500s"], alerted=True),
            ["resilience"],
            id="third-party",
        ),
        pytest.param(Analysis(alerted=False), ["alert"], id="no-alert"),
        pytest.param(
            Analysis(
                alerted=True,
                runbooks=[("db-failover", "missing"), ("cache", "followed")],
            ),
            ["runbook:missing:db-failover"],
            id="runbook-missing",
        ),
        pytest.param(
            Analysis(alerted=True, runbooks=[("db-failover", "ineffective")]),
            ["runbook:ineffective:db-failover"],
            id="runbook-ineffective",
        ),
        pytest.param(
            Analysis(alerted=True, services_without_slo=["payments"]),
            ["slo:payments"],
            id="no-slo",
        ),
    ],
)
def test_proposals_implied_by_analysis(analysis, expected):
    assert keys(analysis) == expected


def test_proposal_disappears_when_an_item_covers_it():
    implied = Analysis(causes=["a missing index on orders.created_at"])
    covered = Analysis(
        causes=["a missing index on orders.created_at"],
        action_texts=["Add an index on orders.created_at", "Page on slow alerts"],
    )

    assert keys(implied) == ["index", "alert"]
    assert keys(covered) == []


def test_decided_proposal_not_proposed_again():
    analysis = Analysis(services_without_slo=["payments"], decided=frozenset({"alert"}))

    assert keys(analysis) == ["slo:payments"]


def test_slo_proposal_is_p0_detect():
    (proposal,) = propose(Analysis(alerted=True, services_without_slo=["payments"]))

    assert proposal.text == "Define an SLO for payments"
    assert proposal.priority == "P0"
    assert proposal.category == "detect"


@pytest.fixture
def settings(fake_slack, database_url):
    return make_settings(fake_slack, database_url, config=WarroomConfig())


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def proposal_messages(fake_slack, channel: str) -> list[dict]:
    return [
        message
        for message in fake_slack.messages(channel)
        if "Proposed action" in message["text"]
    ]


def buttons(message: dict) -> dict[str, dict]:
    (actions,) = [block for block in message["blocks"] if block["type"] == "actions"]
    return {element["action_id"]: element for element in actions["elements"]}


def test_accept_and_dismiss_proposals_in_slack(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    driver.command("cause a missing index on orders.created_at", channel=channel)

    driver.command("postmortem", channel=channel)
    index, alert = proposal_messages(fake_slack, channel)
    _, accepted = driver.click(
        index["ts"], channel, buttons(index)[ids.PROPOSAL_ACCEPT], user=COMMANDER
    )
    _, again = driver.click(
        index["ts"], channel, buttons(index)[ids.PROPOSAL_ACCEPT], user=COMMANDER
    )
    _, dismissed = driver.click(
        alert["ts"], channel, buttons(alert)[ids.PROPOSAL_DISMISS], user=COMMANDER
    )

    assert "Add the missing index" in index["text"]
    assert "burn-rate alert" in alert["text"]
    assert accepted is not None and "Added action #1" in accepted["text"]
    assert again is not None and "already decided" in again["text"]
    assert dismissed is not None and "Dismissed" in dismissed["text"]
    with driver.bot.app.runtime.sessions() as session:
        (stored,) = session.query(ActionItem).all()
        assert stored.priority == "P1"
        assert stored.category == "prevent"
        assert stored.phase == "prevention"
        assert stored.effort == "M"
        assert stored.owner_id == COMMANDER
    updated = {m["ts"]: m for m in fake_slack.messages(channel)}
    assert "accepted" in updated[index["ts"]]["text"]
    assert "dismissed" in updated[alert["ts"]]["text"]
    assert "actions" not in [b["type"] for b in updated[alert["ts"]]["blocks"]]

    driver.command("postmortem", channel=channel)

    assert proposal_messages(fake_slack, channel) == []  # both decided, none new
