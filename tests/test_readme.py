"""Every command and configuration key users can reach is documented in README.md."""

import re
from pathlib import Path

import pytest

from bot import config
from bot.cli import _parser
from bot.slack.commands import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("subcommand", SUBCOMMANDS, ids=lambda s: s.name)
def test_subcommand_documented(subcommand):
    assert f"`{subcommand.name}" in README
    assert subcommand.example in README or f"/incident {subcommand.name}" in README


def environment_variables() -> set[str]:
    source = (ROOT / "bot" / "settings.py").read_text()
    return set(re.findall(r'env\.get\("([A-Z_]+)"', source))


def test_environment_variables_documented():
    variables = environment_variables()

    assert "SLACK_BOT_TOKEN" in variables
    for name in variables:
        assert f"`{name}`" in README, name


@pytest.mark.parametrize(
    "keys",
    [
        config.TOP_KEYS,
        config.SEVERITY_KEYS,
        config.RESPONDER_KEYS,
        config.SERVICE_KEYS,
        config.DOCS_KEYS,
        config.INVESTIGATION_KEYS,
    ],
    ids=["top", "severity", "responders", "service", "docs", "investigation"],
)
def test_config_keys_documented(keys):
    for key in keys:
        assert re.search(rf"\b{key}:", README), key


def test_cli_commands_documented():
    parser = _parser()
    commands = parser._subparsers._group_actions[0].choices

    for name, subparser in commands.items():
        if subparser._subparsers is None:
            assert f"`warroom {name}" in README, name
            continue
        for action in subparser._subparsers._group_actions[0].choices:
            assert f"`warroom {name} {action}`" in README, f"{name} {action}"
