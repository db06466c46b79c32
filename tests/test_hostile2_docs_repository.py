"""Hostile docs repositories: ignored files, symlinks, Latin-1 runbooks, edits."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import git
import pytest

from bot.docs.repository import DocsRepositoryError, commit_updates

PERSON = git.Actor("someone", "someone@example.invalid")
RUNBOOK = PurePosixPath("docs/runbooks/payments-pool.md")


def commit_all(repo: git.Repo, message: str) -> str:
    repo.git.add("--all")
    return str(repo.index.commit(message, author=PERSON, committer=PERSON).hexsha)


@pytest.fixture
def docs(tmp_path) -> Path:
    root = tmp_path / "docs-repo"
    repo = git.Repo.init(root, initial_branch="main")
    (root / "README.md").write_text("docs\n")
    commit_all(repo, "Start the docs")
    return root


def append_history(current: str) -> str:
    return current + "- 2026-12-04 INC-1: followed.\n"


def test_ignored_chart_still_committed(docs):
    repo = git.Repo(docs)
    (docs / ".gitignore").write_text("*.png\n")
    commit_all(repo, "Ignore generated pictures")
    chart = PurePosixPath("docs/postmortems/2026-12-04-checkout-budget-a.png")
    page = PurePosixPath("docs/postmortems/x.md")

    commit = commit_updates(
        docs, {page: lambda _: "# x\n"}, "Publish", binaries={chart: b"\x89PNG\r\n"}
    )

    assert set(repo.commit(commit).stats.files) == {str(page), str(chart)}


def test_symlinked_folder_not_written_through(docs, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (docs / "docs").mkdir()
    (docs / "docs" / "runbooks").symlink_to(outside, target_is_directory=True)
    commit_all(git.Repo(docs), "Link the runbooks")

    with pytest.raises(DocsRepositoryError):
        commit_updates(docs, {RUNBOOK: lambda _: "# pool\n"}, "Publish")

    assert list(outside.iterdir()) == []


def test_latin1_runbook_gets_history(docs):
    runbook = docs / RUNBOOK
    runbook.parent.mkdir(parents=True)
    runbook.write_bytes("# Caf\xe9 pool\n\n## History\n".encode("latin-1"))
    commit_all(git.Repo(docs), "Add a Latin-1 runbook")

    try:
        commit_updates(docs, {RUNBOOK: append_history}, "Publish")
    except DocsRepositoryError:
        return  # A clear refusal is also acceptable.
    assert b"INC-1" in runbook.read_bytes()


def test_unstaged_runbook_edit_stays_uncommitted(docs):
    runbook = docs / RUNBOOK
    runbook.parent.mkdir(parents=True)
    runbook.write_text("# Pool\n\n## History\n")
    commit_all(git.Repo(docs), "Add a runbook")
    edited = "# Pool\n\nDRAFT: half-written step\n\n## History\n"
    runbook.write_text(edited)

    with pytest.raises(DocsRepositoryError, match="uncommitted changes"):
        commit_updates(docs, {RUNBOOK: append_history}, "Publish")

    committed = git.Repo(docs).git.show(f"HEAD:{RUNBOOK}")
    assert "DRAFT" not in committed
    assert runbook.read_text() == edited
