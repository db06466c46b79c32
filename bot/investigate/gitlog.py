"""Run `git log` over a window and a set of paths, and read its output.

Git does the filtering by date and path, so the cost stays close to that of the
`git log` command itself even on long histories. Problems that should not stop an
investigation (a repository that is missing, empty, shallow or damaged) are returned
as warnings instead of raised.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import git

log = logging.getLogger(__name__)

FIELD = "\x1f"
RECORD = "\x1e"
# Commit id, parent ids, author name, author e-mail, author and committer time
# (Unix seconds), subject.
LOG_FORMAT = f"{RECORD}%H{FIELD}%P{FIELD}%an{FIELD}%ae{FIELD}%at{FIELD}%ct{FIELD}%s"
TAG_FORMAT = FIELD.join(
    ["%(refname:short)", "%(objectname)", "%(*objectname)", "%(creatordate:unix)"]
)


@dataclass(frozen=True)
class Commit:
    commit: str
    parents: tuple[str, ...]
    author: str
    author_email: str
    authored_at: datetime
    committed_at: datetime
    subject: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Tag:
    name: str
    commit: str
    created_at: datetime  # tagger date, or the commit date of a lightweight tag


@dataclass(frozen=True)
class LogResult:
    commits: tuple[Commit, ...]
    tags: tuple[Tag, ...]
    warnings: tuple[str, ...]


def read_log(
    repository: Path,
    paths: Sequence[str],
    since: datetime,
    until: datetime | None,
    *,
    max_commits: int,
    tag_pattern: str,
) -> LogResult:
    """Return the commits of HEAD committed in [since, until] that touch `paths`.

    Merge commits are listed with the files they changed against their first parent,
    which is what a merge brought into the deployed branch. `until=None` leaves the
    end open, for callers that filter by author date themselves.
    """
    try:
        repo = git.Repo(repository)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return LogResult((), (), (f"{repository} is not a git checkout; skipped.",))
    with repo:
        warnings = list(_shallow_warnings(repo, repository, since))
        # Tags are listed by a second git process running alongside `git log`,
        # which hides most of its start-up time.
        tag_process = repo.git.for_each_ref(
            f"--format={TAG_FORMAT}", "refs/tags", as_process=True
        )
        try:
            # NOTE: names with a tab, newline or double quote still come out
            # quoted, so they match no service path.
            unquoted = repo.git(c="core.quotePath=false")
            output = unquoted.log(*_log_arguments(paths, since, until, max_commits))
        except git.GitCommandError as error:
            _read_tags(tag_process, repository, tag_pattern, warnings)
            # Checked only after a failure, because the check starts a git process.
            if not repo.head.is_valid():
                return LogResult((), (), (f"{repository} has no commits yet.",))
            return LogResult((), (), (*warnings, _failure(repository, error)))
        commits = parse_log(output)
        if len(commits) >= max_commits:
            warnings.append(
                f"{repository}: stopped after {max_commits} commits; narrow the "
                "window or the paths to see the rest."
            )
        tags = _read_tags(tag_process, repository, tag_pattern, warnings)
    return LogResult(commits, tags, tuple(warnings))


def _log_arguments(
    paths: Sequence[str], since: datetime, until: datetime | None, max_commits: int
) -> list[str]:
    arguments = [
        "--no-color",
        "--full-history",
        "--diff-merges=first-parent",
        "--name-only",
        # List every file a commit changed, not only those under `paths`.
        "--full-diff",
        f"--format={LOG_FORMAT}",
        f"--max-count={max_commits}",
        f"--since={since.astimezone(UTC).isoformat()}",
    ]
    if until is not None:
        arguments.append(f"--until={until.astimezone(UTC).isoformat()}")
    return [*arguments, "HEAD", "--", *paths]


def log_command(
    paths: Sequence[str], since: datetime, until: datetime | None, max_commits: int
) -> list[str]:
    """Return the `git log` command line that `read_log` runs, for benchmarks."""
    return ["git", "log", *_log_arguments(paths, since, until, max_commits)]


def _failure(repository: Path, error: git.GitCommandError) -> str:
    stderr = str(error.stderr or "").strip().strip("'").strip()
    first_line = stderr.splitlines()[0] if stderr else f"exit status {error.status}"
    log.warning("git log failed in %s: %s", repository, first_line)
    return (
        f"{repository}: git log failed ({first_line}); the repository may be "
        "missing objects. Run `git fsck` or fetch it again."
    )


def parse_log(output: str) -> tuple[Commit, ...]:
    """Parse the output of `git log` run with LOG_FORMAT and --name-only."""
    commits = []
    for record in output.split(RECORD):
        if not record.strip():
            continue
        header, _, rest = record.partition("\n")
        fields = header.split(FIELD)
        if len(fields) != 7:
            log.warning("skipped a git log record of %d fields", len(fields))
            continue
        commit, parents, author, email, authored, committed, subject = fields
        commits.append(
            Commit(
                commit=commit,
                parents=tuple(parents.split()),
                author=author,
                author_email=email,
                authored_at=datetime.fromtimestamp(int(authored), UTC),
                committed_at=datetime.fromtimestamp(int(committed), UTC),
                subject=subject,
                files=tuple(line for line in rest.splitlines() if line),
            )
        )
    return tuple(commits)


def _shallow_warnings(repo: git.Repo, repository: Path, since: datetime) -> list[str]:
    """Warn when the window reaches past the shallow boundary of a shallow clone."""
    shallow_file = Path(repo.git_dir) / "shallow"
    if not shallow_file.is_file():
        return []
    boundary = shallow_file.read_text(encoding="ascii").split()
    try:
        dates = repo.git.log("--no-walk", "--format=%ct", *boundary).split()
    except git.GitCommandError:
        dates = []
    newest = max((int(d) for d in dates), default=None)
    if newest is not None and datetime.fromtimestamp(newest, UTC) <= since:
        return []
    return [
        f"{repository} is a shallow clone whose history ends inside the window; "
        "older commits are missing. Run `git fetch --unshallow` to see them."
    ]


def _read_tags(
    process: Any, repository: Path, pattern: str, warnings: list[str]
) -> tuple[Tag, ...]:
    """Read the output of `git for-each-ref` and keep the tags matching `pattern`."""
    try:
        output = process.stdout.read().decode("utf-8", "replace")
        process.wait()
    except git.GitCommandError as error:
        warnings.append(_failure(repository, error))
        return ()
    tags = []
    for line in output.splitlines():
        fields = line.split(FIELD)
        if len(fields) != 4 or not fnmatch.fnmatchcase(fields[0], pattern):
            continue
        name, target, peeled, created = fields
        if not created.isdigit():
            continue
        tags.append(
            Tag(name, peeled or target, datetime.fromtimestamp(int(created), UTC))
        )
    return tuple(tags)
