import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.store.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SLACK_VARIABLES}
    env.pop("WARROOM_CONFIG", None)
    env.update(values)
    return env


def warroom(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        pytest.param({}, "SLACK_BOT_TOKEN", id="token"),
        pytest.param(
            {"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET", id="secret"
        ),
    ],
)
def test_serve_without_credential_exits(tmp_path, values, missing):
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}", **values)

    result = warroom("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert f"{missing} is not set" in result.stderr
    assert "manifests/slack-app.yaml" in result.stderr


def test_malformed_config_is_one_line(tmp_path):
    config = tmp_path / "warroom.yaml"
    config.write_text("severities:\n  - {level: 1, name: SEV1, descripton: x}\n")
    env = environment(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", WARROOM_CONFIG=str(config)
    )

    result = warroom("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert f"{config}:2: severities[0].descripton: unknown key." in result.stderr


def test_check_config_accepts_example(tmp_path):
    env = environment(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        WARROOM_CONFIG=str(ROOT / "warroom.example.yaml"),
    )

    result = warroom("check-config", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "settings are valid" in result.stdout


def test_check_config_reads_the_slo_file(tmp_path):
    (tmp_path / "slo.yaml").write_text(
        "slos:\n  - {service: checkout, sli: availability, objective: 99.9%, "
        "window: 30d}\n"
    )
    config = tmp_path / "warroom.yaml"
    config.write_text("slo_file: slo.yaml\n")
    env = environment(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", WARROOM_CONFIG=str(config)
    )

    result = warroom("check-config", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"1 SLOs from {tmp_path / 'slo.yaml'}" in result.stdout


def test_check_config_rejects_missing_slo_file(tmp_path):
    config = tmp_path / "warroom.yaml"
    config.write_text("slo_file: nothere.yaml\n")
    env = environment(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", WARROOM_CONFIG=str(config)
    )

    result = warroom("check-config", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "nothere.yaml does not exist" in result.stderr


def test_check_config_warns_about_unusable_settings(tmp_path):
    config = tmp_path / "warroom.yaml"
    config.write_text(
        "docs: {remote: origin}\n"
        "investigation: {repository: ../missing-shop}\n"
        "alerts:\n  sources:\n    alertmanager: {bearer_token_env: AM_TOKEN}\n"
    )
    env = environment(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", WARROOM_CONFIG=str(config)
    )

    result = warroom("check-config", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "docs.remote is set, but WARROOM_DOCS_REPO is not." in result.stderr
    assert "investigation.repository ../missing-shop is not a folder" in result.stderr
    assert "names AM_TOKEN, which is not set" in result.stderr


def test_db_upgrade_migrates(database_url, tmp_path):
    result = warroom(
        "db", "upgrade", env=environment(DATABASE_URL=database_url), cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    engine = make_engine(database_url)
    try:
        assert "incidents" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_bad_database_url_is_reported(tmp_path):
    result = warroom(
        "db", "upgrade", env=environment(DATABASE_URL="nonsense"), cwd=tmp_path
    )

    assert result.returncode == 2
    assert 'DATABASE_URL "nonsense" is not a valid database URL' in result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 30 seconds")


def test_serve_runs_until_sigterm(database_url, fake_slack, tmp_path):
    port = free_port()
    env = environment(
        SLACK_BOT_TOKEN=fake_slack.token,
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/readyz", process)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0, stderr
    assert f"waitress serving on http://127.0.0.1:{port}" in stderr
    assert fake_slack.calls == []


def test_unsupported_database_is_reported(tmp_path):
    env = environment(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        DATABASE_URL="mysql://root@127.0.0.1/warroom",
    )

    result = warroom("check-config", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "names mysql; warroom supports" in result.stderr
    assert "Traceback" not in result.stderr


def test_port_in_use_is_reported(tmp_path, fake_slack):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = environment(
            SLACK_BOT_TOKEN=fake_slack.token,
            SLACK_SIGNING_SECRET="s",
            SLACK_API_URL=fake_slack.url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}",
            HOST="127.0.0.1",
            PORT=str(taken.getsockname()[1]),
        )

        result = warroom("serve", env=env, cwd=tmp_path)

    assert result.returncode == 2
    assert "Could not listen on 127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr
