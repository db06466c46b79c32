"""Read a repository at HEAD for `trace`: search, list files, read lines, blame.

Everything is read from the commit at HEAD, not from the working tree, so the
results describe what was committed and blame agrees with the lines shown. File
listings and contents are cached for the life of one Repository.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import git

from bot.investigate.patterns import SearchPattern

log = logging.getLogger(__name__)

REVISION = "HEAD"


@dataclass(frozen=True)
class Blame:
    """The commit that last changed a line, from `git blame --porcelain`."""

    commit: str
    author: str
    authored_at: datetime
    committed_at: datetime
    summary: str


@dataclass
class Repository:
    """A git checkout opened for reading at HEAD."""

    folder: Path
    repo: git.Repo
    _files: tuple[str, ...] | None = None
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def grep(self, pattern: SearchPattern) -> list[tuple[str, int, str]]:
        """Return (file, line, text) for each line of HEAD that matches `pattern`."""
        options = ["-n", "-I", "--no-color", "--full-name"]
        options += ["-F"] if pattern.fixed else ["-E", "-i"]
        try:
            output = self._git().grep(*options, "-e", pattern.expression, REVISION)
        except git.GitCommandError as error:
            if error.status == 1:  # git grep exits 1 when nothing matches
                return []
            log.warning("git grep failed in %s: %s", self.folder, _first_line(error))
            return []
        return [_grep_line(line) for line in output.splitlines() if line]

    def files(self) -> tuple[str, ...]:
        if self._files is None:
            output = self._git().ls_tree("-r", "--name-only", REVISION)
            self._files = tuple(output.splitlines())
        return self._files

    def find_file(self, path: str) -> str | None:
        """Return the file of HEAD that best matches a path printed in a trace.

        The printed path may be absolute or start elsewhere (`/app/src/pool.py`), so
        the file sharing the longest run of trailing path parts wins, and at least
        the file name must agree.
        """
        printed = PurePosixPath(path.replace("\\", "/")).parts
        if not printed:
            return None
        best: tuple[int, str] | None = None
        for file in self.files():
            if not file.endswith(printed[-1]):
                continue
            shared = _shared_suffix(PurePosixPath(file).parts, printed)
            if shared and (best is None or shared > best[0]):
                best = (shared, file)
        return best[1] if best else None

    def lines(self, file: str) -> list[str]:
        if file not in self._lines:
            try:
                text = self._git().show(f"{REVISION}:{file}")
            except git.GitCommandError as error:
                log.warning("git show %s failed: %s", file, _first_line(error))
                text = ""
            self._lines[file] = text.splitlines()
        return self._lines[file]

    def blame(self, file: str, line: int) -> Blame | None:
        try:
            output = self.repo.git.blame(
                "--porcelain", "-L", f"{line},{line}", REVISION, "--", file
            )
        except git.GitCommandError as error:
            log.warning("git blame %s:%s failed: %s", file, line, _first_line(error))
            return None
        return parse_blame(output)

    def close(self) -> None:
        self.repo.close()

    def _git(self) -> git.Git:
        # Paths with non-ASCII characters stay readable instead of quoted.
        return self.repo.git(c="core.quotePath=false")


def open_repository(folder: Path) -> tuple[Repository | None, str | None]:
    """Open `folder`; return a warning instead when it cannot be searched."""
    try:
        repo = git.Repo(folder)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None, f"{folder} is not a git checkout; skipped."
    if not repo.head.is_valid():
        return None, f"{folder} has no commits yet; skipped."
    return Repository(folder, repo), None


def parse_blame(output: str) -> Blame | None:
    """Parse `git blame --porcelain` output for one line."""
    lines = output.splitlines()
    if not lines or len(lines[0].split()) < 3:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line.startswith("\t"):
            break
        key, _, value = line.partition(" ")
        headers[key] = value
    try:
        authored = int(headers["author-time"])
        committed = int(headers["committer-time"])
    except (KeyError, ValueError):
        return None
    return Blame(
        commit=lines[0].split()[0],
        author=headers.get("author", ""),
        authored_at=datetime.fromtimestamp(authored, UTC),
        committed_at=datetime.fromtimestamp(committed, UTC),
        summary=headers.get("summary", ""),
    )


def _grep_line(line: str) -> tuple[str, int, str]:
    # "HEAD:path:line:text"; a path may contain ":", but the line number is the
    # first field that is all digits after it.
    rest = line.removeprefix(f"{REVISION}:")
    parts = rest.split(":")
    for index in range(1, len(parts)):
        if parts[index].isdigit():
            file = ":".join(parts[:index])
            return file, int(parts[index]), ":".join(parts[index + 1 :])
    return rest, 0, ""


def _shared_suffix(file: tuple[str, ...], printed: tuple[str, ...]) -> int:
    shared = 0
    for left, right in zip(reversed(file), reversed(printed), strict=False):
        if left != right:
            break
        shared += 1
    return shared


def _first_line(error: git.GitCommandError) -> str:
    stderr = str(error.stderr or "").strip().strip("'").strip()
    return stderr.splitlines()[0] if stderr else f"exit status {error.status}"
