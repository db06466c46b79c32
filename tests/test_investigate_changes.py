"""Recent commits to suspect services, read from a throwaway git repository."""

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.investigate.changes import ChangeQuery, ServicePaths, find_changes, score
from bot.investigate.errors import InvestigationError

IMPACT_START = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
SINCE = IMPACT_START - timedelta(days=7)
UNTIL = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def git(repo: Path, *args: str, when: str | None = None, author_when=None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada Lovelace",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Lovelace",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if when is not None:
        env["GIT_COMMITTER_DATE"] = when
        env["GIT_AUTHOR_DATE"] = author_when or when
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip()


def commit(repo: Path, subject: str, files: list[str], when: str, **dates) -> str:
    for name in files:
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{subject}\n", encoding="utf-8")
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", subject, when=when, **dates)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> Path:
    """A repository with dated commits around an impact at 2026-12-04 10:00 UTC."""
    repo = tmp_path_factory.mktemp("shop")
    git(repo, "init", "-q", "-b", "main")

    commit(
        repo,
        "Initial import",
        ["services/checkout/app.py", "services/payments/api.py", "docs/README.md"],
        "2026-11-20T09:00:00Z",
    )

    commit(
        repo,
        "Tune payments retries",
        ["services/payments/retry.py"],
        "2026-12-01T14:00:00Z",
    )

    git(repo, "checkout", "-q", "-b", "pool-size")

    commit(
        repo,
        "Raise checkout pool size",
        ["services/checkout/db.py"],
        "2026-12-04T08:00:00Z",
    )

    git(repo, "checkout", "-q", "main")

    commit(
        repo,
        "Port old payments fix",
        ["services/payments/fix.py"],
        "2026-12-02T12:00:00Z",
        author_when="2026-11-10T12:00:00Z",
    )

    commit(
        repo,
        "Share the money type",
        ["services/checkout/money.py", "services/payments/money.py", "lib/money.py"],
        "2026-12-02T18:00:00Z",
    )

    commit(repo, "Update the guide", ["docs/guide.md"], "2026-12-03T16:00:00Z")

    commit(
        repo,
        "Translate the receipt",
        ["services/payments/reçu.txt"],
        "2026-11-30T10:00:00Z",
    )

    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "pool-size",
        "-m",
        "Merge branch 'pool-size'",
        when="2026-12-04T09:30:00Z",
    )

    git(
        repo,
        "tag",
        "-a",
        "deploy-2026-12-04.1",
        "-m",
        "deploy",
        when="2026-12-04T09:35:00Z",
    )
    git(repo, "tag", "v1.4.0")

    commit(
        repo,
        "Roll back the pool size",
        ["services/checkout/db.py"],
        "2026-12-04T11:00:00Z",
    )

    commit(repo, "Later change", ["services/checkout/app.py"], "2026-12-04T13:00:00Z")

    return repo


def targets(repo: Path) -> list[ServicePaths]:
    return [
        ServicePaths("checkout", repo, ("services/checkout/",)),
        ServicePaths("payments", repo, ("services/payments",)),
    ]


def query(**changes) -> ChangeQuery:
    values = {
        "since": SINCE,
        "until": UNTIL,
        "impact_start": IMPACT_START,
        "failing": "checkout",
    }
    return ChangeQuery(**{**values, **changes})


def test_changes_ranked_by_closeness_and_overlap(shop):
    report = find_changes(targets(shop), query())

    assert [c.subject for c in report.changes] == [
        "Merge branch 'pool-size'",  # 30 min before, only checkout files
        "Raise checkout pool size",  # 2 h before, only checkout files
        "Roll back the pool size",  # after the impact start: halved closeness
        "Share the money type",  # a third of its files are checkout's
        "Port old payments fix",  # a dependency only, 46 h before
        "Tune payments retries",  # a dependency only, 68 h before
        "Translate the receipt",  # a dependency only, 96 h before
    ]
    assert report.warnings == ()


def test_changes_exclude_outside_window_and_paths(shop):
    report = find_changes(targets(shop), query())
    subjects = {c.subject for c in report.changes}

    assert "Initial import" not in subjects  # before the window
    assert "Later change" not in subjects  # after the window
    assert "Update the guide" not in subjects  # touches no service path


def test_change_fields_of_merge(shop):
    report = find_changes(targets(shop), query())
    merge = report.changes[0]

    assert merge.is_merge
    assert merge.deploy_tags == ("deploy-2026-12-04.1",)
    assert merge.files == ("services/checkout/db.py",)
    assert merge.services == ("checkout",)
    assert merge.touches_failing
    assert merge.author == "Ada Lovelace"
    assert merge.author_email == "ada@example.com"
    assert merge.when == datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    assert len(merge.commit) == 40


def test_change_lists_every_service_touched(shop):
    report = find_changes(targets(shop), query())
    shared = next(c for c in report.changes if c.subject == "Share the money type")

    assert shared.services == ("checkout", "payments")
    assert set(shared.files) == {
        "services/checkout/money.py",
        "services/payments/money.py",
        "lib/money.py",
    }
    assert not shared.is_merge
    assert shared.deploy_tags == ()


def test_change_file_names_unquoted(shop):
    report = find_changes(targets(shop), query())
    receipt = next(c for c in report.changes if c.subject == "Translate the receipt")

    assert receipt.files == ("services/payments/reçu.txt",)
    assert receipt.services == ("payments",)


def test_deploy_tags_listed_by_pattern(shop):
    report = find_changes(targets(shop), query())

    assert [d.tag for d in report.deploys] == ["deploy-2026-12-04.1"]
    assert report.deploys[0].created_at == datetime(2026, 12, 4, 9, 35, tzinfo=UTC)


def test_deploy_tag_pattern_configurable(shop):
    report = find_changes(targets(shop), query(deploy_tag_pattern="v*"))

    assert [d.tag for d in report.deploys] == ["v1.4.0"]
    assert report.changes[0].deploy_tags == ("v1.4.0",)


def test_author_date_excludes_rebased_commit(shop):
    report = find_changes(targets(shop), query(date_field="author"))
    subjects = [c.subject for c in report.changes]

    assert report.date_field == "author"
    assert "Port old payments fix" not in subjects
    assert "Raise checkout pool size" in subjects


def test_committer_date_is_default(shop):
    report = find_changes(targets(shop), query())

    assert report.date_field == "committer"


def test_score_prefers_failing_service_overlap():
    same_time = IMPACT_START - timedelta(hours=1)

    assert score(same_time, IMPACT_START, 1.0) > score(same_time, IMPACT_START, 0.0)


def test_score_prefers_commit_before_impact():
    before = score(IMPACT_START - timedelta(hours=1), IMPACT_START, 0.0)
    after = score(IMPACT_START + timedelta(hours=1), IMPACT_START, 0.0)

    assert before > after


def test_max_commits_warns(shop):
    report = find_changes(targets(shop), query(max_commits=2))

    assert len(report.changes) == 2
    assert "stopped after 2 commits" in report.warnings[0]


def test_shallow_clone_warns(shop, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "3", f"file://{shop}", str(clone)],
        check=True,
        capture_output=True,
    )

    report = find_changes(targets(clone), query())

    assert any("shallow clone" in warning for warning in report.warnings)
    assert "Roll back the pool size" in {c.subject for c in report.changes}


def test_missing_tree_object_warns(shop, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(shop, broken)
    tree = git(broken, "rev-parse", "HEAD~3^{tree}")
    (broken / ".git" / "objects" / tree[:2] / tree[2:]).unlink()

    report = find_changes(targets(broken), query())

    assert report.changes == ()
    assert "git log failed" in report.warnings[0]
    assert "git fsck" in report.warnings[0]


def test_not_a_repository_warns(tmp_path):
    report = find_changes(targets(tmp_path), query())

    assert report.changes == ()
    assert report.warnings == (f"{tmp_path} is not a git checkout; skipped.",)


def test_empty_repository_warns(tmp_path):
    git(tmp_path, "init", "-q")

    report = find_changes(targets(tmp_path), query())

    assert report.warnings == (f"{tmp_path} has no commits yet.",)


def test_service_without_paths_warns(shop):
    report = find_changes([ServicePaths("ledger", shop, ())], query())

    assert report.changes == ()
    assert "ledger has no paths" in report.warnings[0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_field": "commit"}, 'change_date "commit" is invalid'),
        ({"since": datetime(2026, 12, 1)}, "since must be a timezone-aware"),
        ({"since": UNTIL + timedelta(hours=1)}, "Swap --since and --until"),
    ],
    ids=["date-field", "naive", "reversed"],
)
def test_invalid_query_raises(shop, changes, message):
    with pytest.raises(InvestigationError) as raised:
        find_changes(targets(shop), query(**changes))

    assert message in str(raised.value)
