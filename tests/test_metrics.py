"""The metrics registry, its text format, and what the running bot counts."""

from __future__ import annotations

import math
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from driver import COMMANDER, Driver, severity_buttons
from prometheus_client.parser import text_string_to_metric_families

from bot.errors import UserError
from bot.metrics import (
    CONTENT_TYPE,
    CallbackGauge,
    Counter,
    Histogram,
    Registry,
    counting,
    format_value,
)
from bot.reminders.runner import tick
from bot.store.models import Incident


def parse(text: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    """Parse exposition text with the reference parser: sample name → labels → value."""
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            samples.setdefault(sample.name, {})[labels] = sample.value
    return samples


def value(samples, metric: str, /, **labels: str) -> float:
    return samples.get(metric, {}).get(tuple(sorted(labels.items())), 0.0)


def scrape(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
        body = response.read().decode()
        return response.status, response.headers["Content-Type"], body


def test_counter_renders_labels_and_help():
    registry = Registry()
    counter = Counter("jobs_total", "Jobs run.\nBy name.", ["name"])
    registry.register(counter)
    counter.inc(name="sweep")
    counter.inc(2, name="sweep")
    counter.inc(name='odd "quoted"\\name')

    text = registry.render()

    assert "# HELP jobs_total Jobs run.\\nBy name." in text
    assert "# TYPE jobs_total counter" in text
    assert 'jobs_total{name="sweep"} 3' in text
    samples = parse(text)
    assert value(samples, "jobs_total", name='odd "quoted"\\name') == 1


BOUNDS = ["0.1", "0.5", "1.0", "+Inf"]


def test_histogram_buckets_are_cumulative():
    registry = Registry()
    histogram = Histogram("wait_seconds", "Waits.", [], [0.1, 0.5, 1.0])
    registry.register(histogram)
    for seconds in (0.05, 0.1, 0.3, 0.7, 4.0):
        histogram.observe(seconds)

    samples = parse(registry.render())

    buckets = {le: value(samples, "wait_seconds_bucket", le=le) for le in BOUNDS}
    assert buckets == {"0.1": 2, "0.5": 3, "1.0": 4, "+Inf": 5}
    assert value(samples, "wait_seconds_count") == 5
    assert math.isclose(value(samples, "wait_seconds_sum"), 5.15)


def test_histogram_bucket_bound_is_inclusive():
    histogram = Histogram("wait_seconds", "Waits.", [], [0.1])
    registry = Registry([histogram])

    histogram.observe(0.1)

    assert value(parse(registry.render()), "wait_seconds_bucket", le="0.1") == 1


def test_wrong_labels_raise():
    counter = Counter("jobs_total", "Jobs run.", ["name"])

    with pytest.raises(ValueError, match="takes the labels"):
        counter.inc(kind="sweep")


def test_duplicate_metric_name_raises():
    registry = Registry([Counter("jobs_total", "Jobs run.", [])])

    with pytest.raises(ValueError, match="already registered"):
        registry.register(Counter("jobs_total", "Again.", []))


def test_gauge_read_failure_keeps_scrape(caplog):
    def broken() -> dict[tuple[str, ...], float]:
        raise OSError("database went away")

    gauge = CallbackGauge("open_things", "Things.", ["kind"], broken, (OSError,))
    counter = Counter("jobs_total", "Jobs run.", [])
    counter.inc()
    registry = Registry([gauge, counter])

    samples = parse(registry.render())

    assert value(samples, "jobs_total") == 1
    assert "open_things" not in samples
    assert "database went away" in caplog.text


@pytest.mark.parametrize(
    ("raised", "outcome"),
    [(None, "ok"), (UserError("no"), "rejected"), (KeyError("x"), "failed")],
    ids=["ok", "user-error", "bug"],
)
def test_counting_records_outcome(raised, outcome):
    counter = Counter("runs_total", "Runs.", ["name", "outcome"])

    try:
        with counting(counter, name="job"):
            if raised is not None:
                raise raised
    except Exception as error:
        assert error is raised

    assert counter.value(name="job", outcome=outcome) == 1


@pytest.mark.parametrize(
    ("number", "text"),
    [(3, "3"), (0.25, "0.25"), (math.inf, "+Inf"), (2.0, "2")],
    ids=["int", "fraction", "inf", "whole-float"],
)
def test_format_value(number, text):
    assert format_value(number) == text


@pytest.fixture
def driver(running_bot, fake_slack):
    return Driver(running_bot, fake_slack)


def test_metrics_endpoint_counts_commands(driver, running_bot, fake_slack):
    fake_slack.fail("conversations.setTopic", "internal_error")
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    driver.command("note restarted api-7", channel=channel)
    driver.command("status sideways nothing", channel=channel)
    driver.command("frobnicate", channel=channel)

    status, content_type, text = scrape(running_bot.url)

    assert status == 200
    assert content_type == CONTENT_TYPE
    samples = parse(text)
    commands = "warroom_commands_total"
    assert value(samples, commands, command="declare", outcome="ok") == 1
    assert value(samples, commands, command="note", outcome="ok") == 1
    assert value(samples, commands, command="status", outcome="rejected") == 1
    assert value(samples, commands, command="unknown", outcome="rejected") == 1
    assert value(samples, "warroom_slack_ack_duration_seconds_count") == 4
    calls = "warroom_slack_api_calls_total"
    assert value(samples, calls, method="conversations.create", error="none") == 1
    topic = value(
        samples, calls, method="conversations.setTopic", error="internal_error"
    )
    assert topic == 1
    assert value(samples, "warroom_open_incidents", severity="unset") == 1


def test_metrics_endpoint_counts_clicks(driver, running_bot, fake_slack):
    incident = driver.declare("Checkout errors")
    channel, ts = incident.channel_id, incident.severity_prompt_ts
    button = severity_buttons(fake_slack, channel, ts)[1]

    driver.click(ts, channel, button, user=COMMANDER)

    samples = parse(scrape(running_bot.url)[2])
    actions = "warroom_actions_total"
    action_id = button["action_id"]
    assert value(samples, actions, action=action_id, outcome="ok") == 1
    level = str(driver.incident(incident.id).severity)
    assert value(samples, "warroom_open_incidents", severity=level) == 1
    assert value(samples, "warroom_open_incidents", severity="unset") == 0


def test_metrics_count_reminders(driver, running_bot, fake_slack):
    incident = driver.declare("Checkout errors")
    runtime = running_bot.app.runtime
    with runtime.sessions() as session, session.begin():
        session.get(Incident, incident.id).severity = 1
    later = incident.declared_at + timedelta(minutes=31)
    fake_slack.fail("chat.postMessage", "internal_error")

    first = tick(runtime, later, "test-worker")
    second = tick(runtime, later + timedelta(minutes=2), "test-worker")

    assert (first, second) == (0, 1)
    samples = parse(scrape(running_bot.url)[2])
    reminders = "warroom_reminders_total"
    assert value(samples, reminders, kind="status_update", outcome="failed") == 1
    assert value(samples, reminders, kind="status_update", outcome="sent") == 1


def test_metrics_rejects_post(running_bot):
    request = urllib.request.Request(
        running_bot.url + "/metrics", data=b"", method="POST"
    )

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)

    raised.value.close()
    assert raised.value.code == 405


def test_rate_limit_retries_counted(driver, running_bot, fake_slack):
    fake_slack.rate_limit("conversations.create", retry_after=0, times=2)

    driver.declare("Checkout errors")

    samples = parse(scrape(running_bot.url)[2])
    retries = "warroom_slack_api_retries_total"
    assert (
        value(samples, retries, method="conversations.create", reason="ratelimited")
        == 2
    )
    calls = "warroom_slack_api_calls_total"
    assert value(samples, calls, method="conversations.create", error="none") == 1
