"""Tests of the fake Slack Web API and of the request-signing helpers.

The fake is driven by slack_sdk's real WebClient over HTTP, as the bot drives it.
Tests that expect violations run their own FakeSlack and take the violations they
checked from it, because a violation left behind fails the test.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from fakeslack import FakeSlack, checked_fake_slack, default_shared_dir
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.webhook import WebhookClient
from slack_signing import interactive_body, post_signed, sign, slash_command_body

SHARED = default_shared_dir()
PAYLOADS = SHARED / "slack" / "payloads"
VECTORS = json.loads((PAYLOADS / "signature_vectors.json").read_text())
VECTOR_NAMES = [name for name, value in VECTORS.items() if isinstance(value, dict)]
SIGNING_SECRET = VECTORS["signing_secret"]
CHANNEL = "C0FAKECHAN1"
FIVE_MINUTES = 5 * 60

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*SEV2* declared"}}
MODAL = {
    "type": "modal",
    "callback_id": "incident_modal",
    "title": {"type": "plain_text", "text": "Declare incident"},
    "submit": {"type": "plain_text", "text": "Declare"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title_block",
            "label": {"type": "plain_text", "text": "Incident title"},
            "element": {"type": "plain_text_input", "action_id": "title_input"},
        }
    ],
}


@pytest.fixture
def own_fake() -> Iterator[FakeSlack]:
    """Run a FakeSlack from which each test takes the violations it expects.

    Violations that the test leaves behind still fail it.
    """
    with checked_fake_slack(SHARED) as fake:
        yield fake


def client_for(fake: FakeSlack, **options: Any) -> WebClient:
    return WebClient(base_url=fake.url, token=fake.token, **options)


def take_violations(fake: FakeSlack) -> list[str]:
    """Return the recorded violations and clear them."""
    recorded = list(fake.violations)
    fake.violations.clear()
    return recorded


def slack_error(call: Callable[[], object]) -> SlackApiError:
    """Run a Web API call that must fail and return its error."""
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def vector_body(name: str) -> bytes:
    if name == "official":
        official_body: str = VECTORS["official"]["body"]
        return official_body.encode("utf-8")
    return (PAYLOADS / name).read_bytes().removesuffix(b"\n")


class FrozenClock(Clock):
    def __init__(self, now: float) -> None:
        self.frozen_now = now

    def now(self) -> float:
        return self.frozen_now


# ---- recording and argument checks ----------------------------------------------


def test_good_call_recorded(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    response = client.chat_postMessage(channel=CHANNEL, text="Incident declared")

    assert response["ok"] is True
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 1
    assert calls[0].args == {"channel": CHANNEL, "text": "Incident declared"}
    assert calls[0].headers["authorization"] == f"Bearer {fake_slack.token}"
    assert fake_slack.violations == []


def test_unknown_method_violation(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)

    failure = slack_error(lambda: client.api_call("incidents.declare"))

    assert failure.response["error"] == "unknown_method"
    violations = take_violations(own_fake)
    assert len(violations) == 1
    assert violations[0].startswith("incidents.declare:")


def test_unknown_argument_violation(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)

    failure = slack_error(
        lambda: client.chat_postMessage(channel=CHANNEL, text="hi", colour="red")
    )

    assert failure.response["error"] == "invalid_arguments"
    violations = take_violations(own_fake)
    assert len(violations) == 1
    assert "unknown argument 'colour'" in violations[0]


def test_missing_required_argument_violation(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)

    failure = slack_error(
        lambda: client.api_call("conversations.setTopic", params={"channel": CHANNEL})
    )

    assert failure.response["error"] == "invalid_arguments"
    violations = take_violations(own_fake)
    assert violations == ["conversations.setTopic: missing required argument 'topic'"]


def test_views_open_needs_trigger(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)

    slack_error(lambda: client.api_call("views.open", json={"view": MODAL}))

    violations = take_violations(own_fake)
    assert len(violations) == 1
    assert "'trigger_id' or 'interactivity_pointer'" in violations[0]


@pytest.mark.parametrize(
    ("token", "expected_error"),
    [("xoxb-someone-else", "invalid_auth"), ("", "not_authed")],
    ids=["wrong", "missing"],
)
def test_bad_token_violation(
    own_fake: FakeSlack, token: str, expected_error: str
) -> None:
    client = WebClient(base_url=own_fake.url, token=token or None)

    failure = slack_error(client.auth_test)

    assert failure.response["error"] == expected_error
    assert len(take_violations(own_fake)) == 1


def test_json_body_rejected_where_unsupported(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)

    slack_error(lambda: client.api_call("users.info", json={"user": "U0FAKEUSER1"}))

    violations = take_violations(own_fake)
    assert len(violations) == 1
    assert "accepts only form data" in violations[0]


def test_form_blocks_parsed_by_json_arg(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    arguments = {"channel": CHANNEL, "text": "t", "blocks": json.dumps([SECTION])}

    client.api_call("chat.postMessage", params=arguments)

    call = fake_slack.calls_to("chat.postMessage")[0]
    assert isinstance(call.args["blocks"], str)
    assert call.json_arg("blocks") == [SECTION]
    assert call.json_arg("attachments") is None


def test_valid_blocks_accepted(fake_slack: FakeSlack) -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "INC-42"}},
        SECTION,
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "incident_actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "resolve_incident",
                    "text": {"type": "plain_text", "text": "Resolve"},
                    "style": "danger",
                    "value": "INC-42",
                }
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "by <@U1>"}]},
    ]

    client_for(fake_slack).chat_postMessage(channel=CHANNEL, text="t", blocks=blocks)

    assert fake_slack.calls_to("chat.postMessage")[0].json_arg("blocks") == blocks


INVALID_BLOCKS = {
    "header-too-long": [
        {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    ],
    "unknown-type": [{"type": "sectoin", "text": SECTION["text"]}],
    "unknown-key": [{"type": "divider", "text": SECTION["text"]}],
    "section-without-text": [{"type": "section"}],
    "button-text-too-long": [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "a",
                    "text": {"type": "plain_text", "text": "x" * 76},
                }
            ],
        }
    ],
    "too-many": [{"type": "divider"}] * 51,
    "not-a-list": {"type": "divider"},
}


@pytest.mark.parametrize("blocks", INVALID_BLOCKS.values(), ids=INVALID_BLOCKS.keys())
def test_invalid_blocks_violation(own_fake: FakeSlack, blocks: Any) -> None:
    client = client_for(own_fake)

    failure = slack_error(
        lambda: client.chat_postMessage(channel=CHANNEL, text="t", blocks=blocks)
    )

    assert failure.response["error"] == "invalid_blocks"
    assert failure.response["errors"]
    assert len(take_violations(own_fake)) >= 1
    assert own_fake.messages(CHANNEL) == []


def test_blocks_not_json_violation(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)
    arguments = {"channel": CHANNEL, "text": "t", "blocks": "[{"}

    slack_error(lambda: client.api_call("chat.postMessage", params=arguments))

    violations = take_violations(own_fake)
    assert len(violations) == 1
    assert "not valid JSON" in violations[0]


def test_invalid_view_violation(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)
    view = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}

    failure = slack_error(lambda: client.views_open(trigger_id="t", view=view))

    assert failure.response["error"] == "invalid_arguments"
    violations = take_violations(own_fake)
    assert len(violations) == 1
    assert "title" in violations[0]


def test_long_text_violation(own_fake: FakeSlack) -> None:
    client = client_for(own_fake)

    response = client.chat_postMessage(channel=CHANNEL, text="x" * 40_001)

    assert len(response["message"]["text"]) == 40_000
    assert len(take_violations(own_fake)) == 1


def test_checked_fake_fails_on_violations() -> None:
    with (
        pytest.raises(pytest.fail.Exception) as raised,
        checked_fake_slack(SHARED) as fake,
    ):
        fake.violations.append("chat.postMessage: first problem")
        fake.violations.append("views.open: second problem")

    message = str(raised.value)
    assert "2 violation(s)" in message
    assert "  - chat.postMessage: first problem\n" in message
    assert "  - views.open: second problem" in message


def test_checked_fake_passes_without_violations() -> None:
    with checked_fake_slack(SHARED) as fake:
        client_for(fake).auth_test()

    assert fake.violations == []


# ---- programmed failures --------------------------------------------------------


def test_fail_then_recovers(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.fail("chat.postMessage", "not_in_channel", times=2)

    for _ in range(2):
        failure = slack_error(
            lambda: client.chat_postMessage(channel=CHANNEL, text="t")
        )
        assert failure.response.status_code == 200
        assert failure.response["error"] == "not_in_channel"

    assert client.chat_postMessage(channel=CHANNEL, text="t")["ok"] is True
    assert len(fake_slack.messages(CHANNEL)) == 1


def test_rate_limit_returns_429(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.rate_limit("conversations.create", retry_after=7)

    failure = slack_error(lambda: client.conversations_create(name="inc-1"))

    assert failure.response.status_code == 429
    assert failure.response["error"] == "ratelimited"
    headers = {name.lower(): value for name, value in failure.response.headers.items()}
    assert headers["retry-after"] == "7"


def test_rate_limit_retried_by_sdk(fake_slack: FakeSlack) -> None:
    retry = RateLimitErrorRetryHandler(max_retry_count=1)
    client = client_for(fake_slack, retry_handlers=[retry])
    fake_slack.rate_limit("chat.postMessage", retry_after=0)

    response = client.chat_postMessage(channel=CHANNEL, text="t")

    assert response.status_code == 200
    assert len(fake_slack.calls_to("chat.postMessage")) == 2
    assert len(fake_slack.messages(CHANNEL)) == 1


def test_fail_rejects_unknown_method(fake_slack: FakeSlack) -> None:
    with pytest.raises(ValueError, match=r"chat\.postMesage"):
        fake_slack.fail("chat.postMesage", "fatal_error")


# ---- channels -------------------------------------------------------------------


def test_name_taken_on_second_create(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    created = client.conversations_create(name="inc-42-checkout-latency")
    failure = slack_error(
        lambda: client.conversations_create(name="inc-42-checkout-latency")
    )

    assert created["channel"]["id"] == "C0FAKE0001"
    assert created["channel"]["name"] == "inc-42-checkout-latency"
    assert failure.response["error"] == "name_taken"


def test_name_taken_after_archive(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    channel_id = client.conversations_create(name="inc-1")["channel"]["id"]

    client.conversations_archive(channel=channel_id)
    failure = slack_error(lambda: client.conversations_create(name="inc-1"))

    assert failure.response["error"] == "name_taken"


@pytest.mark.parametrize(
    ("name", "expected_error"),
    [
        ("Inc-1", "invalid_name_specials"),
        ("inc 1", "invalid_name_specials"),
        ("inc.1", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("---", "invalid_name_punctuation"),
        ("", "invalid_name_required"),
    ],
    ids=["uppercase", "space", "dot", "81-chars", "punctuation", "empty"],
)
def test_invalid_channel_name(
    fake_slack: FakeSlack, name: str, expected_error: str
) -> None:
    client = client_for(fake_slack)

    failure = slack_error(lambda: client.conversations_create(name=name))

    assert failure.response["error"] == expected_error


def test_longest_channel_name_accepted(fake_slack: FakeSlack) -> None:
    name = "inc_" + "x" * 76

    created = client_for(fake_slack).conversations_create(name=name)

    assert created["channel"]["name"] == name


def test_archived_channel_rejects_posts(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    channel_id = client.conversations_create(name="inc-2")["channel"]["id"]
    client.conversations_archive(channel=channel_id)

    failure = slack_error(lambda: client.chat_postMessage(channel=channel_id, text="t"))
    archived_again = slack_error(
        lambda: client.conversations_archive(channel=channel_id)
    )
    client.conversations_unarchive(channel=channel_id)

    assert failure.response["error"] == "is_archived"
    assert archived_again.response["error"] == "already_archived"
    assert client.chat_postMessage(channel=channel_id, text="t")["ok"] is True


def test_unknown_channel_rules(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    posted = client.chat_postMessage(channel="G0FAKEPRIV", text="t")
    fake_slack.forget_channel("C0FAKEGONE")
    forgotten = slack_error(
        lambda: client.chat_postMessage(channel="C0FAKEGONE", text="t")
    )
    not_an_id = slack_error(lambda: client.conversations_info(channel="nonsense"))

    assert posted["channel"] == "G0FAKEPRIV"
    assert forgotten.response["error"] == "channel_not_found"
    assert not_an_id.response["error"] == "channel_not_found"


def test_post_to_user_opens_dm(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    posted = client.chat_postMessage(channel="U0FAKEUSER1", text="You are on call")
    opened = client.conversations_open(users="U0FAKEUSER1")

    assert posted["channel"].startswith("D")
    assert opened["channel"]["id"] == posted["channel"]
    assert opened["already_open"] is True


def test_rename_keeps_previous_name(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    channel_id = client.conversations_create(name="inc-3")["channel"]["id"]
    client.conversations_create(name="inc-4")

    renamed = client.conversations_rename(channel=channel_id, name="inc-3-resolved")
    taken = slack_error(
        lambda: client.conversations_rename(channel=channel_id, name="inc-4")
    )

    assert renamed["channel"]["name"] == "inc-3-resolved"
    assert renamed["channel"]["previous_names"] == ["inc-3"]
    assert taken.response["error"] == "name_taken"


def test_topic_length_limit(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    client.conversations_setTopic(channel=CHANNEL, topic="x" * 250)
    too_long = slack_error(
        lambda: client.conversations_setPurpose(channel=CHANNEL, purpose="x" * 251)
    )

    info = client.conversations_info(channel=CHANNEL)["channel"]
    assert info["topic"]["value"] == "x" * 250
    assert too_long.response["error"] == "too_long"


def test_invite_already_in_channel(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    channel_id = client.conversations_create(name="inc-5")["channel"]["id"]

    client.conversations_invite(
        channel=channel_id, users=["U0FAKEUSER1", "U0FAKEUSER2"]
    )
    again = slack_error(
        lambda: client.conversations_invite(channel=channel_id, users="U0FAKEUSER1")
    )

    members = client.conversations_members(channel=channel_id)["members"]
    assert members == [fake_slack.bot_user_id, "U0FAKEUSER1", "U0FAKEUSER2"]
    assert again.response["error"] == "already_in_channel"


def test_list_filters_archived(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    open_id = client.conversations_create(name="inc-6")["channel"]["id"]
    closed_id = client.conversations_create(name="inc-7")["channel"]["id"]
    client.conversations_archive(channel=closed_id)

    listed = client.conversations_list(exclude_archived=True)["channels"]

    assert [channel["id"] for channel in listed] == [open_id]


# ---- messages -------------------------------------------------------------------


def test_ts_increasing(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    stamps = [
        client.chat_postMessage(channel=CHANNEL, text="t")["ts"] for _ in range(5)
    ]

    assert len(set(stamps)) == 5
    assert [float(ts) for ts in stamps] == sorted(float(ts) for ts in stamps)


def test_chat_update_edits_message(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    ts = client.chat_postMessage(channel=CHANNEL, text="SEV2")["ts"]

    updated = client.chat_update(channel=CHANNEL, ts=ts, text="SEV1")
    unknown = slack_error(
        lambda: client.chat_update(channel=CHANNEL, ts="1.000001", text="SEV1")
    )

    assert updated["text"] == "SEV1"
    assert fake_slack.messages(CHANNEL)[0]["text"] == "SEV1"
    assert unknown.response["error"] == "message_not_found"


def test_pins_and_reactions(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    ts = client.chat_postMessage(channel=CHANNEL, text="Summary")["ts"]
    human_ts = fake_slack.add_message(CHANNEL, text="db is down", user="U0FAKEUSER1")

    client.pins_add(channel=CHANNEL, timestamp=ts)
    pinned_again = slack_error(lambda: client.pins_add(channel=CHANNEL, timestamp=ts))
    client.reactions_add(channel=CHANNEL, timestamp=human_ts, name="eyes")
    reacted_again = slack_error(
        lambda: client.reactions_add(channel=CHANNEL, timestamp=human_ts, name="eyes")
    )

    items = client.pins_list(channel=CHANNEL)["items"]
    assert [item["message"]["ts"] for item in items] == [ts]
    assert pinned_again.response["error"] == "already_pinned"
    assert reacted_again.response["error"] == "already_reacted"
    assert fake_slack.messages(CHANNEL)[1]["reactions"][0]["name"] == "eyes"


def test_post_ephemeral(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    response = client.chat_postEphemeral(channel=CHANNEL, user="U0FAKEUSER1", text="t")

    assert response["message_ts"]
    assert fake_slack.messages(CHANNEL) == []


# ---- users, auth and views ------------------------------------------------------


def test_users_info(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.add_user("U0FAKEUSER1", name="jane.doe", tz="Europe/Berlin")

    user = client.users_info(user="U0FAKEUSER1")["user"]
    unknown = slack_error(lambda: client.users_info(user="U0NOBODY"))

    assert user["name"] == "jane.doe"
    assert user["tz"] == "Europe/Berlin"
    assert user["tz_offset"] in (3600, 7200)
    assert unknown.response["error"] == "user_not_found"


def test_auth_test_identity(fake_slack: FakeSlack) -> None:
    response = client_for(fake_slack).auth_test()

    assert response["user_id"] == fake_slack.bot_user_id
    assert response["team_id"] == fake_slack.team_id
    assert "chat:write" in response.headers["x-oauth-scopes"]


def test_views_open_and_update(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    opened = client.views_open(trigger_id="123.456.abc", view=MODAL)["view"]
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Resolve incident"}}
    updated = client.views_update(view_id=opened["id"], view=changed)["view"]
    stale = slack_error(
        lambda: client.views_update(
            view_id=opened["id"], hash=opened["hash"], view=MODAL
        )
    )
    missing = slack_error(lambda: client.views_update(view_id="V0NONE", view=MODAL))

    assert opened["id"].startswith("V")
    assert opened["callback_id"] == "incident_modal"
    assert updated["id"] == opened["id"]
    assert updated["title"]["text"] == "Resolve incident"
    assert stale.response["error"] == "hash_conflict"
    assert missing.response["error"] == "not_found"


# ---- response URLs and waiting --------------------------------------------------


def test_response_urls_recorded(fake_slack: FakeSlack) -> None:
    first = WebhookClient(fake_slack.response_url("declare"))
    second = WebhookClient(fake_slack.response_url())

    sent = first.send(text="Declaring…", response_type="ephemeral")
    second.send(text="Done", blocks=[SECTION], replace_original=True)

    assert sent.status_code == 200
    assert fake_slack.responses == [
        {
            "text": "Declaring…",
            "response_type": "ephemeral",
            "_response_url": "declare",
        },
        {
            "text": "Done",
            "blocks": [SECTION],
            "replace_original": True,
            "_response_url": "default",
        },
    ]


def test_response_url_checks_payload(own_fake: FakeSlack) -> None:
    client = WebhookClient(own_fake.response_url())

    sent = client.send(text="t", response_type="public")

    assert sent.status_code == 400
    assert own_fake.responses == []
    assert len(take_violations(own_fake)) == 1


def test_wait_for_background_call(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    def post_later() -> None:
        time.sleep(0.1)
        client.chat_postMessage(channel=CHANNEL, text="late")

    worker = threading.Thread(target=post_later)
    worker.start()
    fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postMessage")[0])
    worker.join()

    assert fake_slack.calls_to("chat.postMessage")[0].args["text"] == "late"


def test_wait_for_timeout_message(fake_slack: FakeSlack) -> None:
    with pytest.raises(AssertionError) as raised:
        fake_slack.wait_for(lambda: fake_slack.calls_to("pins.add"), timeout=0.05)

    message = str(raised.value)
    assert 'calls_to("pins.add")' in message
    assert "after 0.05 s" in message


def test_incident_lifecycle_has_no_violations(fake_slack: FakeSlack) -> None:
    """Run the calls a declared incident makes and rely on the fixture's check."""
    client = client_for(fake_slack)
    fake_slack.add_user("U0FAKEUSER1", name="jane.doe", tz="America/New_York")

    channel = client.conversations_create(name="inc-42-checkout", is_private=False)
    channel_id = channel["channel"]["id"]
    client.conversations_invite(channel=channel_id, users=["U0FAKEUSER1"])
    client.conversations_setTopic(channel=channel_id, topic="SEV2: checkout latency")
    client.conversations_setPurpose(channel=channel_id, purpose="Incident INC-42")
    summary = client.chat_postMessage(
        channel=channel_id, text="INC-42", blocks=[SECTION]
    )
    client.pins_add(channel=channel_id, timestamp=summary["ts"])
    client.reactions_add(
        channel=channel_id, timestamp=summary["ts"], name="rotating_light"
    )
    client.chat_update(channel=channel_id, ts=summary["ts"], text="INC-42 resolved")
    client.chat_getPermalink(channel=channel_id, message_ts=summary["ts"])
    client.conversations_info(channel=channel_id, include_num_members=True)
    client.conversations_history(channel=channel_id)
    client.users_info(user="U0FAKEUSER1")
    client.views_publish(
        user_id="U0FAKEUSER1", view={"type": "home", "blocks": [SECTION]}
    )
    client.conversations_archive(channel=channel_id)

    assert fake_slack.channel(channel_id)["is_archived"] is True
    assert fake_slack.channel(channel_id)["members"][-1] == "U0FAKEUSER1"


# ---- request signing ------------------------------------------------------------


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_signature_vector_matches(name: str) -> None:
    vector = VECTORS[name]

    signature = sign(SIGNING_SECRET, vector["timestamp"], vector_body(name))

    assert signature == vector["x_slack_signature"]


@pytest.mark.parametrize("name", VECTOR_NAMES)
def test_signature_vector_passes_sdk(name: str) -> None:
    vector = VECTORS[name]
    clock = FrozenClock(int(vector["timestamp"]))
    verifier = SignatureVerifier(SIGNING_SECRET, clock=clock)

    valid = verifier.is_valid(
        body=vector_body(name),
        timestamp=vector["timestamp"],
        signature=vector["x_slack_signature"],
    )

    assert valid is True


def test_stale_timestamp_fails_sdk() -> None:
    vector = VECTORS["official"]
    body = vector_body("official")
    timestamp = vector["timestamp"]

    def verify_at(now: int) -> bool:
        verifier = SignatureVerifier(SIGNING_SECRET, clock=FrozenClock(now))
        return verifier.is_valid(body, timestamp, vector["x_slack_signature"])

    assert verify_at(int(timestamp) + FIVE_MINUTES) is True
    assert verify_at(int(timestamp) + FIVE_MINUTES + 1) is False


def test_slash_command_body_matches_recording() -> None:
    response_url = (
        "https://hooks.slack.com/commands/T0FAKETEAM/1234567890123/"
        "FAKEresponseURLsecret0000"
    )

    body = slash_command_body(
        "declare sev2 checkout latency spike", response_url=response_url
    )

    assert body == vector_body("slash_command.txt")


@pytest.mark.parametrize("name", ["block_actions", "view_submission"])
def test_interactive_body_matches_recording(name: str) -> None:
    payload = json.loads((PAYLOADS / f"{name}.json").read_text())

    body = interactive_body(payload)

    assert body == vector_body(f"{name}.form.txt")


class SignedRequestRecorder(BaseHTTPRequestHandler):
    """Respond 204 to a request that Slack's verifier accepts, 401 otherwise."""

    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = dict(self.headers.items())
        self.received.append((headers, body))
        verifier = SignatureVerifier(SIGNING_SECRET)
        status = 204 if verifier.is_valid_request(body, headers) else 401
        self.send_response(status)
        self.send_header("X-Checked", "yes")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def recorder_url() -> Iterator[str]:
    SignedRequestRecorder.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SignedRequestRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_post_signed_verifies(recorder_url: str) -> None:
    body = slash_command_body("status", response_url="http://127.0.0.1:9/unused")

    status, headers, content = post_signed(
        recorder_url,
        body,
        signing_secret=SIGNING_SECRET,
        content_type="application/x-www-form-urlencoded",
    )

    sent_headers, sent_body = SignedRequestRecorder.received[0]
    assert status == 204
    assert headers["X-Checked"] == "yes"
    assert content == b""
    assert sent_body == body
    assert sent_headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_post_signed_returns_401(recorder_url: str) -> None:
    stale = int(time.time()) - FIVE_MINUTES - 60

    status, _, _ = post_signed(
        recorder_url,
        '{"type": "url_verification"}',
        signing_secret=SIGNING_SECRET,
        content_type="application/json",
        timestamp=stale,
    )

    assert status == 401
