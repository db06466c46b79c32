from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import DEFAULT_DATABASE_URL, DEFAULT_SLACK_API_URL, settings_from_env

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret"}


def test_defaults_from_empty_environment():
    settings = settings_from_env({})

    assert settings.port == 3000
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.slack_api_url == DEFAULT_SLACK_API_URL
    assert settings.socket_mode is False
    assert settings.config_path is None


def test_values_from_environment(tmp_path):
    config = tmp_path / "warroom.yaml"
    config.write_text("timezone: Asia/Tokyo\n")
    environ = GOOD | {
        "PORT": "8080",
        "SLACK_API_URL": "http://127.0.0.1:9/api",
        "DATABASE_URL": "postgresql://db/warroom",
        "WARROOM_CONFIG": str(config),
        "WARROOM_DOCS_REPO": str(tmp_path),
    }

    settings = settings_from_env(environ)

    assert settings.port == 8080
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql://db/warroom"
    assert settings.config.timezone == "Asia/Tokyo"
    assert settings.docs_repo == Path(tmp_path)


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        pytest.param({}, "SLACK_BOT_TOKEN", id="no-token"),
        pytest.param({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET", id="http"),
    ],
)
def test_missing_credential_is_named(environ, missing):
    settings = settings_from_env(environ)

    with pytest.raises(ConfigError) as caught:
        settings.check_slack_credentials()

    assert f"{missing} is not set" in str(caught.value)
    assert "manifests/slack-app.yaml" in str(caught.value)


def test_socket_mode_needs_no_signing_secret():
    settings = settings_from_env(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    )

    settings.check_slack_credentials()

    assert settings.socket_mode is True


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({"SLACK_BOT_TOKEN": "xoxp-1"}, "starting with xoxb-", id="user"),
        pytest.param(
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"},
            "starting with xapp-",
            id="app-token",
        ),
    ],
)
def test_wrong_token_kind_is_rejected(environ, message):
    with pytest.raises(ConfigError, match=message):
        settings_from_env(environ).check_slack_credentials()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        pytest.param({"PORT": "http"}, 'PORT "http" is not a port number', id="port"),
        pytest.param({"PORT": "70000"}, "between 1 and 65535", id="port-range"),
        pytest.param({"PORT": "0"}, "between 1 and 65535", id="port-zero"),
        pytest.param({"PORT": "3_000"}, 'PORT "3_000" is not', id="port-underscore"),
        pytest.param(
            {"SLACK_API_URL": "http://127.0.0.1:9"}, "must end in /api/", id="api-path"
        ),
        pytest.param(
            {"WARROOM_TEMPLATES": "/nonexistent/templates"},
            "is not a folder",
            id="templates",
        ),
        pytest.param(
            {"SLACK_API_URL": "slack.com/api"}, "is not an http(s) URL", id="api-url"
        ),
    ],
)
def test_invalid_value_is_rejected(environ, message):
    with pytest.raises(ConfigError) as caught:
        settings_from_env(environ)

    assert message in str(caught.value)
