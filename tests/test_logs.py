"""Log lines: JSON format, the ids they carry, and no secrets or message bodies."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from conftest import SIGNING_SECRET
from driver import Driver

from bot.cli import main
from bot.errors import ConfigError
from bot.logs import (
    ContextExecutor,
    JsonFormatter,
    TextFormatter,
    bind_ids,
    current_ids,
    hide_secrets,
    log_format_from_env,
    redact,
    run_in_new_context,
)

MARKER = "ZEBRA"  # in every text a person types below; it must never be logged


def format_record(formatter: logging.Formatter, message: str, *args: object) -> str:
    record = logging.LogRecord(
        "bot.test", logging.INFO, __file__, 1, message, args, None
    )
    return formatter.format(record)


def test_json_line_carries_ids():
    def emit() -> str:
        bind_ids(request_id="r1", team_id="T0FAKETEAM", incident_id=7)
        return format_record(JsonFormatter(), "declared %s", "INC-1")

    entry = json.loads(run_in_new_context(emit))

    assert entry["message"] == "declared INC-1"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "bot.test"
    assert entry["request_id"] == "r1"
    assert entry["team_id"] == "T0FAKETEAM"
    assert entry["incident_id"] == "7"
    assert entry["time"].endswith("+00:00")


def test_json_error_stays_on_one_line():
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        record = logging.LogRecord(
            "bot.test", logging.ERROR, __file__, 1, "failed", (), None
        )
        record.exc_info = sys.exc_info()

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert "ValueError: first line" in json.loads(line)["error"]


def test_text_line_appends_ids():
    def emit() -> str:
        bind_ids(team_id="T0FAKETEAM")
        return format_record(TextFormatter(), "skipped %s", "a delivery")

    line = run_in_new_context(emit)

    assert line.endswith("INFO bot.test skipped a delivery team_id=T0FAKETEAM")


def test_slack_tokens_redacted():
    text = redact("token xoxb-1234-5678-abcdEFGH and xapp-1-A0-99-ff in one line")

    assert "xoxb-" not in text
    assert "xapp-" not in text
    assert text.count("[redacted]") == 2


def test_registered_secret_redacted():
    hide_secrets(["s3cr3t-signing-value", None, "short"])

    assert redact("value s3cr3t-signing-value here") == "value [redacted] here"
    assert redact("a short word") == "a short word"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "text"),
        ({"LOG_FORMAT": "json"}, "json"),
        ({"LOG_FORMAT": " JSON "}, "json"),
    ],
    ids=["unset", "json", "spaces-and-case"],
)
def test_log_format_from_env(environ, expected):
    assert log_format_from_env(environ) == expected


def test_log_format_invalid_raises():
    with pytest.raises(ConfigError, match='LOG_FORMAT "yaml" is invalid'):
        log_format_from_env({"LOG_FORMAT": "yaml"})


def test_cli_rejects_bad_log_format(monkeypatch, capsys):
    monkeypatch.setenv("LOG_FORMAT", "yaml")

    code = main(["check-config"])

    assert code == 2
    assert "LOG_FORMAT" in capsys.readouterr().err


def test_executor_carries_ids_to_task():
    def queue() -> dict[str, str]:
        bind_ids(request_id="r9", team_id="T1")
        with ContextExecutor(max_workers=1) as pool:
            return pool.submit(current_ids).result()

    before = current_ids()  # earlier tests may have bound ids in this thread

    seen = run_in_new_context(queue)

    assert seen == {"request_id": "r9", "team_id": "T1"}
    assert current_ids() == before


def test_task_ids_end_with_task():
    def queue() -> dict[str, str]:
        with ContextExecutor(max_workers=1) as pool:
            pool.submit(lambda: bind_ids(incident_id=3)).result()
            return pool.submit(current_ids).result()

    # A fresh context, because earlier tests may have bound ids in this thread.
    after = run_in_new_context(queue)

    assert after == {}


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []
        self.ids: list[dict[str, str]] = []
        self.stream = io.StringIO()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.ids.append(current_ids())
        self.stream.write(JsonFormatter().format(record) + "\n")


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def full_run(driver: Driver, fake_slack) -> None:
    """Exercise the lifecycle with text containing MARKER, including failures."""
    fake_slack.fail("conversations.setTopic", "internal_error")
    incident = driver.declare(f"{MARKER} checkout errors")
    channel = incident.channel_id
    driver.command(f"note {MARKER} restarted api-7", channel=channel)
    driver.command(f"status identified {MARKER} bad config", channel=channel)
    driver.command(f"status {MARKER}sideways nothing", channel=channel)
    driver.command(f"{MARKER}frobnicate now", channel=channel)
    driver.command(f"action {MARKER} add an index", channel=channel)
    driver.command(f"cause {MARKER} missing index", channel=channel)
    fake_slack.fail("chat.postMessage", "internal_error")
    driver.command(f"status monitoring {MARKER} watching", channel=channel)
    driver.command(f"resolve {MARKER} rolled back", channel=channel)


def test_full_run_logs_no_secrets(running_bot, fake_slack, records):
    driver = Driver(running_bot, fake_slack)

    full_run(driver, fake_slack)
    running_bot.app.drain()

    assert records.records, "the run logged nothing at info level"
    for record in records.records:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        assert fake_slack.token not in text, text
        assert SIGNING_SECRET not in text, text
        assert MARKER.lower() not in text.lower(), text
    written = records.stream.getvalue()
    assert fake_slack.token not in written
    assert SIGNING_SECRET not in written
    assert MARKER.lower() not in written.lower()


def test_full_run_lines_carry_ids(running_bot, fake_slack, records):
    driver = Driver(running_bot, fake_slack)

    full_run(driver, fake_slack)
    running_bot.app.drain()

    pairs = [
        (record.getMessage(), ids)
        for record, ids in zip(records.records, records.ids, strict=True)
    ]
    commands = [ids for message, ids in pairs if "command /incident" in message]
    assert len(commands) == 9
    for ids in commands:
        assert len(ids["request_id"]) == 12
        assert ids["team_id"] == fake_slack.team_id
    declared = [ids for message, ids in pairs if message.startswith("declared")]
    assert declared[0]["incident_id"] == str(driver.latest_incident().id)
    failures = [ids for message, ids in pairs if "could not set the" in message]
    assert failures[0]["incident_id"] == str(driver.latest_incident().id)
    resolved = [ids for message, ids in pairs if message.endswith("resolved")]
    assert resolved[0]["incident_id"] == str(driver.latest_incident().id)
    distinct = {ids["request_id"] for ids in commands}
    assert len(distinct) == len(commands)
