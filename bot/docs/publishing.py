"""Publish a rendered postmortem into the docs repository in one commit.

One publish writes the postmortem, its row in the incident index, and the runbooks
it touches: a draft for each affected service and the failure mode, and a history
line in each runbook the responders recorded. Publishing again updates the same
files, so the commit contains only what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from bot.config import DocsRemote
from bot.docs.budget import charts
from bot.docs.index import INDEX, IndexRow, postmortem_path, updated_index
from bot.docs.repository import Update, commit_updates
from bot.docs.runbooks import RunbookUse, planned_runbooks, runbook_update

SUBJECT_LIMIT = 72


@dataclass(frozen=True)
class Published:
    postmortem: PurePosixPath
    commit: str
    runbooks: tuple[PurePosixPath, ...]
    charts: tuple[PurePosixPath, ...] = ()


def publish_to_docs(
    root: Path,
    environment: jinja2.Environment,
    context: dict[str, Any],
    markdown: str,
    *,
    services: list[str],
    remote: DocsRemote | None = None,
) -> Published:
    """Write the postmortem, index row and runbooks, commit them, and push."""
    row = IndexRow(
        day=context["day"],
        reference=context["reference"],
        severity=context["severity"],
        title=context["title"],
        duration=context["duration"],
        mttr=context["mttr"],
    )
    path = postmortem_path(row.day, row.title, row.reference)

    updates: dict[PurePosixPath, Update] = {
        path: lambda _current: markdown,
        INDEX: lambda current: updated_index(current, row, path),
    }
    uses = [
        RunbookUse(use["name"], use["outcome"], use["note"])
        for use in context["runbooks"]
    ]
    runbooks = planned_runbooks(
        context, services, uses, lambda path: (root / path).is_file()
    )
    for runbook, note in runbooks.items():
        updates[runbook] = runbook_update(environment, context, runbook, note)

    account = context.get("budget_account")
    binaries = charts(account, path) if account is not None else {}
    message = f"Publish the postmortem of {row.reference}: {row.title}"
    subject = message if len(message) <= SUBJECT_LIMIT else message[:71] + "…"
    body = "\n".join(f"- {file}" for file in [*updates, *binaries])
    commit = commit_updates(root, updates, f"{subject}\n\n{body}\n", remote, binaries)
    return Published(path, commit, tuple(runbooks), tuple(binaries))
