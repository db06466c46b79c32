# Titles in other scripts contain letters that look like Latin ones on purpose.
# ruff: noqa: RUF001

import re
from datetime import date

import pytest

from bot.incidents.naming import (
    CHANNEL_NAME_LIMIT,
    channel_name,
    incident_reference,
    parse_incident_reference,
    slugify,
)

DAY = date(2026, 12, 4)

# Slack's rule for channel names plus ours: no hyphen at either end or twice in a row.
VALID_CHANNEL_NAME = re.compile(r"[a-z0-9_]+(?:-[a-z0-9_]+)*")


def assert_valid_channel_name(name: str) -> None:
    assert len(name) <= CHANNEL_NAME_LIMIT
    assert VALID_CHANNEL_NAME.fullmatch(name), name


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param(
            "Database outage in EU-West", "database-outage-in-eu-west", id="ascii"
        ),
        pytest.param("  API  --  5xx!!  ", "api-5xx", id="punctuation-and-spaces"),
        pytest.param("Crème brûlée façade", "creme-brulee-facade", id="french-accents"),
        pytest.param("Straße", "strasse", id="sharp-s"),
        pytest.param("Ærø Øst", "aero-ost", id="danish"),
        pytest.param("Łódź", "lodz", id="polish"),
        pytest.param("Đakovo", "dakovo", id="croatian"),
        pytest.param("Þórsmörk", "thorsmork", id="icelandic"),
        pytest.param("Œuvre", "oeuvre", id="oe-ligature"),
        pytest.param("İstanbul", "istanbul", id="dotted-capital-i"),
        pytest.param("ﬁx ①", "fix-1", id="compatibility-forms"),
        pytest.param("e\u0301te\u0301", "ete", id="decomposed-accents"),
        pytest.param("Падение базы данных", "padenie-bazy-dannykh", id="russian"),
        pytest.param("Щука ёж", "shchuka-yozh", id="russian-digraphs"),
        pytest.param(
            "Впала база даних і черга", "vpala-baza-danykh-i-cherha", id="ukrainian"
        ),
        pytest.param("Їжак", "yizhak", id="ukrainian-yi"),
        pytest.param(
            "Βλάβη στη βάση δεδομένων", "vlavi-sti-vasi-dedomenon", id="greek"
        ),
        pytest.param("ΨΥΧΗ", "psychi", id="greek-capitals"),
        pytest.param("don't panic", "dont-panic", id="apostrophe"),
        pytest.param("it’s down", "its-down", id="typographic-apostrophe"),
        pytest.param("数据库 down", "down", id="cjk-dropped"),
        pytest.param("db🔥down", "db-down", id="emoji-separates"),
    ],
)
def test_slugify_transliterates(title, expected):
    assert slugify(title) == expected


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("数据库故障", id="chinese"),
        pytest.param("عطل في قاعدة البيانات", id="arabic"),
        pytest.param("תקלה", id="hebrew"),
        pytest.param("ฐานข้อมูลล่ม", id="thai"),
        pytest.param("🔥🔥🔥", id="emoji"),
        pytest.param("", id="empty"),
        pytest.param("!!!", id="punctuation"),
    ],
)
def test_slugify_without_usable_letters_is_empty(title):
    assert slugify(title) == ""


def test_slugify_cuts_at_word_boundary():
    assert slugify("alpha beta gamma", max_length=12) == "alpha-beta"


def test_slugify_keeps_exact_fit():
    assert slugify("alpha beta gamma", max_length=10) == "alpha-beta"


def test_slugify_hard_cuts_single_long_word():
    assert slugify("a" * 100, max_length=20) == "a" * 20


def test_slugify_default_limit_is_80():
    slug = slugify("word " * 40)

    assert len(slug) <= 80
    assert not slug.endswith("-")


def test_slugify_rejects_zero_length():
    with pytest.raises(ValueError, match="max_length"):
        slugify("x", max_length=0)


def test_channel_name_fills_placeholders():
    name = channel_name(
        "inc-{date}-{number}-{slug}", title="DB down", number=42, day=DAY
    )

    assert name == "inc-20261204-42-db-down"


def test_channel_name_uses_number_for_empty_slug():
    name = channel_name("inc-{date}-{slug}", title="数据库故障", number=7, day=DAY)

    assert name == "inc-20261204-incident-7"


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [
        pytest.param(1, "inc-20261204-db-down", id="first"),
        pytest.param(2, "inc-20261204-db-down-2", id="second"),
        pytest.param(11, "inc-20261204-db-down-11", id="eleventh"),
    ],
)
def test_channel_name_attempt_suffix(attempt, expected):
    name = channel_name(
        "inc-{date}-{slug}", title="DB down", number=1, day=DAY, attempt=attempt
    )

    assert name == expected


@pytest.mark.parametrize("attempt", [1, 2, 99, 1000], ids=["1", "2", "99", "1000"])
def test_channel_name_long_title_fits_with_suffix(attempt):
    title = "checkout latency " * 20
    name = channel_name(
        "inc-{date}-{slug}", title=title, number=5, day=DAY, attempt=attempt
    )

    assert_valid_channel_name(name)
    assert name.startswith("inc-20261204-checkout-latency")
    if attempt > 1:
        assert name.endswith(f"-{attempt}")


def test_channel_name_shortens_slug_not_date():
    name = channel_name("{slug}-{date}", title="x" * 200, number=5, day=DAY, attempt=3)

    assert name == "x" * 69 + "-20261204-3"
    assert len(name) == CHANNEL_NAME_LIMIT


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(
            "INC {date} {slug}", "inc-20261204-db-down", id="spaces-uppercase"
        ),
        pytest.param("inc.{number}/{slug}", "inc-3-db-down", id="dot-and-slash"),
        pytest.param("--{slug}--", "db-down", id="edge-hyphens"),
        pytest.param("inc - {slug}", "inc-db-down", id="repeated-hyphens"),
        pytest.param("inc_{number}__{slug}", "inc_3__db-down", id="underscores-kept"),
        pytest.param("Ünfall-{slug}", "nfall-db-down", id="non-ascii-literal"),
        pytest.param("inc-{number:04d}", "inc-0003", id="format-spec"),
    ],
)
def test_channel_name_cleans_pattern_literals(pattern, expected):
    name = channel_name(pattern, title="DB down", number=3, day=DAY)

    assert name == expected
    assert_valid_channel_name(name)


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Ärger -- mit   dem ::: Router", id="german"),
        pytest.param("数据库", id="cjk"),
        pytest.param("-" * 90, id="only-hyphens"),
        pytest.param("a" * 300, id="long-word"),
        pytest.param("Падение " * 30, id="long-cyrillic"),
    ],
)
def test_channel_name_always_valid(title):
    for attempt in (1, 2, 10, 100):
        name = channel_name(
            "inc-{date}-{slug}", title=title, number=12345, day=DAY, attempt=attempt
        )
        assert_valid_channel_name(name)


def test_channel_name_rejects_unknown_placeholder():
    with pytest.raises(ValueError, match=r"unknown placeholder \{when\}"):
        channel_name("inc-{when}", title="x", number=1, day=DAY)


def test_channel_name_rejects_unbalanced_brace():
    with pytest.raises(ValueError, match="is invalid"):
        channel_name("inc-{slug", title="x", number=1, day=DAY)


def test_channel_name_rejects_pattern_too_long():
    with pytest.raises(ValueError, match="Use a shorter pattern"):
        channel_name("x" * 90 + "-{slug}", title="db", number=1, day=DAY)


def test_channel_name_rejects_attempt_zero():
    with pytest.raises(ValueError, match="attempt"):
        channel_name("inc-{slug}", title="x", number=1, day=DAY, attempt=0)


def test_incident_reference_format():
    assert incident_reference(42) == "INC-42"


def test_incident_reference_rejects_zero():
    with pytest.raises(ValueError, match="start at 1"):
        incident_reference(0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("INC-42", 42, id="upper"),
        pytest.param("inc-42", 42, id="lower"),
        pytest.param("Inc42", 42, id="no-hyphen"),
        pytest.param("#42", 42, id="hash"),
        pytest.param("42", 42, id="bare"),
        pytest.param("  INC-7 ", 7, id="whitespace"),
        pytest.param("INC-007", 7, id="leading-zeros"),
        pytest.param("INC--42", None, id="double-hyphen"),
        pytest.param("INC-", None, id="no-number"),
        pytest.param("42abc", None, id="trailing-letters"),
        pytest.param("-42", None, id="negative"),
        pytest.param("0", None, id="zero"),
        pytest.param("INC-4 2", None, id="inner-space"),
        pytest.param("٤٢", None, id="arabic-digits"),
        pytest.param("", None, id="empty"),
    ],
)
def test_parse_incident_reference(text, expected):
    assert parse_incident_reference(text) == expected


def test_reference_round_trip():
    for number in (1, 42, 10**9):
        assert parse_incident_reference(incident_reference(number)) == number
