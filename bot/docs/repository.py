"""Commit files to the docs repository with GitPython, and push them when configured.

Only the files warroom writes are committed: other changes in the work tree, staged
or not, are left as they were. When a remote is configured, the local branch is first
brought up to date with it, by a fast-forward or a rebase of unpushed commits. A push
that the remote rejects because it moved on is retried once after another update. A
rebase that conflicts is aborted, so no commit is ever lost; the error names the
commit that is waiting to be pushed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import git

from bot.config import DocsRemote
from bot.errors import WarroomError

log = logging.getLogger(__name__)

AUTHOR_NAME = "warroom"
AUTHOR_EMAIL = "warroom@users.noreply.invalid"
IDENTITY = {
    "GIT_AUTHOR_NAME": AUTHOR_NAME,
    "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL,
    "GIT_COMMITTER_NAME": AUTHOR_NAME,
    "GIT_COMMITTER_EMAIL": AUTHOR_EMAIL,
}
# user:password in a remote URL that git may repeat in an error message.
CREDENTIALS = re.compile(r"(://)[^/@\s]+@")
# The new text of a file, given its current text ("" when it does not exist yet).
Update = Callable[[str], str]


class DocsRepositoryError(WarroomError):
    """The docs repository is missing, unusable or could not be committed to."""


@dataclass(frozen=True)
class Remote:
    """The remote and branch that published documents are pushed to."""

    name: str
    branch: str


def resolve_remote(repo: git.Repo, remote: DocsRemote) -> Remote:
    """Fill in the checked-out branch when the configuration names none."""
    if remote.branch is not None:
        return Remote(remote.name, remote.branch)
    if repo.head.is_detached:
        raise DocsRepositoryError(
            "The docs checkout is on a detached HEAD, so there is no branch to push "
            "to. Check out a branch there, or set docs.branch in warroom.yaml."
        )
    return Remote(remote.name, repo.active_branch.name)


def open_repository(path: Path) -> git.Repo:
    try:
        return git.Repo(path)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as error:
        raise DocsRepositoryError(
            f"WARROOM_DOCS_REPO {path} is not a git checkout. Clone the docs "
            "repository there, or point WARROOM_DOCS_REPO at one."
        ) from error


def commit_updates(
    root: Path,
    updates: Mapping[PurePosixPath, Update],
    message: str,
    docs_remote: DocsRemote | None = None,
    binaries: Mapping[PurePosixPath, bytes] | None = None,
) -> str:
    """Apply `updates` to files under `root`, commit them, push, and return the commit.

    `binaries` are files written as given, such as charts. When nothing changed, the
    current HEAD is returned and no commit is made.
    """
    binaries = binaries or {}
    repo = open_repository(root)
    paths = [str(path) for path in [*updates, *binaries]]
    for path in [*updates, *binaries]:
        check_inside(path, root)
    remote = resolve_remote(repo, docs_remote) if docs_remote else None
    if remote is not None:
        sync(repo, remote)
    check_unchanged(repo, paths)
    try:
        for path, update in updates.items():
            target = root / path
            current = read_text(target) if target.exists() else ""
            target.parent.mkdir(parents=True, exist_ok=True)
            # surrogateescape keeps bytes that are not UTF-8 exactly as they were.
            target.write_bytes(update(current).encode("utf-8", "surrogateescape"))
        for path, content in binaries.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(content)
    except OSError as error:
        raise DocsRepositoryError(
            f"Writing into the docs repository failed: {error}"
        ) from error
    commit = commit_paths(repo, paths, message)
    if remote is not None:
        push(repo, remote)
    return commit


def check_inside(path: PurePosixPath, root: Path | None = None) -> None:
    """Reject a path that leaves the repository, by `..` or through a link."""
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise DocsRepositoryError(f"Rejected the path {path}: it is outside docs/.")
    if root is None:
        return
    for depth in range(1, len(path.parts) + 1):
        if (root / PurePosixPath(*path.parts[:depth])).is_symlink():
            raise DocsRepositoryError(
                f"Rejected the path {path}: {PurePosixPath(*path.parts[:depth])} is "
                "a symbolic link, and warroom writes only to real files and folders."
            )


def check_unchanged(repo: git.Repo, paths: list[str]) -> None:
    """Refuse to commit over someone's uncommitted edits of the same files."""
    if not repo.head.is_valid():
        return
    changed = run(repo, "status", "--porcelain", "--", *paths).splitlines()
    if changed:
        files = ", ".join(line[3:] for line in changed)
        raise DocsRepositoryError(
            f"{files} in the docs checkout has uncommitted changes, which warroom "
            "will not commit under its own name. Commit or stash them there, then "
            "publish again."
        )


def read_text(target: Path) -> str:
    return target.read_bytes().decode("utf-8", "surrogateescape")


def commit_paths(repo: git.Repo, paths: list[str], message: str) -> str:
    """Commit exactly `paths` with warroom as author; other staged work stays staged.

    The paths are added even when a .gitignore matches them, because the published
    postmortem links to them.
    """
    run(repo, "add", "--force", "--", *paths)
    has_head = repo.head.is_valid()
    if has_head and not run(
        repo, "diff", "--cached", "--name-only", "HEAD", "--", *paths
    ):
        return str(repo.head.commit.hexsha)
    run(repo, "commit", "--only", "--no-verify", "-m", message, "--", *paths)
    sha = str(repo.head.commit.hexsha)
    log.info("committed %s to the docs repository as %s", ", ".join(paths), sha[:12])
    return sha


def sync(repo: git.Repo, remote: Remote) -> None:
    """Bring the local branch up to date with the remote branch before committing."""
    upstream = fetch(repo, remote)
    if upstream is None:
        return  # the branch does not exist on the remote yet; the push creates it
    head = repo.head.commit
    if repo.is_ancestor(repo.commit(upstream), head):
        return
    if repo.is_ancestor(head, repo.commit(upstream)):
        run(repo, "merge", "--ff-only", "--quiet", upstream)
        return
    rebase(repo, remote, upstream)


def fetch(repo: git.Repo, remote: Remote) -> str | None:
    """Fetch the remote branch and return its commit, or None when it is absent."""
    if remote.name not in [r.name for r in repo.remotes]:
        raise DocsRepositoryError(
            f'The docs repository has no remote "{remote.name}". Add it with '
            f"`git remote add {remote.name} <url>` or change docs.remote in "
            "warroom.yaml."
        )
    run(repo, "fetch", "--quiet", remote.name)
    ref = f"refs/remotes/{remote.name}/{remote.branch}"
    try:
        return str(repo.git.rev_parse("--verify", "--quiet", ref))
    except git.GitCommandError:
        return None


def rebase(repo: git.Repo, remote: Remote, upstream: str) -> None:
    """Replay unpushed local commits onto the remote branch, or abort cleanly."""
    waiting = repo.head.commit.hexsha
    try:
        repo.git.rebase("--autostash", "--quiet", upstream, env=IDENTITY)
    except git.GitCommandError as error:
        conflicts = repo.git.diff("--name-only", "--diff-filter=U").split()
        try:
            repo.git.rebase("--abort")
        except git.GitCommandError:
            log.warning("could not abort the rebase in the docs repository")
        files = ", ".join(conflicts) or "the work tree"
        raise DocsRepositoryError(
            f"{remote.name}/{remote.branch} moved on, and rebasing the docs commits "
            f"onto it conflicts in {files}. Nothing was lost: commit {waiting[:12]} "
            "waits on the local branch. Resolve it in the docs checkout with "
            f"`git pull --rebase {remote.name} {remote.branch}`, then publish again."
        ) from error
    log.info("rebased the docs commits onto %s/%s", remote.name, remote.branch)


def push(repo: git.Repo, remote: Remote) -> None:
    """Push HEAD to the remote branch, updating and retrying once if it moved on."""
    refspec = f"HEAD:refs/heads/{remote.branch}"
    try:
        run(repo, "push", "--quiet", remote.name, refspec)
        return
    except DocsRepositoryError:
        log.info("push to %s was rejected; updating and retrying", remote.name)
    sync(repo, remote)
    run(repo, "push", "--quiet", remote.name, refspec)


def redact(text: str) -> str:
    """Hide credentials embedded in remote URLs."""
    return CREDENTIALS.sub(r"\1***@", text)


def run(repo: git.Repo, *arguments: str) -> str:
    try:
        return str(repo.git.execute(["git", *arguments], env=IDENTITY))
    except git.GitCommandError as error:
        detail = str(error.stderr).strip().strip("'").splitlines()
        reason = detail[-1].strip() if detail else f"exit status {error.status}"
        reason = redact(reason)
        raise DocsRepositoryError(
            f"git {arguments[0]} in the docs repository failed: {reason}"
        ) from error
