"""Hypotheses through the bot's real endpoint and a fake Slack."""

from __future__ import annotations

import pytest
from conftest import make_settings
from driver import COMMANDER, Driver, view_submission

from bot.config import WarroomConfig
from bot.docs.postmortem import build_context, render
from bot.slack import ids
from bot.store.models import Hypothesis, HypothesisEvidence
from bot.templating import make_environment

RESPONDER = "U0RESPOND1"
GRAFANA = "https://grafana.example/d/pool?from=now-1h"


@pytest.fixture
def settings(fake_slack, database_url):
    return make_settings(fake_slack, database_url, config=WarroomConfig())


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    fake_slack.add_user(RESPONDER, name="sam.roe", tz="UTC")
    return Driver(running_bot, fake_slack)


def stored(driver: Driver) -> list[Hypothesis]:
    with driver.bot.app.runtime.sessions() as session:
        found = session.query(Hypothesis).order_by(Hypothesis.id).all()
        for hypothesis in found:
            list(hypothesis.evidence)
        return found


def post_of(driver: Driver, channel: str, hypothesis: Hypothesis) -> dict:
    for message in driver.fake.messages(channel):
        if message["ts"] == hypothesis.message_ts:
            return message
    raise AssertionError(f"no post {hypothesis.message_ts} in {channel}")


def buttons(message: dict) -> dict[str, dict]:
    (block,) = [b for b in message["blocks"] if b["type"] == "actions"]
    return {element["action_id"]: element for element in block["elements"]}


def propose(driver: Driver, channel: str, text: str, user: str = RESPONDER):
    reply = driver.command(f"hypothesis {text}", channel=channel, user=user)
    driver.fake.wait_for(lambda: stored(driver)[-1].message_ts)
    return reply, stored(driver)[-1]


def click(driver: Driver, channel: str, hypothesis: Hypothesis, action_id: str):
    message = post_of(driver, channel, hypothesis)
    return driver.click(
        hypothesis.message_ts,
        channel,
        buttons(message)[action_id],
        user=RESPONDER,
    )


def open_evidence_form(driver: Driver, channel: str, hypothesis: Hypothesis) -> dict:
    """Press "Add evidence", which answers with a form instead of a reply."""
    button = buttons(post_of(driver, channel, hypothesis))[ids.HYPOTHESIS_EVIDENCE]
    payload = {
        "type": "block_actions",
        "user": {"id": RESPONDER, "username": "sam.roe", "team_id": "T0FAKETEAM"},
        "api_app_id": "A0FAKEAPP1",
        "token": "FAKEverificationTOKEN00000",
        "container": {"type": "message", "message_ts": hypothesis.message_ts},
        "trigger_id": "1111.2222.evidence",
        "team": {"id": "T0FAKETEAM", "domain": "acme-sre"},
        "channel": {"id": channel, "name": "incident"},
        "message": {"type": "message", "ts": hypothesis.message_ts, "text": ""},
        "response_url": driver.fake.response_url("evidence"),
        "actions": [{**button, "action_ts": "1.0", "type": "button"}],
    }
    status, _ = driver.submit(payload)
    assert status == 200
    driver.fake.wait_for(lambda: driver.fake.calls_to("views.open"))
    return driver.fake.calls_to("views.open")[-1].json_arg("view")


def test_hypothesis_posted_with_buttons(driver):
    incident = driver.declare("Checkout errors")

    reply, hypothesis = propose(driver, incident.channel_id, "pool too small")

    assert "Posted the hypothesis" in reply["text"]
    assert (hypothesis.text, hypothesis.status) == ("pool too small", "open")
    assert hypothesis.created_by == RESPONDER
    message = post_of(driver, incident.channel_id, hypothesis)
    assert set(buttons(message)) == {
        ids.HYPOTHESIS_CONFIRM,
        ids.HYPOTHESIS_RULE_OUT,
        ids.HYPOTHESIS_EVIDENCE,
    }
    assert buttons(message)[ids.HYPOTHESIS_CONFIRM]["value"] == str(hypothesis.id)


def test_hypothesis_needs_text(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("hypothesis", channel=incident.channel_id)

    assert "Write the hypothesis after the command" in reply["text"]
    assert stored(driver) == []


def test_hypothesis_outside_incident_rejected(driver):
    reply = driver.command("hypothesis pool too small", channel="C0ELSEWHERE")

    assert "works inside an incident channel" in reply["text"]


def test_confirm_then_root_cause(driver):
    incident = driver.declare("Checkout errors")
    _, hypothesis = propose(driver, incident.channel_id, "pool too small")

    _, confirmed = click(
        driver, incident.channel_id, hypothesis, ids.HYPOTHESIS_CONFIRM
    )

    assert "Marked confirmed" in confirmed["text"]
    (after,) = stored(driver)
    assert (after.status, after.decided_by) == ("confirmed", RESPONDER)
    driver.fake.wait_for(
        lambda: (
            ids.HYPOTHESIS_ROOT_CAUSE
            in buttons(post_of(driver, incident.channel_id, after))
        )
    )

    _, promoted = click(driver, incident.channel_id, after, ids.HYPOTHESIS_ROOT_CAUSE)

    assert promoted["text"] == "Recorded the hypothesis as the root cause."
    (cause,) = driver.events(incident.id, "cause")
    assert cause.text == "pool too small"
    assert cause.actor_id == RESPONDER
    assert cause.data == {"hypothesis": after.id}
    assert stored(driver)[0].root_cause_at is not None
    timeline = [event.text for event in driver.events(incident.id, "hypothesis")]
    assert timeline == [
        f"hypothesis #{after.id}: pool too small",
        f"hypothesis #{after.id} confirmed: pool too small",
    ]


def test_root_cause_needs_confirmation(driver):
    incident = driver.declare("Checkout errors")
    _, hypothesis = propose(driver, incident.channel_id, "pool too small")
    action = {
        "action_id": ids.HYPOTHESIS_ROOT_CAUSE,
        "value": str(hypothesis.id),
        "text": {"type": "plain_text", "text": "Make root cause"},
    }

    _, reply = driver.click(
        hypothesis.message_ts, incident.channel_id, action, user=RESPONDER
    )

    assert reply["text"] == "Only a confirmed hypothesis can become the root cause."
    assert driver.events(incident.id, "cause") == []


def test_ruled_out_kept_in_postmortem(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    _, kept = propose(driver, incident.channel_id, "DNS failures in eu-west-1")
    _, ruled = click(driver, incident.channel_id, kept, ids.HYPOTHESIS_RULE_OUT)
    assert "Marked ruled out" in ruled["text"]

    view = open_evidence_form(driver, incident.channel_id, kept)
    assert view["callback_id"] == ids.EVIDENCE_VIEW
    payload = view_submission(
        view,
        {
            "link": {"type": "plain_text_input", "value": GRAFANA},
            "note": {"type": "plain_text_input", "value": "resolver latency flat"},
        },
        user=RESPONDER,
    )
    status, body = driver.submit(payload)
    assert (status, body) == (200, None)
    driver.fake.wait_for(lambda: stored(driver)[0].evidence)

    (hypothesis,) = stored(driver)
    (evidence,) = hypothesis.evidence
    assert isinstance(evidence, HypothesisEvidence)
    assert (evidence.link, evidence.note, evidence.added_by) == (
        GRAFANA,
        "resolver latency flat",
        RESPONDER,
    )
    runtime = driver.bot.app.runtime
    with runtime.sessions() as session:
        incident_row = driver.incident(incident.id)
        context = build_context(session, incident_row, WarroomConfig())
    markdown = render(make_environment(None), context)
    section = markdown.split("## Investigation")[1].split("## ")[0]
    assert f"- **Ruled out:** DNS failures in eu-west-1 (<@{RESPONDER}>," in section
    assert f"  - {GRAFANA}: resolver latency flat (<@{RESPONDER}>," in section


def test_evidence_form_requires_link(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    _, hypothesis = propose(driver, incident.channel_id, "pool too small")
    view = open_evidence_form(driver, incident.channel_id, hypothesis)

    status, body = driver.submit(
        view_submission(
            view,
            {
                "link": {"type": "plain_text_input", "value": "  "},
                "note": {"type": "plain_text_input", "value": None},
            },
        )
    )

    assert status == 200
    assert body == {
        "response_action": "errors",
        "errors": {"link": "Give a link, commit or trace hit."},
    }
