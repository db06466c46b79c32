"""Probes of tracing and runbook scans with hostile repository contents."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.cli import main
from bot.flows.trace import slack_summary
from bot.investigate.runbooks import find_runbooks
from bot.investigate.trace import TraceQuery, trace

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
UNTIL = datetime(2027, 1, 1, tzinfo=UTC)
JOB_PY = "import os\n\nos.remove('/var/run/job.pid')\n"
PYTHON_TRACE = """\
Traceback (most recent call last):
  File "/app/job.py", line 3, in <module>
FileNotFoundError: [Errno 2] No such file or directory: '/var/run/job.pid'
"""


def git(folder: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(folder), *arguments], check=True, text=True)


def make_repository(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    git(folder, "add", "--all")
    git(
        folder,
        "-c",
        "user.name=someone",
        "-c",
        "user.email=someone@example.invalid",
        "commit",
        "-qm",
        "Add the job",
    )
    return folder


def test_slack_summary_escapes_frame_function(tmp_path):
    repository = make_repository(tmp_path / "jobs", {"job.py": JOB_PY.encode()})

    report = trace([repository], [], TraceQuery(PYTHON_TRACE, SINCE, UNTIL))
    summary = slack_summary(report)

    assert "in `&lt;module&gt;`" in summary
    assert "<module>" not in summary


def test_cli_trace_latin1_stdin(tmp_path, monkeypatch, capsys):
    repository = make_repository(tmp_path / "jobs", {"job.py": JOB_PY.encode()})
    pasted = PYTHON_TRACE.replace("job.pid", "caf\xe9.pid").encode("latin-1")
    stdin = io.TextIOWrapper(io.BytesIO(pasted), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    for name in ("WARROOM_CONFIG", "WARROOM_DOCS_REPO", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    code = main(["trace", "-", "--repo", str(repository)])

    assert code in (0, 2)
    if code == 0:
        assert "job.py:3" in capsys.readouterr().out


def test_runbook_symlink_outside_root_skipped(tmp_path):
    outside = tmp_path / "home" / "notes.md"
    outside.parent.mkdir()
    outside.write_text("# Root password is hunter2\n")
    root = tmp_path / "shop"
    runbooks = root / "docs" / "runbooks"
    runbooks.mkdir(parents=True)
    (runbooks / "checkout-latency.md").write_text("# Checkout latency\n")
    (runbooks / "checkout-notes.md").symlink_to(outside)

    scan = find_runbooks([root])

    titles = [runbook.title for runbook in scan.runbooks]
    assert titles == ["Checkout latency"]
