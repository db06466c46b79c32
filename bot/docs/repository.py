"""Write postmortems into the docs repository and commit them with GitPython.

Paths come from the incident's date and a slug of its title, so no title can point
outside `docs/`. The incident index keeps one row per incident, newest first.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import git

from bot.errors import WarroomError
from bot.incidents.naming import slugify

log = logging.getLogger(__name__)

POSTMORTEMS = Path("docs/postmortems")
INDEX = Path("docs/incidents/index.md")
INDEX_HEADER = (
    "# Incidents\n\n"
    "| Date | Incident | Severity | Title | Duration | MTTR | Postmortem |\n"
    "| --- | --- | --- | --- | --- | --- | --- |\n"
)
AUTHOR = git.Actor("warroom", "warroom@users.noreply.invalid")
SLUG_LIMIT = 60


class DocsRepositoryError(WarroomError):
    """The docs repository is missing, unusable or could not be committed to."""


@dataclass(frozen=True)
class IndexRow:
    day: date
    reference: str
    severity: str
    title: str
    duration: str
    mttr: str


def postmortem_path(day: date, title: str, reference: str) -> Path:
    """Return `docs/postmortems/YYYY-MM-DD-<slug>.md`, always inside docs/."""
    slug = slugify(title, max_length=SLUG_LIMIT) or reference.lower()
    return POSTMORTEMS / f"{day.isoformat()}-{slug}.md"


def open_repository(path: Path) -> git.Repo:
    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
        raise DocsRepositoryError(
            f"WARROOM_DOCS_REPO {path} is not a git checkout. Clone the docs "
            "repository there, or point WARROOM_DOCS_REPO at one."
        ) from error


def write_postmortem(root: Path, row: IndexRow, markdown: str) -> str:
    """Write the postmortem and the index row, commit both, and return the commit id.

    Publishing again rewrites the same file and row; only the files written here are
    committed, so other changes in the work tree are left alone.
    """
    repo = open_repository(root)
    relative = postmortem_path(row.day, row.title, row.reference)
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(markdown, encoding="utf-8")
    index = root / INDEX
    index.parent.mkdir(parents=True, exist_ok=True)
    existing = index.read_text(encoding="utf-8") if index.exists() else ""
    index.write_text(updated_index(existing, row, relative), encoding="utf-8")
    repo.index.add([str(relative), str(INDEX)])
    if not repo.head.is_valid() or repo.index.diff("HEAD"):
        message = f"Add the postmortem of {row.reference}: {row.title}"[:72]
        commit = repo.index.commit(message, author=AUTHOR, committer=AUTHOR)
        log.info("committed %s as %s", relative, commit.hexsha[:12])
        return str(commit.hexsha)
    return str(repo.head.commit.hexsha)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def updated_index(existing: str, row: IndexRow, postmortem: Path) -> str:
    """Return the index with `row` added or replaced, rows sorted newest first."""
    link = "../" + postmortem.relative_to("docs").as_posix()
    line = (
        f"| {row.day.isoformat()} | {row.reference} | {cell(row.severity)} | "
        f"{cell(row.title)} | {row.duration} | {row.mttr} | [postmortem]({link}) |"
    )
    rows = {}
    for text in [*existing.splitlines(), line]:
        key = row_key(text)
        if key is not None:
            rows[key[1]] = (key, text)  # a later row for the same incident wins
    ordered = sorted(rows.values(), key=lambda entry: entry[0], reverse=True)
    return INDEX_HEADER + "\n".join(text for _, text in ordered) + "\n"


ROW = re.compile(r"^\| (?P<day>\d{4}-\d{2}-\d{2}) \| INC-(?P<number>\d+) \|")


def row_key(text: str) -> tuple[str, int] | None:
    """Return (date, incident number) of an index row, or None for other lines."""
    match = ROW.match(text)
    if match is None:
        return None
    return match.group("day"), int(match.group("number"))
