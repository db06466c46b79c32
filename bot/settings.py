"""Settings read from the environment, once, by the entry point."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import WarroomConfig, load_config
from bot.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///warroom.db"
DEFAULT_PORT = 3000

CREATE_APP_HINT = (
    "Create the Slack app from manifests/slack-app.yaml (or "
    "manifests/slack-app-socket-mode.yaml for Socket Mode) at "
    "https://api.slack.com/apps > Create New App > From a manifest, install it to "
    "your workspace, then copy the Bot User OAuth Token (SLACK_BOT_TOKEN) and the "
    "Signing Secret (SLACK_SIGNING_SECRET). See README.md."
)


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    port: int = DEFAULT_PORT
    host: str = "0.0.0.0"
    docs_repo: Path | None = None
    config_path: Path | None = None
    templates_dir: Path | None = None
    config: WarroomConfig = field(default_factory=WarroomConfig)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def check_slack_credentials(self) -> None:
        """Raise ConfigError naming the first Slack credential that is missing."""
        if not self.slack_bot_token:
            raise _missing("SLACK_BOT_TOKEN")
        if not self.slack_bot_token.startswith("xoxb-"):
            raise ConfigError(
                "SLACK_BOT_TOKEN must be a bot token starting with xoxb-. "
                + CREATE_APP_HINT
            )
        if self.socket_mode:
            if not (self.slack_app_token or "").startswith("xapp-"):
                raise ConfigError(
                    "SLACK_APP_TOKEN must be an app-level token starting with xapp- "
                    "and the connections:write scope. " + CREATE_APP_HINT
                )
        elif not self.slack_signing_secret:
            raise _missing("SLACK_SIGNING_SECRET")


def _missing(name: str) -> ConfigError:
    return ConfigError(f"The environment variable {name} is not set. {CREATE_APP_HINT}")


def settings_from_env(environ: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from environment variables and the warroom.yaml they name."""
    env = os.environ if environ is None else environ
    config_path = _optional_path(env.get("WARROOM_CONFIG"))
    docs_repo = _optional_path(env.get("WARROOM_DOCS_REPO"))
    return Settings(
        slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        slack_app_token=env.get("SLACK_APP_TOKEN", "").strip() or None,
        slack_api_url=_api_url(env.get("SLACK_API_URL", DEFAULT_SLACK_API_URL)),
        database_url=env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        port=_port(env.get("PORT", str(DEFAULT_PORT))),
        host=env.get("HOST", "0.0.0.0").strip() or "0.0.0.0",
        docs_repo=docs_repo,
        config_path=config_path,
        templates_dir=_templates_dir(env.get("WARROOM_TEMPLATES")),
        config=load_config(config_path),
    )


def _optional_path(value: str | None) -> Path | None:
    if value is None or not value.strip():
        return None
    return Path(value.strip()).expanduser()


def _templates_dir(value: str | None) -> Path | None:
    path = _optional_path(value)
    if path is not None and not path.is_dir():
        raise ConfigError(
            f'WARROOM_TEMPLATES "{path}" is not a folder. Point it at a folder of '
            "templates laid out like templates/, or unset it."
        )
    return path


def _api_url(value: str) -> str:
    url = value.strip() or DEFAULT_SLACK_API_URL
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f'SLACK_API_URL "{url}" is not an http(s) URL. '
            f"Leave it unset to use {DEFAULT_SLACK_API_URL}."
        )
    url = url if url.endswith("/") else url + "/"
    if not url.endswith("/api/"):
        raise ConfigError(
            f'SLACK_API_URL "{url}" must end in /api/, as {DEFAULT_SLACK_API_URL} '
            "does; method names are appended to it."
        )
    return url


def _port(value: str) -> int:
    text = value.strip()
    port = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= port <= 65535:
        raise ConfigError(f'PORT "{value}" is not a port number between 1 and 65535.')
    return port
