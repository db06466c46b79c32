"""The permission policy and the `permissions` key of warroom.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from bot.incidents.permissions import (
    ACTIONS,
    ANYONE,
    COMMANDER,
    LEVELS,
    RESPONDERS,
    Involvement,
    Permissions,
    allows,
    rejection,
)

ROOT = Path(__file__).resolve().parents[1]

COMMANDER_INVOLVEMENT = Involvement(is_commander=True, is_responder=True)
RESPONDER_INVOLVEMENT = Involvement(is_commander=False, is_responder=True)
BYSTANDER_INVOLVEMENT = Involvement(is_commander=False, is_responder=False)


@pytest.mark.parametrize(
    ("level", "involvement", "expected"),
    [
        (COMMANDER, COMMANDER_INVOLVEMENT, True),
        (COMMANDER, RESPONDER_INVOLVEMENT, False),
        (COMMANDER, BYSTANDER_INVOLVEMENT, False),
        (RESPONDERS, COMMANDER_INVOLVEMENT, True),
        (RESPONDERS, RESPONDER_INVOLVEMENT, True),
        (RESPONDERS, BYSTANDER_INVOLVEMENT, False),
        (ANYONE, BYSTANDER_INVOLVEMENT, True),
    ],
    ids=[
        "commander-level-commander",
        "commander-level-responder",
        "commander-level-bystander",
        "responders-level-commander",
        "responders-level-responder",
        "responders-level-bystander",
        "anyone-level-bystander",
    ],
)
def test_allows_by_level(level, involvement, expected):
    assert allows(level, involvement) is expected


def test_commander_without_role_flag_passes_responders():
    involvement = Involvement(is_commander=True, is_responder=False)

    assert allows(RESPONDERS, involvement)


def test_allows_rejects_unknown_level():
    with pytest.raises(ValueError, match="owner"):
        allows("owner", BYSTANDER_INVOLVEMENT)


def test_default_permissions():
    permissions = Permissions()

    assert permissions.level("confirm_severity") == RESPONDERS
    assert permissions.level("resolve") == ANYONE
    assert permissions.level("reopen") == ANYONE
    assert permissions.level("edit_timeline") == RESPONDERS
    assert permissions.level("publish_postmortem") == ANYONE


def test_permissions_reject_unknown_level():
    with pytest.raises(ValueError, match="resolve must be one of"):
        Permissions(resolve="admins")


def test_level_of_unknown_action_raises():
    with pytest.raises(KeyError):
        Permissions().level("archive")


def test_rejection_for_commander_level():
    text = rejection("resolve", COMMANDER, "INC-7", "U0JANE0001")

    assert text.startswith("Only the incident commander of INC-7 (<@U0JANE0001>)")
    assert "may resolve the incident" in text
    assert "`/incident role commander @you`" in text
    assert "`permissions.resolve` in warroom.yaml" in text


def test_rejection_for_responders_level():
    text = rejection("edit_timeline", RESPONDERS, "INC-7", None)

    assert "(nobody yet)" in text
    assert "people holding a role in it and the configured responders" in text
    assert "edit or delete other people's timeline entries" in text
    assert "`/incident role scribe @you`" in text
    assert "`permissions.edit_timeline`" in text


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "warroom.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_reads_permissions(tmp_path):
    path = write_config(
        tmp_path,
        "timezone: UTC\n"
        "permissions:\n"
        "  resolve: commander\n"
        "  publish_postmortem: responders\n",
    )

    permissions = load_config(path).permissions

    assert permissions.resolve == COMMANDER
    assert permissions.publish_postmortem == RESPONDERS
    assert permissions.reopen == ANYONE
    assert permissions.confirm_severity == RESPONDERS


def test_config_without_permissions_uses_defaults(tmp_path):
    path = write_config(tmp_path, "timezone: UTC\n")

    assert load_config(path).permissions == Permissions()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "permissions:\n  resolv: commander\n",
            ':2: permissions.resolv: unknown key. Did you mean "resolve"?',
        ),
        (
            "timezone: UTC\npermissions:\n  reopen: admins\n",
            ':3: permissions.reopen: "admins" is not a permission level. '
            "Use commander, responders, anyone.",
        ),
        (
            "permissions:\n  reopen: [commander]\n",
            ":2: permissions.reopen: expected a non-empty string, got a list. "
            "Use commander, responders, anyone.",
        ),
        (
            "permissions: commander\n",
            ":1: permissions: expected a mapping, got a string.",
        ),
    ],
    ids=["misspelt-action", "unknown-level", "list-level", "not-mapping"],
)
def test_config_rejects_bad_permissions(tmp_path, text, message):
    path = write_config(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert str(caught.value) == f"{path}{message}"


def test_example_config_shows_every_permission():
    permissions = load_config(ROOT / "warroom.example.yaml").permissions

    assert permissions == Permissions()
    example = (ROOT / "warroom.example.yaml").read_text(encoding="utf-8")
    for action in ACTIONS:
        assert re.search(rf"^  {action}: ", example, re.MULTILINE), action


def test_readme_documents_permissions():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    for action in ACTIONS:
        assert re.search(rf"\b{action}:", readme), action
    for level in LEVELS:
        assert f"| `{level}` |" in readme, level
