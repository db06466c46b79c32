"""Probes of `warroom slo advise` with windows that leave the calendar."""

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


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "slo.yaml").write_text(SLO_YAML, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("option", "value"),
    [
        pytest.param("--windows", "100000", id="windows-past-year-one"),
        pytest.param("--now", "0001-01-15T00:00+00:00", id="now-in-year-one"),
    ],
)
def test_advise_out_of_range_rejected(
    monkeypatch, capsys, database_url, engine, docs, option, value
):
    for name in ("WARROOM_CONFIG", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WARROOM_DOCS_REPO", str(docs))
    monkeypatch.setenv("DATABASE_URL", database_url)

    with pytest.raises(SystemExit) as exited:
        main(["slo", "advise", option, value])

    assert exited.value.code == 2
    assert option in capsys.readouterr().err
