"""`warroom tag`: INCIDENT comments added to code in throwaway git repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

import git
import pytest

from bot.docs.tagging import Location, parse_location, tag_line
from bot.errors import UserError
from bot.store import incidents
from bot.store.db import make_session_factory, transaction

DAY = date(2026, 12, 4)
PERSON = git.Actor("someone", "someone@example.invalid")


@pytest.fixture
def code(tmp_path) -> Path:
    root = tmp_path / "shop"
    git.Repo.init(root, initial_branch="main")
    return root


def add_file(root: Path, name: str, content: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    repo = git.Repo(root)
    repo.git.add("--all")
    repo.index.commit(f"Add {name}", author=PERSON, committer=PERSON)


def tag(root: Path, name: str, line: int, text: str = "pool exhausted"):
    return tag_line(root, Location(PurePosixPath(name), line), DAY, text, "INC-7")


LANGUAGES = [
    (
        "pool.py",
        "def size():\n    return 0\n",
        "    # INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    (
        "pool.go",
        "func size() int {\n\treturn 0\n}\n",
        "\t// INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    (
        "pool.js",
        "function size() {\n  return 0;\n}\n",
        "  // INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    (
        "pool.ts",
        "const size = (): number =>\n  0;\n",
        "  // INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    (
        "Pool.java",
        "class Pool {\n    int size;\n}\n",
        "    // INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    (
        "pool.rb",
        "def size\n  0\nend\n",
        "  # INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    ("pool.sh", "set -e\n  exit 0\n", "  # INCIDENT-2026-12-04: INC-7 pool exhausted"),
    (
        "pool.yaml",
        "pool:\n  size: 0\n",
        "  # INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    (
        "pool.sql",
        "SELECT 1;\n  SELECT 0;\n",
        "  -- INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
    (
        "pool.css",
        "a {\n  color: red;\n}\n",
        "  /* INCIDENT-2026-12-04: INC-7 pool exhausted */",
    ),
    (
        "Dockerfile",
        "FROM python\nRUN true\n",
        "# INCIDENT-2026-12-04: INC-7 pool exhausted",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "comment"), LANGUAGES, ids=[name for name, *_ in LANGUAGES]
)
def test_comment_in_language_syntax(code, name, content, comment):
    add_file(code, name, content.encode())

    tagged = tag(code, name, 2)

    lines = (code / name).read_text().splitlines()
    assert lines[1] == comment
    assert lines[2] == content.splitlines()[1]
    assert tagged.line == 2
    head = git.Repo(code).head.commit
    assert head.hexsha == tagged.commit
    assert head.author.name == "warroom"
    assert head.summary == f"Tag {name}:2 with INC-7"
    assert set(head.stats.files) == {name}


def test_tagging_twice_adds_nothing(code):
    add_file(code, "pool.py", b"x = 1\ny = 2\n")
    first = tag(code, "pool.py", 2)

    again = tag(code, "pool.py", 3)  # the same line, now one lower

    assert first.added
    assert not again.added
    assert again.commit == first.commit
    assert (code / "pool.py").read_text().count("INCIDENT-") == 1


def test_crlf_line_endings_kept(code):
    add_file(code, "pool.js", b"a();\r\nb();\r\n")

    tag(code, "pool.js", 2)

    assert (code / "pool.js").read_bytes() == (
        b"a();\r\n// INCIDENT-2026-12-04: INC-7 pool exhausted\r\nb();\r\n"
    )


def test_shebang_stays_first(code):
    add_file(code, "run.sh", b"#!/bin/sh\necho hi\n")

    tag(code, "run.sh", 1)

    lines = (code / "run.sh").read_text().splitlines()
    assert lines[0] == "#!/bin/sh"
    assert lines[1] == "# INCIDENT-2026-12-04: INC-7 pool exhausted"


def test_other_work_left_uncommitted(code):
    add_file(code, "pool.py", b"x = 1\n")
    add_file(code, "other.py", b"y = 1\n")
    (code / "other.py").write_text("y = 2\n")

    tag(code, "pool.py", 1)

    assert git.Repo(code).is_dirty(path="other.py")


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("pool.py", 9, "has 1 lines, so there is no line 9"),
        ("missing.py", 1, "There is no file missing.py"),
        ("../outside.py", 1, "is outside the repository"),
        ("notes.unknownext", 1, "does not know the comment syntax"),
    ],
    ids=["past-end", "missing-file", "outside", "unknown-language"],
)
def test_bad_location_rejected(code, tmp_path, name, line, message):
    add_file(code, "pool.py", b"x = 1\n")
    add_file(code, "notes.unknownext", b"x\n")
    (tmp_path / "outside.py").write_text("x = 1\n")

    with pytest.raises(UserError, match=message):
        tag(code, name, line)

    assert (code / "pool.py").read_text() == "x = 1\n"


@pytest.mark.parametrize("text", ["pool.py", "pool.py:0", "pool.py:x", ":3"], ids=str)
def test_location_needs_path_and_line(text):
    with pytest.raises(UserError, match="is not a location"):
        parse_location(text)


def test_location_parsed():
    assert parse_location("src/a:b.py:42") == Location(PurePosixPath("src/a:b.py"), 42)


def test_command_line_tags_with_incident_date(engine, database_url, code):
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        incidents.create_incident(
            session,
            team_id="T0TAGGING1",
            title="Checkout errors",
            description="",
            declared_by="U0COMMAND1",
            now=datetime(2026, 11, 3, 23, 30, tzinfo=UTC),
        )
    add_file(code, "services/pool.go", b"package pool\n\nvar size = 0\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env["DATABASE_URL"] = database_url

    command = ["tag", "INC-1", "services/pool.go:3", "--repo", str(code)]
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    comment = "// INCIDENT-2026-11-03: INC-1 Checkout errors"
    assert result.stdout.strip() == comment
    assert (code / "services/pool.go").read_text().splitlines()[2] == comment
    assert "push it when you are ready" in result.stderr
