"""Recent commits that touched the suspect services, ranked for a responder.

For each repository, one `git log` lists the commits in the window that touched the
paths of the requested services. Each commit gets a score from 0 to 1, a heuristic
that weights two things:

- closeness (weight 0.6): 1 / (1 + hours between the commit and the impact start
  / 24), halved for commits after the impact start, because those cannot have
  started it but may be fixes or rollbacks worth seeing;
- overlap (weight 0.4): the share of the commit's files that belong to the failing
  service.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.investigate.errors import InvestigationError
from bot.investigate.gitlog import Commit, Tag, read_log

DATE_FIELDS = ("committer", "author")
CLOSENESS_WEIGHT = 0.6
OVERLAP_WEIGHT = 0.4
DEFAULT_MAX_COMMITS = 1000


@dataclass(frozen=True)
class ServicePaths:
    """The paths of a service inside one repository."""

    service: str
    repository: Path
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    repository: Path
    commit: str
    author: str
    author_email: str
    when: datetime  # the committer or author date, per ChangeReport.date_field
    subject: str
    files: tuple[str, ...]
    services: tuple[str, ...]
    is_merge: bool
    deploy_tags: tuple[str, ...]
    touches_failing: bool
    score: float


@dataclass(frozen=True)
class Deploy:
    """A deploy tag created inside the window."""

    repository: Path
    tag: str
    commit: str
    created_at: datetime


@dataclass(frozen=True)
class ChangeReport:
    since: datetime
    until: datetime
    impact_start: datetime
    date_field: str  # "committer" or "author"
    changes: tuple[Change, ...]  # highest score first
    deploys: tuple[Deploy, ...]  # newest first
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ChangeQuery:
    since: datetime
    until: datetime
    impact_start: datetime
    failing: str | None = None
    date_field: str = "committer"
    deploy_tag_pattern: str = "deploy*"
    max_commits: int = DEFAULT_MAX_COMMITS


def find_changes(targets: Sequence[ServicePaths], query: ChangeQuery) -> ChangeReport:
    """List and rank the commits in the query's window that touched `targets`.

    Targets without paths are skipped with a warning. Raises InvestigationError for
    a date field other than "committer" or "author", or naive datetimes.
    """
    _check_query(query)
    warnings = [
        f"{target.service} has no paths in {target.repository}; add `paths` to "
        "its catalogue entry to see its changes."
        for target in targets
        if not target.paths
    ]
    changes: list[Change] = []
    deploys: list[Deploy] = []
    for repository, members in _by_repository(targets).items():
        found, tags, repository_warnings = _repository_changes(
            repository, members, query
        )
        changes.extend(found)
        deploys.extend(
            Deploy(repository, tag.name, tag.commit, tag.created_at)
            for tag in tags
            if query.since <= tag.created_at <= query.until
        )
        warnings.extend(repository_warnings)
    changes.sort(key=lambda change: (-change.score, -change.when.timestamp()))
    deploys.sort(key=lambda deploy: deploy.created_at, reverse=True)
    return ChangeReport(
        since=query.since,
        until=query.until,
        impact_start=query.impact_start,
        date_field=query.date_field,
        changes=tuple(changes),
        deploys=tuple(deploys),
        warnings=tuple(warnings),
    )


def _check_query(query: ChangeQuery) -> None:
    if query.date_field not in DATE_FIELDS:
        raise InvestigationError(
            f'change_date "{query.date_field}" is invalid. Use committer or author.'
        )
    for name in ("since", "until", "impact_start"):
        if getattr(query, name).tzinfo is None:
            raise InvestigationError(f"{name} must be a timezone-aware datetime.")
    if query.since > query.until:
        raise InvestigationError(
            f"The window starts ({query.since.isoformat()}) after it ends "
            f"({query.until.isoformat()}). Swap --since and --until."
        )


def _by_repository(
    targets: Sequence[ServicePaths],
) -> dict[Path, list[ServicePaths]]:
    grouped: dict[Path, list[ServicePaths]] = {}
    for target in targets:
        if target.paths:
            grouped.setdefault(target.repository, []).append(target)
    return grouped


def _repository_changes(
    repository: Path, members: list[ServicePaths], query: ChangeQuery
) -> tuple[list[Change], tuple[Tag, ...], tuple[str, ...]]:
    paths = sorted({path for member in members for path in member.paths})
    by_author = query.date_field == "author"
    # Git filters by committer date only. An author date is normally no later than
    # its committer date, so for author dates the end stays open and is checked here.
    result = read_log(
        repository,
        paths,
        query.since,
        None if by_author else query.until,
        max_commits=query.max_commits,
        tag_pattern=query.deploy_tag_pattern,
    )
    tags_by_commit: dict[str, list[str]] = {}
    for tag in result.tags:
        tags_by_commit.setdefault(tag.commit, []).append(tag.name)
    changes = []
    for commit in result.commits:
        when = commit.authored_at if by_author else commit.committed_at
        if not query.since <= when <= query.until or not commit.files:
            continue
        tags = tuple(sorted(tags_by_commit.get(commit.commit, [])))
        changes.append(_change(repository, commit, when, members, tags, query))
    return changes, result.tags, result.warnings


def _change(
    repository: Path,
    commit: Commit,
    when: datetime,
    members: list[ServicePaths],
    tags: tuple[str, ...],
    query: ChangeQuery,
) -> Change:
    owners = [_owners(path, members) for path in commit.files]
    services = tuple(sorted({name for found in owners for name in found}))
    failing_files = sum(1 for found in owners if query.failing in found)
    overlap = failing_files / len(commit.files)
    return Change(
        repository=repository,
        commit=commit.commit,
        author=commit.author,
        author_email=commit.author_email,
        when=when,
        subject=commit.subject,
        files=commit.files,
        services=services,
        is_merge=len(commit.parents) > 1,
        deploy_tags=tags,
        touches_failing=failing_files > 0,
        score=round(score(when, query.impact_start, overlap), 4),
    )


def score(when: datetime, impact_start: datetime, overlap: float) -> float:
    """Combine closeness to the impact start and overlap with the failing service."""
    hours = abs(impact_start - when) / timedelta(hours=1)
    closeness = 1 / (1 + hours / 24)
    if when > impact_start:
        closeness /= 2
    return CLOSENESS_WEIGHT * closeness + OVERLAP_WEIGHT * overlap


def _owners(path: str, members: list[ServicePaths]) -> set[str]:
    return {
        member.service
        for member in members
        if any(path_in(pattern, path) for pattern in member.paths)
    }


def path_in(pattern: str, path: str) -> bool:
    """Tell whether a catalogue path (a folder, file or glob) covers a file."""
    if any(character in pattern for character in "*?["):
        return fnmatch.fnmatchcase(path, pattern)
    folder = pattern.rstrip("/")
    return path == folder or path.startswith(folder + "/") or folder in ("", ".")
