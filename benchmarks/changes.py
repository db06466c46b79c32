"""Measure `find_changes` on a long history against the `git log` it runs.

Builds a repository of --commits commits (80,000 by default) with `git fast-import`
under --cache, reusing it on later runs. History covers two years, one commit every
13 minutes or so over 200 service folders, with a merge every 100 commits and a deploy
tag every 500. The query is a 7-day window that ends at the newest commit, over three
service folders. The three commands below take turns, --runs times each, and their
medians are compared:

- "git log": the `git log` command line that `find_changes` passes to git, run
  directly, so the ratio is the cost of GitPython, parsing and ranking;
- "plain git log": `git log --since --until --name-only -- <paths>`, the command a
  person would type.

    .venv/bin/python benchmarks/changes.py [--commits 80000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.investigate.changes import ChangeQuery, ServicePaths, find_changes  # noqa: E402
from bot.investigate.gitlog import log_command  # noqa: E402

SERVICES = 200
FIRST_COMMIT = datetime(2024, 12, 1, tzinfo=UTC)
STEP = timedelta(minutes=13)
MERGE_EVERY = 100
TAG_EVERY = 500
QUERIED = ("services/svc-007/", "services/svc-042/", "services/svc-133/")


def build_repository(path: Path, commits: int) -> None:
    """Write the history as a fast-import stream (80,000 commits took 26 s here)."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    process = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=path, stdin=subprocess.PIPE
    )
    assert process.stdin is not None
    random.seed(7)
    main_mark = 0
    for number in range(1, commits + 1):
        when = int((FIRST_COMMIT + number * STEP).timestamp())
        stream = ""
        if number % MERGE_EVERY == 0 and main_mark:
            # A side commit from the current main, then a merge of it into main.
            side = f"{number}0"
            stream += _commit("refs/heads/side", side, when - 60, [main_mark])
            parents = [str(main_mark), side]
            stream += _commit("refs/heads/main", str(number), when, parents, "Merge")
        else:
            parents = [str(main_mark)] if main_mark else []
            stream += _commit("refs/heads/main", str(number), when, parents)
        if number % TAG_EVERY == 0:
            stream += f"reset refs/tags/deploy-{number}\nfrom :{number}\n\n"
        process.stdin.write(stream.encode())
        main_mark = number
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=path, check=True)


def _commit(ref: str, mark: str, when: int, parents: list, verb: str = "Change") -> str:
    files = random.sample(range(SERVICES), k=random.choice((1, 1, 2, 3)))
    number = random.randrange(30)
    author = f"Dev {number} <dev{number}@example.com>"
    subject = f"{verb} {mark}"
    lines = [
        f"commit {ref}",
        f"mark :{mark}",
        f"author {author} {when} +0000",
        f"committer {author} {when} +0000",
        f"data {len(subject)}",
        subject,
    ]
    if parents:
        lines.append(f"from :{parents[0]}")
    lines.extend(f"merge :{parent}" for parent in parents[1:])
    for service in files:
        content = f"{mark}\n"
        lines.append(
            f"M 100644 inline services/svc-{service:03d}/"
            f"module_{random.randrange(20)}.py"
        )
        lines.append(f"data {len(content)}")
        lines.append(content)
    return "\n".join(lines) + "\n"


def median_seconds(actions: dict[str, Callable[[], object]], runs: int) -> dict:
    """Time each action `runs` times, taking turns so load changes hit all alike."""
    timings: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            timings[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=80_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "warroom-benchmark-changes",
        help="folder that keeps the generated repository between runs",
    )
    args = parser.parse_args()
    repository = args.cache / f"history-{args.commits}"
    if not (repository / ".git").is_dir():
        started = time.perf_counter()
        build_repository(repository, args.commits)
        print(f"built {repository} in {time.perf_counter() - started:.1f} s")
    until = FIRST_COMMIT + args.commits * STEP
    since = until - timedelta(days=7)
    query = ChangeQuery(since=since, until=until, impact_start=until, failing="svc-007")
    targets = [
        ServicePaths(path.split("/")[1], repository, (path,)) for path in QUERIED
    ]
    report = find_changes(targets, query)
    command = log_command(QUERIED, since, until, query.max_commits)
    plain = [
        "git",
        "log",
        f"--since={since.isoformat()}",
        f"--until={until.isoformat()}",
        "--name-only",
        "--",
        *QUERIED,
    ]

    def run_git(arguments: list[str]) -> None:
        subprocess.run(arguments, cwd=repository, check=True, capture_output=True)

    medians = median_seconds(
        {
            "ours": lambda: find_changes(targets, query),
            "same": lambda: run_git(command),
            "typed": lambda: run_git(plain),
        },
        args.runs,
    )
    ours, same, typed = medians["ours"], medians["same"], medians["typed"]
    print(f"commits in repository: {args.commits:,}")
    print(f"changes found: {len(report.changes)} ({len(report.deploys)} deploy tags)")
    print(f"find_changes:  {ours * 1000:8.1f} ms (median of {args.runs})")
    print(f"git log:       {same * 1000:8.1f} ms; ratio {ours / same:.2f}")
    print(f"plain git log: {typed * 1000:8.1f} ms; ratio {ours / typed:.2f}")


if __name__ == "__main__":
    main()
