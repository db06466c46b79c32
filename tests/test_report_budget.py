"""Error budget consumed per service in `warroom report` and `/incident report`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import make_settings
from driver import Driver

from bot.cli import main
from bot.config import WarroomConfig
from bot.errors import ConfigError
from bot.slo.consumption import budget_by_service
from bot.slo.impact import IncidentImpact
from bot.slo.loader import optional_slo_catalog
from bot.slo.model import Slo, SloCatalog, Window
from bot.store import incidents
from bot.store.db import make_session_factory, transaction

TEAM = "T0FAKETEAM"
CHANNEL = "C0REPORTS01"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UNTIL = datetime(2026, 12, 1, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=90)

SLO_YAML = """\
slos:
  - service: checkout
    sli: availability
    objective: 99.9%
    window: 30d
  - service: checkout
    sli: latency
    objective: 99%
    window: 30d
  - service: search
    sli: availability
    objective: 99.5%
    window: 30d
"""

AVAILABILITY = Slo(
    "checkout", "availability", Fraction(999, 1000), Window.rolling_days(30)
)
LATENCY = Slo("checkout", "latency", Fraction(99, 100), Window.rolling_days(30))
SEARCH = Slo("search", "availability", Fraction(995, 1000), Window.rolling_days(30))
CATALOG = SloCatalog((AVAILABILITY, LATENCY, SEARCH))


def impact(
    number: int,
    start: datetime,
    minutes: int,
    ratio: Fraction | None,
    services: tuple[str, ...] = ("checkout",),
) -> IncidentImpact:
    return IncidentImpact(
        reference=f"INC-{number}",
        title=f"Incident {number}",
        severity=2,
        services=services,
        start=start,
        end=start + timedelta(minutes=minutes),
        ongoing=False,
        error_ratio=ratio,
        ratio_source="test",
        detected_at=start,
    )


def test_budget_scales_to_report_window():
    outage = impact(1, SINCE + timedelta(days=30), 60, Fraction(1))

    consumed = budget_by_service(CATALOG, [outage], SINCE, UNTIL)

    # 3,600 s of a 90-day budget of 0.1% (7,776 s) is 25/54; the 1% latency SLO
    # uses a tenth of that, and the service shows the larger share.
    assert consumed["checkout"] == Fraction(25, 54)
    assert consumed["search"] == 0


def test_budget_clips_impact_to_window():
    # Half of this 60-minute outage falls before the window starts.
    straddling = impact(1, SINCE - timedelta(minutes=30), 60, Fraction(1))

    consumed = budget_by_service(CATALOG, [straddling], SINCE, UNTIL)

    assert consumed["checkout"] == Fraction(25, 108)


def test_budget_skips_unknown_ratio():
    known = impact(1, SINCE + timedelta(days=5), 60, Fraction(1, 2), ("search",))
    unknown = impact(2, SINCE + timedelta(days=9), 600, None, ("search",))

    consumed = budget_by_service(CATALOG, [known, unknown], SINCE, UNTIL)

    # 1,800 s of errors against 0.5% of 90 days (38,880 s).
    assert consumed["search"] == Fraction(1800, 38880)


def test_budget_lists_only_slo_services():
    other = impact(1, SINCE + timedelta(days=5), 60, Fraction(1), ("payments",))

    consumed = budget_by_service(CATALOG, [other], SINCE, UNTIL)

    assert set(consumed) == {"checkout", "search"}
    assert consumed["checkout"] == 0


def test_budget_rejects_empty_window():
    with pytest.raises(ValueError, match="is not before its end"):
        budget_by_service(CATALOG, [], UNTIL, UNTIL)


def test_optional_catalog_without_configuration(tmp_path):
    assert optional_slo_catalog(None, None) is None
    assert optional_slo_catalog(None, tmp_path) is None


def test_optional_catalog_reads_docs_repo(tmp_path):
    (tmp_path / "slo.yaml").write_text(SLO_YAML, encoding="utf-8")

    catalog = optional_slo_catalog(None, tmp_path)

    assert catalog is not None
    assert [slo.label for slo in catalog.slos] == [
        "checkout/availability",
        "checkout/latency",
        "search/availability",
    ]


def test_optional_catalog_missing_slo_file(tmp_path):
    missing = tmp_path / "slo" / "slo.yaml"

    with pytest.raises(ConfigError, match="does not exist"):
        optional_slo_catalog(missing, tmp_path)


def store_history(engine) -> None:
    """Store a checkout outage with an impact statement and a search incident."""
    now = datetime.now(UTC)
    with transaction(make_session_factory(engine)) as session:
        checkout = incidents.create_incident(
            session,
            team_id=TEAM,
            title="Checkout returns 503",
            description="",
            declared_by="U0FAKEUSER1",
            now=now - timedelta(days=20),
            severity=2,
            services=["checkout"],
        )
        checkout.impact_started_at = now - timedelta(days=20, minutes=10)
        checkout.mitigated_at = checkout.impact_started_at + timedelta(minutes=72)
        checkout.resolved_at = checkout.mitigated_at + timedelta(minutes=30)
        incidents.add_event(
            session,
            checkout,
            kind="impact",
            occurred_at=checkout.mitigated_at,
            actor_id="U0FAKEUSER1",
            text="50% of checkouts failed",
            now=checkout.mitigated_at,
        )
        search = incidents.create_incident(
            session,
            team_id=TEAM,
            title="Search index stale",
            description="",
            declared_by="U0FAKEUSER1",
            now=now - timedelta(days=4),
            severity=3,
            services=["search"],
        )
        search.resolved_at = search.declared_at + timedelta(hours=2)


@pytest.fixture
def docs_repo(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "slo.yaml").write_text(SLO_YAML, encoding="utf-8")
    return folder


def run_cli(monkeypatch, *args: str, **env: str) -> int:
    for name in ("WARROOM_CONFIG", "WARROOM_DOCS_REPO", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(list(args))


def service_row(out: str, service: str) -> list[str]:
    table = out.split("Incidents by service\n", 1)[1]
    for line in table.splitlines():
        if line.startswith(service + " "):
            return line.split()
    raise AssertionError(f"no row for {service} in:\n{table}")


def test_cli_report_shows_budget(monkeypatch, capsys, engine, database_url, docs_repo):
    store_history(engine)
    charts = docs_repo.parent / "charts"

    code = run_cli(
        monkeypatch,
        "report",
        "--png",
        str(charts),
        DATABASE_URL=database_url,
        WARROOM_DOCS_REPO=str(docs_repo),
    )

    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Error budget consumed" in captured.out
    assert "SLO data is not configured" not in captured.out
    # 36 minutes of full outage against 0.1% of 90 days (7,776 s): 27.8%.
    assert service_row(captured.out, "checkout")[-1] == "27.8%"
    # The search incident has no error ratio, so it uses no budget.
    assert service_row(captured.out, "search")[-1] == "0.0%"
    png = (charts / "error-budget.png").read_bytes()
    assert png[:8] == PNG_SIGNATURE
    assert f"wrote {charts / 'error-budget.png'}" in captured.err


def test_cli_report_without_slo_file(monkeypatch, capsys, engine, database_url):
    store_history(engine)

    code = run_cli(monkeypatch, "report", DATABASE_URL=database_url)

    out = capsys.readouterr().out
    assert code == 0
    assert "SLO data is not configured" in out


def test_cli_report_invalid_slo_file(
    monkeypatch, capsys, engine, database_url, docs_repo
):
    store_history(engine)
    (docs_repo / "slo.yaml").write_text("slos:\n  - {service: checkout}\n")

    code = run_cli(
        monkeypatch,
        "report",
        DATABASE_URL=database_url,
        WARROOM_DOCS_REPO=str(docs_repo),
    )

    err = capsys.readouterr().err
    assert code == 2
    assert f"{docs_repo / 'slo.yaml'}, document 1" in err


@pytest.fixture
def settings(fake_slack, database_url, docs_repo):
    return make_settings(
        fake_slack, database_url, config=WarroomConfig(), docs_repo=docs_repo
    )


def test_slack_report_uploads_budget_chart(running_bot, fake_slack, engine):
    store_history(engine)
    fake_slack.add_channel(CHANNEL, name="sre")
    driver = Driver(running_bot, fake_slack)

    reply = driver.command("report --since 90d", channel=CHANNEL)

    assert reply is not None
    assert "Posted the report of 2 incidents with 2 charts." in reply["text"]
    posted = "\n".join(
        block["text"]["text"]
        for message in fake_slack.messages(CHANNEL)
        for block in message.get("blocks", [])
        if block["type"] == "section"
    )
    assert "Error budget consumed" in posted
    assert "27.8%" in posted
    chart = fake_slack.uploaded("F0FAKE0002")
    assert chart["name"] == "error-budget.png"
    assert chart["content"][:8] == PNG_SIGNATURE
    assert chart["channels"] == [CHANNEL]
