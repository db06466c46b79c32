"""`warroom services` and `warroom changes` against fixture files and a git repo."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Investigation, load_config
from bot.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures" / "investigate"

CONFIG = """\
timezone: UTC
services:
  - name: checkout
    repository: shop
    paths: [services/checkout/]
    depends_on: [payments]
  - name: payments
    repository: shop
    paths: [services/payments/]
investigation:
  repository: shop
  kubernetes: [k8s]
  lookback: 3d
  deploy_tag_pattern: "deploy-*"
"""


def git(repo: Path, *args: str, when: str = "2026-12-04T09:00:00Z") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Grace Hopper",
        "GIT_AUTHOR_EMAIL": "grace@example.com",
        "GIT_COMMITTER_NAME": "Grace Hopper",
        "GIT_COMMITTER_EMAIL": "grace@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """warroom.yaml next to a shop checkout with compose, manifests and commits."""
    shop = tmp_path / "shop"
    shutil.copytree(FIXTURES / "compose", shop)
    shutil.copytree(FIXTURES / "kubernetes", shop / "k8s")
    git(shop, "init", "-q", "-b", "main")
    for when, path, subject in [
        ("2026-11-25T09:00:00Z", "services/checkout/app.py", "Start checkout"),
        ("2026-12-03T15:00:00Z", "services/payments/retry.py", "Retry payments"),
        ("2026-12-04T09:40:00Z", "services/checkout/db.py", "Raise pool size"),
    ]:
        (shop / path).parent.mkdir(parents=True, exist_ok=True)
        (shop / path).write_text(subject)
        git(shop, "add", path)
        git(shop, "commit", "-q", "-m", subject, when=when)
    config = tmp_path / "warroom.yaml"
    config.write_text(CONFIG)
    monkeypatch.setenv("WARROOM_CONFIG", str(config))
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    return tmp_path


def test_services_text_lists_graph(workspace, capsys):
    assert main(["services"]) == 0

    output = capsys.readouterr().out
    assert "checkout\n  -> db  (docker-compose.yml: environment DATABASE_URL)" in output
    assert "  -> payments  (" in output
    assert "warroom.yaml: depends_on: payments" in output
    assert "frontend\n  -> cartservice  (k8s/frontend.yaml#2: env CART" in output


def test_services_empty_graph_explains(tmp_path, monkeypatch, capsys):
    config = tmp_path / "warroom.yaml"
    config.write_text("timezone: UTC\n")
    monkeypatch.setenv("WARROOM_CONFIG", str(config))

    assert main(["services"]) == 2

    message = capsys.readouterr().err
    assert f"No services found in warroom.yaml or in {tmp_path}." in message
    assert "--repo" in message


def test_services_failing_shows_blast_radius(workspace, capsys):
    assert main(["services", "--failing", "payments"]) == 0

    output = capsys.readouterr().out
    assert output.startswith("Failing: payments\n")
    assert "  checkout (directly)\n  frontend (2 hops away)" in output
    assert "  db (directly)\n  rabbitmq (directly)\n  redis (directly)" in output
    assert "  api.stripe.com" in output


def test_services_dot_written_to_file(workspace, capsys):
    output = workspace / "graph.dot"

    code = main(
        ["services", "--failing", "db", "--format", "dot", "--output", str(output)]
    )

    assert code == 0
    assert output.read_text().startswith("digraph services {")
    assert f"wrote {output}" in capsys.readouterr().err


def test_services_png_without_graphviz(workspace, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(workspace))

    code = main(["services", "--format", "png", "--output", str(workspace / "g.png")])

    assert code == 2
    assert "Install Graphviz" in capsys.readouterr().err


def test_services_unknown_failing_service(workspace, capsys):
    assert main(["services", "--failing", "checkuot"]) == 2

    assert '"checkuot" is not a service of the graph' in capsys.readouterr().err


def test_services_repo_option_overrides(workspace, capsys, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    (other / "k8s").mkdir()
    (other / "compose.yaml").write_text(
        "services:\n  ledger:\n    environment: [DB_HOST=ledger-db]\n"
        "  ledger-db: {image: postgres}\n"
    )

    assert main(["services", "--repo", str(other)]) == 0

    output = capsys.readouterr().out
    assert output.startswith("4 services, 2 dependencies\n")
    assert "ledger\n  -> ledger-db  (compose.yaml: environment DB_HOST)" in output


def test_services_missing_manifests_named(workspace, capsys, tmp_path_factory):
    empty = tmp_path_factory.mktemp("empty")

    assert main(["services", "--repo", str(empty)]) == 2

    message = capsys.readouterr().err
    assert f"{empty / 'k8s'} does not exist" in message
    assert "investigation.kubernetes" in message


def test_changes_lists_ranked_commits(workspace, capsys):
    code = main(
        [
            "changes",
            "--service",
            "checkout",
            "--since",
            "2026-12-01 00:00",
            "--until",
            "2026-12-04 12:00",
            "--impact-start",
            "2026-12-04 10:00",
        ]
    )

    output = capsys.readouterr().out
    assert code == 0
    assert output.startswith(
        "Commits to checkout, db, payments, rabbitmq, redis from 2026-12-01 00:00 UTC "
        "to 2026-12-04 12:00 UTC by committer date"
    )
    assert output.index("Raise pool size") < output.index("Retry payments")
    assert "Start checkout" not in output
    assert "Grace Hopper" in output
    assert "files: services/checkout/db.py" in output


def test_changes_default_window_uses_lookback(workspace, capsys):
    code = main(["changes", "--service", "checkout", "--until", "2026-12-04 12:00"])

    output = capsys.readouterr().out
    assert code == 0
    assert "from 2026-12-01 12:00 UTC to 2026-12-04 12:00 UTC" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "ledger"], '"ledger" is not a known service'),
        (["--service", "checkout", "--since", "last tuesday"], '--since "last'),
        (["--service", "checkout", "--until", "now please"], "has extra text"),
    ],
    ids=["unknown-service", "bad-since", "extra-text"],
)
def test_changes_invalid_input(workspace, capsys, args, message):
    assert main(["changes", *args]) == 2

    assert message in capsys.readouterr().err


def test_investigation_config_read(tmp_path):
    path = tmp_path / "warroom.yaml"
    path.write_text(
        "investigation:\n  lookback: 2d\n  change_date: author\n"
        "  compose_files: [deploy/compose.yml]\n  runbook_dirs: [ops/runbooks]\n"
    )

    investigation = load_config(path).investigation

    assert investigation.change_date == "author"
    assert investigation.lookback.days == 2
    assert investigation.compose_files == ("deploy/compose.yml",)
    assert investigation.runbook_dirs == ("ops/runbooks",)
    assert investigation.deploy_tag_pattern == Investigation().deploy_tag_pattern


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("investigation:\n  change_date: commit\n", "warroom.yaml:2: investigation"),
        ("investigation:\n  lookbak: 2d\n", 'Did you mean "lookback"?'),
        ("investigation:\n  lookback: soon\n", '"soon" is not a duration'),
    ],
    ids=["change-date", "unknown-key", "lookback"],
)
def test_investigation_config_invalid(tmp_path, text, message):
    path = tmp_path / "warroom.yaml"
    path.write_text(text)

    with pytest.raises(ConfigError) as raised:
        load_config(path)

    assert message in str(raised.value)
