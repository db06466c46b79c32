import io
import json
import time
import urllib.error
import urllib.request

from slack_signing import slash_command_body

from bot.app import create_app
from bot.store.db import make_engine
from bot.store.models import TimelineEvent


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_healthz_answers(running_bot):
    status, body = get(running_bot.url + "/healthz")

    assert status == 200
    assert body == {"status": "ok"}


def test_readyz_checks_database(running_bot):
    status, body = get(running_bot.url + "/readyz")

    assert status == 200
    assert body["database"] == "reachable"


def test_readyz_fails_without_database(settings, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}")
    app = create_app(settings, engine=engine)
    try:
        status, body = app.web.ready({})
    finally:
        app.close()

    assert status == 503
    assert body["database"] == "unreachable"


def test_unknown_path_is_404(running_bot):
    status, body = get(running_bot.url + "/nothing-here")

    assert status == 404
    assert "/nothing-here" in body["error"]


def test_events_endpoint_needs_post(running_bot):
    status, _ = get(running_bot.url + "/slack/events")

    assert status == 405


def events_written(running_bot) -> int:
    with running_bot.app.runtime.sessions() as session:
        return session.query(TimelineEvent).count()


def test_bad_signature_is_401(running_bot):
    body = slash_command_body(
        "help", response_url=running_bot.fake_slack.response_url()
    )

    status, _, _ = running_bot.post(
        body,
        "application/x-www-form-urlencoded",
        headers={"X-Slack-Signature": "v0=" + "0" * 64},
    )

    assert status == 401
    assert running_bot.fake_slack.responses == []
    assert running_bot.fake_slack.calls == []
    assert events_written(running_bot) == 0


def test_stale_signature_is_401(running_bot):
    body = slash_command_body(
        "help", response_url=running_bot.fake_slack.response_url()
    )
    six_minutes_ago = int(time.time()) - 360

    status, _, _ = running_bot.post(
        body, "application/x-www-form-urlencoded", timestamp=six_minutes_ago
    )

    assert status == 401
    assert running_bot.fake_slack.responses == []
    assert events_written(running_bot) == 0


def test_malformed_timestamp_is_401_without_reply(running_bot):
    fake = running_bot.fake_slack
    body = slash_command_body("help", response_url=fake.response_url())

    status, _, _ = running_bot.post(
        body,
        "application/x-www-form-urlencoded",
        headers={"X-Slack-Request-Timestamp": "1.5", "X-Slack-Signature": "v0=bogus"},
    )

    assert status == 401
    time.sleep(0.3)
    assert fake.responses == []
    assert fake.calls == []


def test_oversized_body_is_413(running_bot):
    body = b"text=" + b"x" * (2 * 1024 * 1024)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    started = []

    answer = running_bot.app.web(
        environ, lambda status, headers: started.append(status)
    )

    assert started == ["413 Content Too Large"]
    assert b"too large" in b"".join(answer)
    assert running_bot.fake_slack.calls == []


def test_other_workspace_is_rejected(running_bot):
    fake = running_bot.fake_slack
    first = slash_command_body("help", response_url=fake.response_url("mine"))
    running_bot.post(first, "application/x-www-form-urlencoded")
    fake.wait_for(lambda: fake.calls_to("auth.test") and fake.responses)
    time.sleep(0.2)  # the identity is stored just after auth.test returns
    other = slash_command_body(
        "help",
        team_id="T0OTHERTEAM",
        trigger_id="999.other",
        response_url=fake.response_url("other"),
    )

    running_bot.post(other, "application/x-www-form-urlencoded")

    fake.wait_for(lambda: len(fake.responses) == 2)
    refusal = next(r for r in fake.responses if r["_response_url"] == "other")
    assert "/incident declare" not in str(refusal)
