"""Probes of `warroom tag` on symlinks and files with uncommitted edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

import git
import pytest

from bot.docs.tagging import Location, tag_line
from bot.errors import WarroomError

DAY = date(2026, 12, 4)
PERSON = git.Actor("someone", "someone@example.invalid")
POOL_PY = "def acquire():\n    raise RuntimeError('pool exhausted')\n"


@pytest.fixture
def code(tmp_path) -> Path:
    root = tmp_path / "shop"
    git.Repo.init(root, initial_branch="main")
    (root / "pool.py").write_text(POOL_PY)
    (root / "current.py").symlink_to("pool.py")
    repo = git.Repo(root)
    repo.git.add("--all")
    repo.index.commit("Add the pool", author=PERSON, committer=PERSON)
    return root


def tag(root: Path, name: str, line: int):
    return tag_line(
        root, Location(PurePosixPath(name), line), DAY, "INC-7 Checkout errors", "INC-7"
    )


def test_tag_through_symlink_commits_edit(code):
    before = git.Repo(code).head.commit.hexsha

    try:
        tagged = tag(code, "current.py", 2)
    except WarroomError:
        assert git.Repo(code).git.status("--porcelain") == ""
        return  # Rejecting the link is also acceptable.

    repo = git.Repo(code)
    assert tagged.commit != before
    assert repo.git.status("--porcelain") == ""


def test_tag_keeps_uncommitted_edit_out(code):
    edited = POOL_PY + "\nDEBUG = True  # local experiment\n"
    (code / "pool.py").write_text(edited)
    before = git.Repo(code).head.commit.hexsha

    with pytest.raises(WarroomError, match="uncommitted changes"):
        tag(code, "pool.py", 2)

    assert git.Repo(code).head.commit.hexsha == before
    assert (code / "pool.py").read_text() == edited
