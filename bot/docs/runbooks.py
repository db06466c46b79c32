"""Runbooks in the docs repository: drafted from an incident, then given history lines.

A runbook that does not exist yet is rendered from `templates/runbook.md.j2` with what
the incident taught (meaning, impact, diagnosis, mitigation). An existing runbook is
never rewritten: it only gets one history line per incident, replaced in place when
the postmortem is published again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import jinja2

from bot.docs.index import link_from, postmortem_path, runbook_path
from bot.docs.repository import Update
from bot.incidents.naming import slugify

HISTORY_HEADING = "## History"
# Outcomes that `/incident runbook` accepts, and their wording in history lines.
OUTCOMES = {
    "followed": "followed, and it helped",
    "not-followed": "not followed",
    "missing": "was missing when it was needed",
    "ineffective": "followed, but it did not help",
}


@dataclass(frozen=True)
class RunbookUse:
    """A runbook named during the incident, with how it was used."""

    name: str
    outcome: str
    note: str = ""


def planned_runbooks(
    context: dict[str, Any],
    services: Sequence[str],
    uses: Sequence[RunbookUse],
    exists: Callable[[PurePosixPath], bool],
) -> dict[PurePosixPath, str]:
    """Return the runbooks a publish touches, each with its history note.

    A runbook named as used gets a history line only where it already is; a runbook
    that was missing is drafted.
    """
    plan: dict[PurePosixPath, str] = {}
    mode = context["failure_mode"]
    for service in services:
        path = runbook_path(service, mode) if mode else None
        if path is not None:
            plan[path] = "drafted from this incident"
    for use in uses:
        path = runbook_file(use.name)
        if path is not None and (use.outcome == "missing" or exists(path)):
            note = f"runbook {OUTCOMES.get(use.outcome, use.outcome)}"
            plan[path] = f"{note}: {use.note}" if use.note else note
    return plan


def runbook_file(name: str) -> PurePosixPath | None:
    """Return the file a runbook name refers to, or None for links and blank names."""
    if "://" in name:
        return None
    stem = name.removesuffix(".md").rsplit("/", 1)[-1]
    slug = slugify(stem, max_length=120)
    return PurePosixPath("docs/runbooks") / f"{slug}.md" if slug else None


def runbook_update(
    environment: jinja2.Environment,
    context: dict[str, Any],
    path: PurePosixPath,
    note: str,
) -> Update:
    """Return the change to one runbook: a new draft, or one more history line."""
    line = history_line(context, path, note)

    def update(current: str) -> str:
        if current.strip():
            return with_history(current, line, context["reference"])
        template = environment.get_template("runbook.md.j2")
        return template.render(**context, name=path.stem, history=[line])

    return update


def history_line(context: dict[str, Any], path: PurePosixPath, note: str) -> str:
    postmortem = postmortem_path(context["day"], context["title"], context["reference"])
    link = link_from(path, postmortem)
    return (
        f"- {context['day'].isoformat()} [{context['reference']}]({link}) "
        f"{context['severity']}, {context['title']}: {note}."
    )


def with_history(existing: str, line: str, reference: str) -> str:
    """Add `line` under the History heading, replacing this incident's earlier line."""
    lines = existing.rstrip("\n").splitlines()
    marker = f"[{reference}]("
    for number, text in enumerate(lines):
        if text.startswith("- ") and marker in text:
            lines[number] = line
            return "\n".join(lines) + "\n"
    if HISTORY_HEADING not in (text.strip() for text in lines):
        return "\n".join([*lines, "", HISTORY_HEADING, "", line]) + "\n"
    start = [text.strip() for text in lines].index(HISTORY_HEADING)
    end = start + 1
    while end < len(lines) and not lines[end].startswith("#"):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # insert after the last history line, before blank lines
    insert = [line] if end > start + 1 else ["", line]
    return "\n".join(lines[:end] + insert + lines[end:]) + "\n"
