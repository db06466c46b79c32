"""Postmortems and runbooks written into real, throwaway git repositories."""

from __future__ import annotations

from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import git
import pytest

from bot.config import DocsRemote
from bot.docs.index import postmortem_path
from bot.docs.publishing import publish_to_docs
from bot.docs.repository import DocsRepositoryError, redact
from bot.templating import make_environment

PERSON = git.Actor("someone", "someone@example.invalid")
POSTMORTEM = "docs/postmortems/2026-12-04-checkout-errors.md"
INDEX = "docs/incidents/index.md"


def commit_all(repo: git.Repo, message: str) -> str:
    repo.git.add("--all")
    return str(repo.index.commit(message, author=PERSON, committer=PERSON).hexsha)


@pytest.fixture
def docs(tmp_path) -> Path:
    root = tmp_path / "docs-repo"
    repo = git.Repo.init(root, initial_branch="main")
    (root / "README.md").write_text("docs\n")
    commit_all(repo, "Start the docs")
    return root


@pytest.fixture
def remote(tmp_path, docs) -> Path:
    """A bare remote holding the docs repository's history, as `origin`."""
    bare = tmp_path / "remote.git"
    git.Repo.init(bare, bare=True, initial_branch="main")
    repo = git.Repo(docs)
    repo.create_remote("origin", str(bare))
    repo.git.push("origin", "main")
    return bare


def other_clone(tmp_path: Path, bare: Path) -> git.Repo:
    """A colleague's clone of the remote, to move it on."""
    return git.Repo.clone_from(str(bare), tmp_path / "colleague", branch="main")


def context(
    number: int = 1,
    day: date = date(2026, 12, 4),
    title: str = "Checkout errors",
    **extra: Any,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "day": day,
        "reference": f"INC-{number}",
        "severity": "SEV2",
        "title": title,
        "duration": "47m 00s",
        "mttr": "47m 00s",
        "services": "checkout",
        "failure_mode": "",
        "runbooks": [],
        "trigger": ["deploy 4812 doubled the query rate"],
        "cause": ["a missing index on orders.created_at"],
        "whys": ["the pool was exhausted", "queries were slow"],
        "impact": ["40% of checkouts failed"],
        "summary": "Rolled back deploy 4812.",
    }
    values.update(extra)
    return values


def publish(
    root: Path,
    values: dict[str, Any],
    markdown: str = "# postmortem\n",
    services: tuple[str, ...] = ("checkout",),
    remote: DocsRemote | None = None,
):
    return publish_to_docs(
        root,
        make_environment(),
        values,
        markdown,
        services=list(services),
        remote=remote,
    )


def test_postmortem_committed_with_index(docs):
    published = publish(docs, context(), "# INC-1\n")

    repo = git.Repo(docs)
    assert repo.head.commit.hexsha == published.commit
    assert repo.head.commit.author.name == "warroom"
    assert repo.head.commit.committer.name == "warroom"
    assert "INC-1" in repo.head.commit.summary
    assert (docs / POSTMORTEM).read_text() == "# INC-1\n"
    index = (docs / INDEX).read_text()
    assert (
        "| 2026-12-04 | INC-1 | SEV2 | Checkout errors | 47m 00s | 47m 00s |" in index
    )
    assert "(../postmortems/2026-12-04-checkout-errors.md)" in index


def test_republishing_updates_same_files(docs):
    first = publish(docs, context(), "# draft\n").commit
    same = publish(docs, context(), "# draft\n").commit
    changed = publish(docs, context(), "# final\n").commit

    index = (docs / INDEX).read_text()
    assert same == first
    assert changed != first
    assert index.count("INC-1 ") == 1
    assert len(list((docs / "docs/postmortems").iterdir())) == 1


def test_index_newest_first(docs):
    publish(docs, context(1, date(2026, 11, 2)))
    publish(docs, context(3, date(2026, 12, 4), "DNS outage"))
    publish(docs, context(2, date(2026, 11, 20), "Queue backlog"))

    lines = (docs / INDEX).read_text().splitlines()
    references = [line.split(" | ")[1] for line in lines if line.startswith("| 2026")]
    assert references == ["INC-3", "INC-2", "INC-1"]


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "/absolute/path", "..", "日本語のみ", "a" * 300],
    ids=["dotdot", "absolute", "dots", "non-latin", "long"],
)
def test_title_cannot_escape_docs(title):
    path = postmortem_path(date(2026, 12, 4), title, "INC-7")

    assert path.parent == PurePosixPath("docs/postmortems")
    assert ".." not in path.parts
    assert path.name.startswith("2026-12-04-")
    assert len(path.name) <= 80


def test_hostile_title_and_service_stay_inside_docs(docs):
    values = context(title="../../../outside", failure_mode="../../x")

    published = publish(docs, values, services=("../../etc",))

    written = [published.postmortem, *published.runbooks]
    assert all(path.parts[0] == "docs" and ".." not in path.parts for path in written)
    assert not (docs.parent / "outside").exists()


def test_other_changes_left_alone(docs):
    repo = git.Repo(docs)
    (docs / "staged.txt").write_text("staged by a person\n")
    repo.git.add("staged.txt")
    (docs / "README.md").write_text("edited by a person\n")
    (docs / "notes.txt").write_text("untracked\n")

    publish(docs, context(), "# INC-1\n")

    assert set(repo.head.commit.stats.files) == {POSTMORTEM, INDEX}
    assert repo.is_dirty(path="README.md")
    assert "notes.txt" in repo.untracked_files
    assert "staged.txt" in repo.git.diff("--cached", "--name-only")


def test_not_a_repository_is_reported(tmp_path):
    with pytest.raises(DocsRepositoryError, match="is not a git checkout"):
        publish(tmp_path, context())


def test_runbook_drafted_for_each_service_and_failure_mode(docs):
    values = context(failure_mode="connection pool exhausted")

    published = publish(docs, values, services=("checkout", "orders-db"))

    assert [str(path) for path in published.runbooks] == [
        "docs/runbooks/checkout-connection-pool-exhausted.md",
        "docs/runbooks/orders-db-connection-pool-exhausted.md",
    ]
    text = (docs / published.runbooks[0]).read_text()
    for heading in ("## Meaning", "## Impact", "## Diagnosis", "## Mitigation"):
        assert heading in text
    assert "a missing index on orders.created_at" in text
    assert "1. the pool was exhausted" in text
    assert "Rolled back deploy 4812." in text
    assert text.rstrip().endswith(
        "- 2026-12-04 [INC-1](../postmortems/2026-12-04-checkout-errors.md) SEV2, "
        "Checkout errors: drafted from this incident."
    )
    committed = set(git.Repo(docs).head.commit.stats.files)
    assert {str(path) for path in published.runbooks} <= committed


def test_existing_runbook_only_gets_a_history_line(docs):
    runbook = docs / "docs/runbooks/checkout-connection-pool-exhausted.md"
    runbook.parent.mkdir(parents=True)
    written_by_team = "# Pool\n\nOur own steps.\n\n## History\n\n- 2026-10-01 INC-0\n"
    runbook.write_text(written_by_team)
    commit_all(git.Repo(docs), "Add the pool runbook")
    values = context(7, failure_mode="connection pool exhausted", title="Slow pay")

    publish(docs, values)
    publish(docs, values, "# published again\n")

    lines = runbook.read_text().splitlines()
    assert runbook.read_text().startswith(written_by_team)
    assert lines[-1].startswith("- 2026-12-04 [INC-7](../postmortems/")
    assert sum("[INC-7]" in line for line in lines) == 1


def test_runbook_without_history_heading_gets_one(docs):
    runbook = docs / "docs/runbooks/payments-failover.md"
    runbook.parent.mkdir(parents=True)
    runbook.write_text("# Failover\n\nSteps.\n")
    commit_all(git.Repo(docs), "Add the failover runbook")
    uses = [{"name": "payments-failover", "outcome": "ineffective", "note": "stale"}]

    publish(docs, context(runbooks=uses))

    assert runbook.read_text().endswith(
        "Steps.\n\n## History\n\n- 2026-12-04 [INC-1](../postmortems/"
        "2026-12-04-checkout-errors.md) SEV2, Checkout errors: runbook followed, "
        "but it did not help: stale.\n"
    )


def test_missing_runbook_drafted_links_skipped(docs):
    uses = [
        {"name": "cache-warmup", "outcome": "missing", "note": ""},
        {"name": "https://wiki.example.invalid/rb", "outcome": "followed", "note": ""},
    ]

    published = publish(docs, context(runbooks=uses))

    assert [str(path) for path in published.runbooks] == [
        "docs/runbooks/cache-warmup.md"
    ]
    text = (docs / "docs/runbooks/cache-warmup.md").read_text()
    assert "# Runbook: cache-warmup" in text
    assert "was missing when it was needed." in text


def test_no_failure_mode_drafts_no_runbook(docs):
    published = publish(docs, context(failure_mode=""))

    assert published.runbooks == ()
    assert not (docs / "docs/runbooks").exists()


def test_push_to_bare_remote(docs, remote):
    published = publish(docs, context(), remote=DocsRemote("origin", "main"))

    assert git.Repo(remote).commit("main").hexsha == published.commit


def test_push_uses_checked_out_branch_by_default(docs, remote):
    published = publish(docs, context(), remote=DocsRemote("origin"))

    assert git.Repo(remote).commit("main").hexsha == published.commit


def test_remote_that_moved_on_is_caught_up_first(tmp_path, docs, remote):
    colleague = other_clone(tmp_path, remote)
    publish(Path(colleague.working_dir), context(2, title="Queue backlog"))
    colleague.git.push("origin", "main")

    published = publish(docs, context(), remote=DocsRemote("origin", "main"))

    pushed = git.Repo(remote).commit("main")
    assert pushed.hexsha == published.commit
    index = (docs / INDEX).read_text()
    assert "| INC-2 |" in index
    assert "| INC-1 |" in index


def test_unpushed_commit_rebased_onto_remote(tmp_path, docs, remote):
    waiting = publish(docs, context()).commit  # committed, never pushed
    colleague = other_clone(tmp_path, remote)
    (Path(colleague.working_dir) / "CONTRIBUTING.md").write_text("be kind\n")
    theirs = commit_all(colleague, "Add contributing notes")
    colleague.git.push("origin", "main")
    (docs / "README.md").write_text("docs, being edited\n")  # a dirty work tree

    publish(docs, context(2, title="Queue backlog"), remote=DocsRemote("origin"))

    history = [c.summary for c in git.Repo(remote).iter_commits("main")]
    assert history[:3] == [
        "Publish the postmortem of INC-2: Queue backlog",
        "Publish the postmortem of INC-1: Checkout errors",
        "Add contributing notes",
    ]
    assert git.Repo(docs).is_ancestor(theirs, "HEAD")
    assert waiting not in [c.hexsha for c in git.Repo(docs).iter_commits()]
    assert (docs / "README.md").read_text() == "docs, being edited\n"


def test_conflicting_remote_gives_clear_error_and_keeps_commit(tmp_path, docs, remote):
    repo = git.Repo(docs)
    (docs / "README.md").write_text("docs, our version\n")
    ours = commit_all(repo, "Reword the readme")  # unpushed
    colleague = other_clone(tmp_path, remote)
    (Path(colleague.working_dir) / "README.md").write_text("docs, their version\n")
    commit_all(colleague, "Reword the readme differently")
    colleague.git.push("origin", "main")

    with pytest.raises(DocsRepositoryError) as raised:
        publish(docs, context(), remote=DocsRemote("origin", "main"))

    message = str(raised.value)
    assert "conflicts in README.md" in message
    assert f"commit {ours[:12]} waits" in message
    assert repo.head.commit.hexsha == ours
    assert not (docs / ".git" / "rebase-merge").exists()
    assert (docs / "README.md").read_text() == "docs, our version\n"


def test_missing_remote_is_reported(docs):
    with pytest.raises(DocsRepositoryError, match='no remote "upstream"'):
        publish(docs, context(), remote=DocsRemote("upstream", "main"))


def test_credentials_in_remote_urls_are_redacted():
    text = "fatal: unable to access 'https://bot:s3cret@git.example.invalid/docs/'"

    assert redact(text) == (
        "fatal: unable to access 'https://***@git.example.invalid/docs/'"
    )


def test_uncommitted_runbook_is_not_taken_over(docs):
    runbook = docs / "docs/runbooks/payments-failover.md"
    runbook.parent.mkdir(parents=True)
    runbook.write_text("# Failover\n\nSteps still being written.\n")
    uses = [{"name": "payments-failover", "outcome": "followed", "note": ""}]
    before = git.Repo(docs).head.commit.hexsha

    with pytest.raises(DocsRepositoryError, match="has uncommitted changes"):
        publish(docs, context(runbooks=uses))

    assert git.Repo(docs).head.commit.hexsha == before
    assert runbook.read_text() == "# Failover\n\nSteps still being written.\n"


def test_followed_runbook_elsewhere_is_not_drafted(docs):
    uses = [{"name": "checkout-latency", "outcome": "followed", "note": ""}]

    published = publish(docs, context(runbooks=uses))

    assert published.runbooks == ()
    assert not (docs / "docs/runbooks/checkout-latency.md").exists()
