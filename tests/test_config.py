from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_SEVERITIES,
    DocsRemote,
    Service,
    WarroomConfig,
    load_config,
)
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "warroom.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_file_loads():
    config = load_config(ROOT / "warroom.example.yaml")

    assert config.timezone == "Europe/Berlin"
    assert config.announcement_channel == "#incidents"
    assert config.responders.users == ("U0EXAMPLE1", "oncall@example.com")
    assert [s.name for s in config.severities] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert config.services[0] == Service(
        name="checkout",
        owners=("U0EXAMPLE2",),
        slack_group="S0EXAMPLE2",
        repository="../shop",
        paths=("services/checkout/",),
        depends_on=("payments",),
    )


def test_no_file_gives_defaults():
    config = load_config(None)

    assert config == WarroomConfig()
    assert config.severities == DEFAULT_SEVERITIES
    assert config.channel_name_pattern == "inc-{date}-{slug}"


def test_empty_file_gives_defaults(tmp_path):
    assert load_config(write(tmp_path, "# nothing yet\n")) == WarroomConfig()


def test_severities_sorted_by_level(tmp_path):
    text = """
severities:
  - {level: 2, name: Major, description: Many users.}
  - {level: 1, name: Critical, description: Everyone.}
"""
    config = load_config(write(tmp_path, text))

    assert [s.name for s in config.severities] == ["Critical", "Major"]


BAD_FILES = [
    pytest.param(
        "timezon: UTC\n",
        ':1: timezon: unknown key. Did you mean "timezone"?',
        id="misspelt-top-key",
    ),
    pytest.param(
        "timezone: Mars/Olympus\n",
        ':1: timezone: unknown time zone "Mars/Olympus". Use an IANA',
        id="unknown-zone",
    ),
    pytest.param(
        "severities:\n  - level: 1\n    name: SEV1\n    descripton: x\n",
        ':4: severities[0].descripton: unknown key. Did you mean "description"?',
        id="misspelt-nested-key",
    ),
    pytest.param(
        "severities:\n  - {level: one, name: SEV1, description: x}\n",
        ":2: severities[0].level: expected a level number from 1 to 9, got a string.",
        id="level-not-number",
    ),
    pytest.param(
        "severities:\n  - {level: 1, name: A, description: x}\n"
        "  - {level: 3, name: C, description: y}\n",
        ":2: severities: levels are [1, 3]. Number the levels",
        id="level-gap",
    ),
    pytest.param(
        "responders:\n  users: U123\n",
        ":2: responders.users: expected a list, got a string.",
        id="users-not-list",
    ),
    pytest.param(
        "channel_name_pattern: 'inc-{when}'\n",
        ":1: channel_name_pattern: invalid placeholder",
        id="pattern-placeholder",
    ),
    pytest.param(
        "channel_name_pattern: 'incident'\n",
        ":1: channel_name_pattern: the pattern contains neither",
        id="pattern-constant",
    ),
    pytest.param(
        "services:\n  - name: a\n    depends_on: [b]\n",
        ':3: services[0].depends_on: "b" is not a service in the catalogue.',
        id="unknown-dependency",
    ),
    pytest.param(
        "services:\n  - name: a\n  - name: a\n",
        ':3: services[1].name: duplicate service "a".',
        id="duplicate-service",
    ),
    pytest.param(
        "severities:\n  - {level: 10, name: X, description: x}\n",
        "expected a level number from 1 to 9, got 10.",
        id="level-too-high",
    ),
    pytest.param(
        "archive_channel_after: soon\n",
        ':1: archive_channel_after: "soon" is not a duration.',
        id="bad-duration",
    ),
    pytest.param(
        "severities: []\n",
        ":1: severities: the list is empty.",
        id="no-severities",
    ),
    pytest.param(
        "timezone: UTC\nannouncement_channel: a\ntimezone: Bad/Zone\n",
        ":3: timezone: duplicate key.",
        id="duplicate-key",
    ),
    pytest.param(
        "channel_name_pattern: 'inc-{slug.x}'\n",
        "invalid placeholder {slug.x}",
        id="pattern-attribute",
    ),
    pytest.param(
        "channel_name_pattern: 'inc-{slug'\n",
        "unbalanced braces",
        id="pattern-braces",
    ),
    pytest.param(
        "timezone: ''\n",
        "timezone: expected a non-empty string, got an empty one.",
        id="empty-string",
    ),
    pytest.param(
        "services:\n  - name: api\n    depends_on: [zzz]\n",
        "Known services: api.",
        id="dependency-hint",
    ),
    pytest.param(
        "severities[x]: 1\nseverities: [{level: 1, name: A, description: b}]\n",
        "severities[x]: unknown key.",
        id="bracket-key",
    ),
    pytest.param(
        "docs:\n  branch: main\n",
        ":2: docs.branch: a branch needs a remote.",
        id="docs-branch-without-remote",
    ),
    pytest.param(
        "docs:\n  remote: ''\n",
        ":2: docs.remote: expected a non-empty string",
        id="docs-empty-remote",
    ),
    pytest.param(
        "- just\n- a list\n",
        ":1: (top level): expected a mapping, got a list.",
        id="not-a-mapping",
    ),
    pytest.param(
        "timezone: [UTC\n",
        ":2: invalid YAML:",
        id="broken-yaml",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_invalid_file_names_path_and_line(tmp_path, text, expected):
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="Could not read the configuration file"):
        load_config(tmp_path / "absent.yaml")


def test_unsafe_tags_are_rejected(tmp_path):
    path = write(tmp_path, "timezone: !!python/object/apply:os.system ['true']\n")

    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(path)


def test_non_utf8_file_is_reported(tmp_path):
    path = tmp_path / "warroom.yaml"
    path.write_bytes(b"timezone: \xff\xfe\n")

    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path)


def test_deep_nesting_is_reported(tmp_path):
    path = write(tmp_path, "timezone: " + "[" * 5000 + "]" * 5000 + "\n")

    with pytest.raises(ConfigError):
        load_config(path)


def test_pattern_format_spec_accepted(tmp_path):
    config = load_config(write(tmp_path, "channel_name_pattern: 'inc-{slug:.10}'\n"))

    assert config.channel_name_pattern == "inc-{slug:.10}"


def test_archive_delay_parsed(tmp_path):
    config = load_config(write(tmp_path, "archive_channel_after: 2d\n"))

    assert config.archive_channel_after == timedelta(days=2)


def test_status_cadence_parsed(tmp_path):
    text = "status_update_every: {1: 15m, 2: 2h, 3: never}\n"

    config = load_config(write(tmp_path, text))

    assert config.status_update_every == (
        (1, timedelta(minutes=15)),
        (2, timedelta(hours=2)),
    )


def test_status_cadence_rejects_bad_level(tmp_path):
    with pytest.raises(ConfigError, match="expected a severity level from 1 to 9"):
        load_config(write(tmp_path, "status_update_every: {SEV1: 15m}\n"))


def test_action_defaults_parsed(tmp_path):
    text = "action_due_days: {P2: 3}\nworking_days: [sun, Mon, tuesday]\n"

    config = load_config(write(tmp_path, text))

    assert dict(config.action_due_days) == {"P0": 1, "P1": 7, "P2": 3, "P3": 28}
    assert config.working_days == frozenset({6, 0, 1})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("action_due_days: {P5: 3}\n", "P5: unknown key", id="priority"),
        pytest.param("action_due_days: {P1: soon}\n", "whole number", id="days"),
        pytest.param("working_days: [funday]\n", '"funday" is not a weekday', id="day"),
        pytest.param("working_days: []\n", "the list is empty", id="empty"),
    ],
)
def test_action_defaults_rejected(tmp_path, text, expected):
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, text))


def test_postmortem_due_parsed(tmp_path):
    text = "postmortem_due: {1: 2d, 2: 5 business days, 3: 7bd, 4: never}\n"

    config = load_config(write(tmp_path, text))

    assert config.postmortem_due == ((1, (2, False)), (2, (5, True)), (3, (7, True)))


def test_postmortem_due_rejects_text(tmp_path):
    with pytest.raises(ConfigError, match='"soon" is not a number of days'):
        load_config(write(tmp_path, "postmortem_due: {1: soon}\n"))


def test_docs_remote_parsed(tmp_path):
    config = load_config(write(tmp_path, "docs: {remote: origin, branch: pages}\n"))
    only_remote = load_config(write(tmp_path, "docs: {remote: upstream}\n"))

    assert config.docs_remote == DocsRemote("origin", "pages")
    assert only_remote.docs_remote == DocsRemote("upstream", None)
    assert load_config(None).docs_remote is None
