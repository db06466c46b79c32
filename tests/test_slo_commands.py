"""`/incident slo` against the fake Slack, and `warroom slo check` and `report`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SHARED, make_settings
from driver import COMMANDER, Driver

from bot.cli import main
from bot.config import WarroomConfig
from bot.store import incidents
from bot.store.db import make_session_factory, transaction

SLO_YAML = """\
slos:
  - service: checkout
    sli: availability
    objective: 99.9%
    window: 30d
"""


@pytest.fixture
def slo_file(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "slo.yaml"
    path.parent.mkdir()
    path.write_text(SLO_YAML, encoding="utf-8")
    return path


@pytest.fixture
def settings(fake_slack, database_url, slo_file):
    return make_settings(
        fake_slack, database_url, config=WarroomConfig(), docs_repo=slo_file.parent
    )


@pytest.fixture
def driver(running_bot, fake_slack):
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)


def set_impact(driver: Driver, incident_id: int, services: list[str]) -> None:
    """Store the impact window the milestone commands would record."""
    started = datetime.now(UTC) - timedelta(hours=2)
    with transaction(driver.bot.app.runtime.sessions) as session:
        incident = incidents.lock_incident(session, incident_id)
        incident.services = services
        incident.impact_started_at = started
        incident.detected_at = started + timedelta(minutes=20)
        incident.mitigated_at = started + timedelta(minutes=47)


def test_slo_command_posts_cost_and_chart(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    set_impact(driver, incident.id, ["checkout", "cart"])
    driver.command("impact 40% errors on checkout", channel=incident.channel_id)

    reply = driver.command("slo", channel=incident.channel_id)

    assert reply["text"] == "Posted the error budget of INC-1 for 1 SLO."
    (ticket,) = fake_slack.calls_to("files.getUploadURLExternal")
    assert ticket.args["filename"] == "error-budget-INC-1-checkout-availability.png"
    uploaded = fake_slack.uploaded("F0FAKE0001")
    assert uploaded["channels"] == [incident.channel_id]
    assert uploaded["content"].startswith(b"\x89PNG\r\n\x1a\n")
    posted = str(fake_slack.messages(incident.channel_id)[-1]["blocks"])
    assert "used *43.52%*" in posted
    assert "burn rate of 400x" in posted
    assert "The affected service cart has no SLO" in posted
    assert "requires a postmortem with a P0 action item" in posted
    assert "CheckoutAvailabilityFastBurn" in posted


def test_slo_command_says_when_budget_is_overdrawn(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    set_impact(driver, incident.id, ["checkout"])
    driver.command("impact full outage of checkout", channel=incident.channel_id)

    driver.command("slo", channel=incident.channel_id)

    posted = str(fake_slack.messages(incident.channel_id)[-1]["blocks"])
    assert "used *108.80%*" in posted
    assert "the budget is spent, overdrawn by 8.80%" in posted
    assert "of the budget is left" not in posted


def test_slo_command_without_ratio_explains(driver, fake_slack):
    incident = driver.declare("Checkout errors")
    set_impact(driver, incident.id, ["checkout"])

    driver.command("slo", channel=incident.channel_id)

    posted = str(fake_slack.messages(incident.channel_id)[-1]["blocks"])
    assert "consumption unknown" in posted
    assert "/incident impact 40% errors" in posted


def test_slo_command_without_services(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("slo", channel=incident.channel_id)

    assert "INC-1 names no affected services" in reply["text"]


def test_slo_command_without_file(driver, slo_file):
    slo_file.unlink()
    incident = driver.declare("Checkout errors")

    reply = driver.command("slo", channel=incident.channel_id)

    assert f"There is no SLO file at {slo_file}" in reply["text"]


def run_cli(monkeypatch, *args: str, **env: str) -> int:
    for name in ("WARROOM_CONFIG", "WARROOM_DOCS_REPO", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(list(args))


def test_check_lists_shared_files(monkeypatch, capsys):
    files = [str(path) for path in sorted((SHARED / "slo").iterdir())]

    code = run_cli(monkeypatch, "slo", "check", *files)

    out = capsys.readouterr().out
    assert code == 0
    assert "myservice/requests-availability: 99.9% over a rolling 30d window" in out
    assert "warning: openslo_timeslices-slo.yaml" in out
    assert "warroom: 7 SLOs in 6 files are valid." in out


def test_check_reports_malformed_file(monkeypatch, capsys, tmp_path):
    path = tmp_path / "slo.yaml"
    path.write_text("slos:\n  - {service: a, sli: b, objective: 99.9%, window: 1M}\n")

    code = run_cli(monkeypatch, "slo", "check", str(path))

    err = capsys.readouterr().err
    assert code == 2
    assert f"{path}, document 1 (warroom slos), line 2: slos[0].window" in err


def store_incident(database_url: str, engine) -> None:
    now = datetime.now(UTC)
    with transaction(make_session_factory(engine)) as session:
        incident = incidents.create_incident(
            session,
            team_id="T0FAKETEAM",
            title="Checkout errors",
            description="",
            declared_by=COMMANDER,
            now=now - timedelta(days=2),
            severity=1,
            services=["checkout"],
        )
        incident.impact_started_at = now - timedelta(days=2)
        incident.mitigated_at = now - timedelta(days=2) + timedelta(hours=1)


def test_report_prints_budgets(monkeypatch, capsys, database_url, engine, slo_file):
    store_incident(database_url, engine)

    code = run_cli(
        monkeypatch,
        "slo",
        "report",
        DATABASE_URL=database_url,
        WARROOM_DOCS_REPO=str(slo_file.parent),
    )

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[1].split()[:6] == [
        "checkout/availability",
        "99.9%",
        "43m",
        "12s",
        "138.89%",
        "-38.89%",
    ]
    assert "exhausted: feature freeze recommended" in out[1]
    assert "  INC-1 138.89%  Checkout errors" in out


def test_report_window_option(monkeypatch, capsys, database_url, engine, slo_file):
    store_incident(database_url, engine)

    code = run_cli(
        monkeypatch,
        "slo",
        "report",
        "--window",
        "1d",
        DATABASE_URL=database_url,
        WARROOM_DOCS_REPO=str(slo_file.parent),
    )

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[1].split()[:5] == [
        "checkout/availability",
        "99.9%",
        "1m",
        "26s",
        "0.00%",
    ]


def test_report_rejects_bad_window(monkeypatch, capsys, slo_file):
    code = run_cli(
        monkeypatch,
        "slo",
        "report",
        "--window",
        "1M",
        WARROOM_DOCS_REPO=str(slo_file.parent),
    )

    assert code == 2
    assert "--window" in capsys.readouterr().err
