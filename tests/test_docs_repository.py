"""Postmortems written into a real, throwaway git repository."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import git
import pytest

from bot.docs.repository import (
    DocsRepositoryError,
    IndexRow,
    postmortem_path,
    write_postmortem,
)


@pytest.fixture
def docs(tmp_path) -> Path:
    root = tmp_path / "docs-repo"
    repo = git.Repo.init(root)
    (root / "README.md").write_text("docs\n")
    repo.index.add(["README.md"])
    actor = git.Actor("someone", "someone@example.invalid")
    repo.index.commit("Start the docs", author=actor, committer=actor)
    return root


def row(number: int, day: date, title: str = "Checkout errors") -> IndexRow:
    return IndexRow(day, f"INC-{number}", "SEV2", title, "47m 00s", "47m 00s")


def test_postmortem_committed_with_index(docs):
    commit = write_postmortem(docs, row(1, date(2026, 12, 4)), "# INC-1\n")

    repo = git.Repo(docs)
    assert repo.head.commit.hexsha == commit
    assert repo.head.commit.author.name == "warroom"
    assert "INC-1" in repo.head.commit.message
    text = (docs / "docs/postmortems/2026-12-04-checkout-errors.md").read_text()
    assert text == "# INC-1\n"
    index = (docs / "docs/incidents/index.md").read_text()
    assert (
        "| 2026-12-04 | INC-1 | SEV2 | Checkout errors | 47m 00s | 47m 00s |" in index
    )
    assert "(../postmortems/2026-12-04-checkout-errors.md)" in index


def test_republishing_updates_same_files(docs):
    first = write_postmortem(docs, row(1, date(2026, 12, 4)), "# draft\n")
    same = write_postmortem(docs, row(1, date(2026, 12, 4)), "# draft\n")
    changed = write_postmortem(docs, row(1, date(2026, 12, 4)), "# final\n")

    index = (docs / "docs/incidents/index.md").read_text()
    assert same == first
    assert changed != first
    assert index.count("INC-1 ") == 1
    assert len(list((docs / "docs/postmortems").iterdir())) == 1


def test_index_newest_first(docs):
    write_postmortem(docs, row(1, date(2026, 11, 2)), "# one\n")
    write_postmortem(docs, row(3, date(2026, 12, 4), "DNS outage"), "# three\n")
    write_postmortem(docs, row(2, date(2026, 11, 20), "Queue backlog"), "# two\n")

    lines = (docs / "docs/incidents/index.md").read_text().splitlines()
    references = [line.split(" | ")[1] for line in lines if line.startswith("| 2026")]
    assert references == ["INC-3", "INC-2", "INC-1"]


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "/absolute/path", "..", "日本語のみ", "a" * 300],
    ids=["dotdot", "absolute", "dots", "non-latin", "long"],
)
def test_title_cannot_escape_docs(title):
    path = postmortem_path(date(2026, 12, 4), title, "INC-7")

    assert path.parent == Path("docs/postmortems")
    assert ".." not in path.parts
    assert path.name.startswith("2026-12-04-")
    assert len(path.name) <= 80


def test_other_changes_left_alone(docs):
    (docs / "README.md").write_text("edited by a person\n")
    (docs / "notes.txt").write_text("untracked\n")

    write_postmortem(docs, row(1, date(2026, 12, 4)), "# INC-1\n")

    repo = git.Repo(docs)
    committed = set(repo.head.commit.stats.files)
    assert committed == {
        "docs/postmortems/2026-12-04-checkout-errors.md",
        "docs/incidents/index.md",
    }
    assert repo.is_dirty(path="README.md")
    assert "notes.txt" in repo.untracked_files


def test_not_a_repository_is_reported(tmp_path):
    with pytest.raises(DocsRepositoryError, match="is not a git checkout"):
        write_postmortem(tmp_path, row(1, date(2026, 12, 4)), "# INC-1\n")
