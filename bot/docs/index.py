"""Paths of published documents and the incident index, `docs/incidents/index.md`.

Paths come from the incident's date and slugs of its title, services and failure
mode, so no title can point outside `docs/`. The index keeps one row per incident,
newest first; publishing again replaces the row instead of adding one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from bot.incidents.naming import slugify

POSTMORTEMS = PurePosixPath("docs/postmortems")
RUNBOOKS = PurePosixPath("docs/runbooks")
INDEX = PurePosixPath("docs/incidents/index.md")
INDEX_HEADER = (
    "# Incidents\n\n"
    "| Date | Incident | Severity | Title | Duration | MTTR | Postmortem |\n"
    "| --- | --- | --- | --- | --- | --- | --- |\n"
)
SLUG_LIMIT = 60
ROW = re.compile(r"^\| (?P<day>\d{4}-\d{2}-\d{2}) \| INC-(?P<number>\d+) \|")


@dataclass(frozen=True)
class IndexRow:
    day: date
    reference: str
    severity: str
    title: str
    duration: str
    mttr: str


def postmortem_path(day: date, title: str, reference: str) -> PurePosixPath:
    """Return `docs/postmortems/YYYY-MM-DD-<slug>.md`, always inside docs/."""
    slug = slugify(title, max_length=SLUG_LIMIT) or reference.lower()
    return POSTMORTEMS / f"{day.isoformat()}-{slug}.md"


def runbook_path(service: str, failure_mode: str) -> PurePosixPath | None:
    """Return `docs/runbooks/<service>-<failure-mode>.md`; None if either is blank."""
    service_slug = slugify(service, max_length=SLUG_LIMIT)
    mode_slug = slugify(failure_mode, max_length=SLUG_LIMIT)
    if not service_slug or not mode_slug:
        return None
    return RUNBOOKS / f"{service_slug}-{mode_slug}.md"


def link_from(document: PurePosixPath, target: PurePosixPath) -> str:
    """Return a relative Markdown link from one file under docs/ to another."""
    depth = len(document.relative_to("docs").parts) - 1
    return "../" * depth + target.relative_to("docs").as_posix()


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def updated_index(existing: str, row: IndexRow, postmortem: PurePosixPath) -> str:
    """Return the index with `row` added or replaced, rows sorted newest first."""
    link = link_from(INDEX, postmortem)
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


def row_key(text: str) -> tuple[str, int] | None:
    """Return (date, incident number) of an index row, or None for other lines."""
    match = ROW.match(text)
    if match is None:
        return None
    return match.group("day"), int(match.group("number"))
