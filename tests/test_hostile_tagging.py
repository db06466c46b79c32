"""Probes of `warroom tag` on throwaway git repositories."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath

import git
import pytest

from bot.docs.tagging import Location, tag_line

DAY = date(2026, 12, 4)
PERSON = git.Actor("someone", "someone@example.invalid")


@pytest.fixture
def code(tmp_path) -> Path:
    root = tmp_path / "shop"
    git.Repo.init(root, initial_branch="main")
    return root


def add_file(root: Path, name: str, content: bytes) -> None:
    (root / name).write_bytes(content)
    repo = git.Repo(root)
    repo.git.add("--all")
    repo.index.commit(f"Add {name}", author=PERSON, committer=PERSON)


def tag(root: Path, name: str, line: int, text: str):
    return tag_line(root, Location(PurePosixPath(name), line), DAY, text, "INC-7")


def test_newline_in_text_stays_comment(code):
    add_file(code, "pool.py", b"x = 1\n")

    tag(code, "pool.py", 1, "INC-7 Pool errors\nimport shutil; shutil.rmtree('/')")

    lines = (code / "pool.py").read_text().splitlines()
    assert lines[-1] == "x = 1"
    assert all(line.startswith("#") for line in lines[:-1])


@pytest.mark.parametrize(
    ("name", "content", "text"),
    [
        pytest.param("site.css", b"a { color: red; }\n", "x */ body { }", id="css"),
        pytest.param("page.html", b"<p>hi</p>\n", "x --> <script>", id="html"),
    ],
)
def test_comment_closer_in_text_escaped(code, name, content, text):
    add_file(code, name, content)

    tag(code, name, 1, text)

    first = (code / name).read_text().splitlines()[0]
    closer = "*/" if name.endswith(".css") else "-->"
    assert first.count(closer) == 1


def test_shebang_tag_twice_adds_nothing(code):
    add_file(code, "run.sh", b"#!/bin/sh\necho hi\n")

    first = tag(code, "run.sh", 1, "pool exhausted")
    again = tag(code, "run.sh", 1, "pool exhausted")

    assert first.added
    assert not again.added
    assert (code / "run.sh").read_text().count("INCIDENT-") == 1
