"""A system under investigation for the Slack tests: a git checkout of a shop.

The checkout contains the compose files of tests/fixtures/investigate/compose, so the
graph is frontend -> checkout -> payments, db, redis and rabbitmq. Commits are dated
by the caller.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from driver import COMMANDER, Driver

from bot.config import Investigation, Service, WarroomConfig
from bot.store import incidents
from bot.store.db import transaction

FIXTURES = Path(__file__).parent / "fixtures" / "investigate"
COMPOSE = FIXTURES / "compose"
DOCS = FIXTURES / "docs"


def git(repo: Path, *args: str, when: datetime | None = None) -> str:
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
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = when.isoformat()
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return result.stdout.strip()


def commit(repo: Path, subject: str, files: list[str], when: datetime) -> str:
    """Write each file, commit them at `when` and return the commit hash."""
    for name in files:
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{subject}\n", encoding="utf-8")
        git(repo, "add", name)
    git(repo, "commit", "-q", "-m", subject, when=when)
    return git(repo, "rev-parse", "HEAD")


def make_shop(root: Path) -> Path:
    """Create the shop checkout with its compose files, not yet committed."""
    repo = root / "shop"
    shutil.copytree(COMPOSE, repo)
    git(repo, "init", "-q", "-b", "main")
    return repo


def shop_config(repo: Path) -> WarroomConfig:
    """Return a configuration whose catalogue adds the paths of payments."""
    payments = Service(name="payments", paths=("services/payments/",))
    return WarroomConfig(
        services=(payments,),
        investigation=Investigation(repository=str(repo)),
    )


def set_services(driver: Driver, incident_id: int, services: list[str]) -> None:
    with transaction(driver.bot.app.runtime.sessions) as session:
        incidents.lock_incident(session, incident_id).services = services


def make_driver(running_bot, fake_slack) -> Driver:  # type: ignore[no-untyped-def]
    fake_slack.add_user(COMMANDER, name="jane.doe", tz="Europe/Berlin")
    return Driver(running_bot, fake_slack)
