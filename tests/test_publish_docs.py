"""Publishing from Slack into a docs repository with a bare remote."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from conftest import make_settings
from driver import Driver

from bot.config import DocsRemote, WarroomConfig
from bot.store.models import Incident

PERSON = git.Actor("someone", "someone@example.invalid")
EXISTING = "docs/runbooks/payments-pool.md"


@pytest.fixture
def remote(tmp_path) -> Path:
    bare = tmp_path / "remote.git"
    git.Repo.init(bare, bare=True, initial_branch="main")
    return bare


@pytest.fixture
def docs(tmp_path, remote) -> Path:
    root = tmp_path / "docs"
    repo = git.Repo.init(root, initial_branch="main")
    runbook = root / EXISTING
    runbook.parent.mkdir(parents=True)
    runbook.write_text("# Payments pool\n\nRestart the pods.\n\n## History\n")
    (root / "slo.yaml").write_text(
        "slos:\n  - {service: checkout, sli: availability, objective: 99.9%, "
        "window: 30d}\n"
    )
    repo.git.add("--all")
    repo.index.commit("Start the docs", author=PERSON, committer=PERSON)
    repo.create_remote("origin", str(remote))
    repo.git.push("origin", "main")
    return root


@pytest.fixture
def settings(fake_slack, database_url, docs):
    config = WarroomConfig(docs_remote=DocsRemote("origin", "main"))
    return make_settings(fake_slack, database_url, config=config, docs_repo=docs)


@pytest.fixture
def driver(running_bot, fake_slack):
    return Driver(running_bot, fake_slack)


def set_services(driver: Driver, incident_id: int, services: list[str]) -> None:
    with driver.bot.app.runtime.sessions() as session, session.begin():
        incident = session.get(Incident, incident_id)
        assert incident is not None
        incident.services = services


def test_publish_commits_postmortem_index_and_runbooks(
    driver, fake_slack, docs, remote
):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    set_services(driver, incident.id, ["checkout"])
    driver.command("failure-mode connection pool exhausted", channel=channel)
    driver.command("runbook payments-pool followed restarted the pods", channel=channel)
    driver.command("change 4f2a9c1 set the pool size to 0", channel=channel)
    driver.command("impact 40% errors on checkout", channel=channel)
    driver.command("started 47 min ago", channel=channel)
    driver.command("resolve rolled back config 4812", channel=channel)

    reply = driver.command("postmortem publish anyway", channel=channel)

    pushed = git.Repo(remote).commit("main")
    day = incident.declared_at.date().isoformat()
    postmortem = f"docs/postmortems/{day}-checkout-errors.md"
    drafted = "docs/runbooks/checkout-connection-pool-exhausted.md"
    chart = f"docs/postmortems/{day}-checkout-errors-budget-checkout-availability.png"
    assert set(pushed.stats.files) == {
        postmortem,
        "docs/incidents/index.md",
        drafted,
        EXISTING,
        chart,
    }
    assert (docs / chart).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert pushed.author.name == "warroom"
    text = (docs / postmortem).read_text()
    assert "- 4f2a9c1: set the pool size to 0" in text
    assert "| payments-pool | followed | restarted the pods |" in text
    assert "| checkout/availability | 99.9% | rolling 30d | 43m 12s | 43." in text
    image = chart.rsplit("/", 1)[1]
    assert f"![Error budget of checkout/availability over its window]({image})" in text
    history = (docs / EXISTING).read_text().splitlines()[-1]
    assert history.startswith(f"- {day} [INC-1](../postmortems/{day}-checkout-")
    assert history.endswith("runbook followed, and it helped: restarted the pods.")
    assert (
        "# Runbook: checkout-connection-pool-exhausted" in (docs / drafted).read_text()
    )
    assert postmortem in reply["text"]
    assert drafted in reply["text"]
    assert pushed.hexsha[:12] in reply["text"]
    (ticket,) = fake_slack.calls_to("files.getUploadURLExternal")
    assert ticket.args["filename"] == "postmortem-INC-1.md"
    upload = fake_slack.uploaded("F0FAKE0001")
    assert upload["channels"] == [channel]
    assert upload["content"].decode() == text
    summary = fake_slack.messages(channel)[-1]
    assert "Postmortem of INC-1 published" in summary["text"]
    assert "Root cause: not recorded." in str(summary["blocks"])


def test_docs_failure_kept_and_retried(driver, fake_slack, docs, remote):
    incident = driver.declare("Checkout errors")
    channel = incident.channel_id
    driver.command("resolve rolled back", channel=channel)
    git.Repo(docs).delete_remote("origin")

    failed = driver.command("postmortem publish anyway", channel=channel)
    git.Repo(docs).create_remote("origin", str(remote))
    retried = driver.command("postmortem publish anyway", channel=channel)

    assert 'no remote "origin"' in failed["text"]
    assert "publish` again once that is fixed" in failed["text"]
    assert driver.incident(incident.id).postmortem_published_at is not None
    assert "It is in the docs repository" in retried["text"]
    assert git.Repo(remote).commit("main").author.name == "warroom"


def test_runbook_usage_is_checked(driver):
    incident = driver.declare("Checkout errors")

    reply = driver.command("runbook payments-pool maybe", channel=incident.channel_id)

    assert "Use `/incident runbook <name> <followed|" in reply["text"]
    assert driver.events(incident.id, "runbook") == []
