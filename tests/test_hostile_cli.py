"""Probes of the `warroom` command line with hostile arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

SLO_YAML = """\
slos:
  - service: checkout
    sli: availability
    objective: 99.9%
    window: 30d
"""


def run_cli(monkeypatch, *args: str, **env: str) -> int:
    for name in ("WARROOM_CONFIG", "WARROOM_DOCS_REPO", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return main(list(args))


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "slo.yaml").write_text(SLO_YAML, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "since",
    [
        pytest.param("999999999d", id="past-year-one"),
        pytest.param("99999999999999999999d", id="past-c-int"),
    ],
)
def test_report_huge_since_rejected(monkeypatch, capsys, database_url, engine, since):
    code = run_cli(monkeypatch, "report", "--since", since, DATABASE_URL=database_url)

    assert code == 2
    assert "--since" in capsys.readouterr().err


def test_postmortem_huge_number_rejected(monkeypatch, capsys, database_url, engine):
    code = run_cli(
        monkeypatch, "postmortem", "INC-99999999999999999999", DATABASE_URL=database_url
    )

    assert code == 2
    assert "no incident INC-99999999999999999999" in capsys.readouterr().err


def test_slo_report_huge_window_rejected(monkeypatch, capsys, docs):
    code = run_cli(
        monkeypatch,
        "slo",
        "report",
        "--window",
        "99999999999d",
        WARROOM_DOCS_REPO=str(docs),
    )

    assert code == 2
    assert "--window" in capsys.readouterr().err


def test_slice_longer_than_window_rejected(monkeypatch, capsys, tmp_path):
    path = tmp_path / "slo.yaml"
    path.write_text(
        "slos:\n"
        "  - service: payments\n"
        "    sli: good-minutes\n"
        "    objective: 99.5%\n"
        "    window: 7d\n"
        "    budgeting: timeslices\n"
        "    slice: 30d\n",
        encoding="utf-8",
    )

    code = run_cli(monkeypatch, "slo", "check", str(path))

    assert code == 2
    assert "slice" in capsys.readouterr().err
