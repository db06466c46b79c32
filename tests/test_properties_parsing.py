"""Property tests of the parsers: slash commands, corrections and times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import UserError
from bot.incidents.corrections import Correction, is_correction, parse_correction
from bot.incidents.timeparse import (
    FUTURE_TOLERANCE,
    TimeParseError,
    parse_optional_when,
    parse_when,
)
from bot.slack.commands import SUBCOMMANDS, closest_subcommand, parse_command

# Modest and without a deadline, so the suite stays fast and a slow CI runner does
# not turn into flaky failures.
FAST = settings(max_examples=150, deadline=None)

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kathmandu",
]
# Pieces of text that look like times, so generated input reaches deep branches.
TIME_PIECES = [
    "09:05",
    "9",
    ":",
    "00",
    "59",
    "24:00",
    "99:99",
    "pm",
    "a.m.",
    "yesterday",
    "at",
    "ago",
    "10",
    "min",
    "h",
    "days",
    "weeks",
    "now",
    "2026-12-04",
    "2026-02-30",
    "0000-01-01",
    "9999-12-31",
    "T",
    "+10:00",
    "-14",
    "Z",
    "UTC",
    " ",
    ",",
    "-",
    "\u2013",
    "99999999999999999999",
    "rolled back",
]

time_like_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(TIME_PIECES), max_size=8).map("".join),
)
aware_now = st.datetimes(
    min_value=datetime(2001, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=st.just(UTC),
)
zones = st.sampled_from(ZONES).map(ZoneInfo)
command_text = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            ["declare", "TIMELINE", "edit", "12", " ", "\t", "\u3000", "é"]
        ),
        max_size=6,
    ).map("".join),
)
names = [alias for sub in SUBCOMMANDS for alias in (sub.name, *sub.aliases)]


def parse(text: str):
    return parse_command(
        text,
        team_id="T0FAKETEAM",
        channel_id="C0FAKE0001",
        user_id="U0FAKE0001",
        trigger_id=None,
    )


@FAST
@given(command_text)
def test_command_parser_total(text):
    request = parse(text)

    assert request.subcommand == request.subcommand.strip()
    assert not any(character.isspace() for character in request.subcommand)
    assert request.argument == request.argument.strip()
    if not text.strip():
        assert request.subcommand == "help"
        assert request.argument == ""
    else:
        assert request.subcommand


@FAST
@given(st.sampled_from(names), st.text(max_size=60))
def test_command_parser_round_trip(name, argument):
    request = parse(f"  {name.upper()} {argument}")

    assert request.subcommand == name
    assert request.argument == argument.strip()


@FAST
@given(st.text(max_size=20))
def test_closest_subcommand_total(name):
    closest = closest_subcommand(name)

    assert closest is None or closest in SUBCOMMANDS


@FAST
@given(command_text)
def test_correction_parser_raises_user_error_only(text):
    try:
        correction = parse_correction(text)
    except UserError:
        return
    assert is_correction(text)
    assert correction.entry_id >= 1
    assert correction.text is None or correction.text == correction.text.strip()


@FAST
@given(
    st.integers(min_value=1, max_value=10**12 - 1),
    st.text(min_size=1, max_size=60).filter(lambda text: text.strip()),
    st.sampled_from(["", "#"]),
)
def test_correction_round_trip(entry_id, text, prefix):
    edit = parse_correction(f"edit {prefix}{entry_id} {text}")
    delete = parse_correction(f"DELETE {prefix}{entry_id}")

    assert edit == Correction(entry_id, text.strip())
    assert delete == Correction(entry_id, None)


@FAST
@given(time_like_text, aware_now, zones)
def test_parse_when_raises_time_error_only(text, now, zone):
    try:
        when, rest = parse_when(text, now=now, tz=zone)
    except TimeParseError as error:
        assert str(error).startswith("Could not record the time")
        return
    assert when.utcoffset() == timedelta(0)
    assert when <= now + FUTURE_TOLERANCE
    assert rest == rest.strip()
    assert rest in text


@FAST
@given(time_like_text, aware_now, zones)
def test_parse_optional_when_defaults_to_now(text, now, zone):
    try:
        when, rest = parse_optional_when(text, now=now, tz=zone)
    except TimeParseError:
        return
    assert when.utcoffset() == timedelta(0)
    assert when <= now + FUTURE_TOLERANCE
    assert rest in text


@FAST
@given(
    aware_now,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3000)),
    st.integers(min_value=-12, max_value=14),
)
def test_iso_time_round_trip(now, age, hours):
    moment = (now - age).replace(second=0, microsecond=0)
    written = moment.astimezone(timezone(timedelta(hours=hours))).isoformat()

    when, rest = parse_when(f"{written} deploy began", now=now, tz=ZoneInfo("UTC"))

    assert when == moment
    assert rest == "deploy began"


@FAST
@given(aware_now, zones, st.integers(min_value=0, max_value=10_000))
def test_minutes_ago_exact(now, zone, minutes):
    when, rest = parse_when(f"{minutes} min ago paged the DBA", now=now, tz=zone)

    assert when == now - timedelta(minutes=minutes)
    assert rest == "paged the DBA"


@pytest.mark.parametrize("text", ["25:99 rolled back", "2026-02-30 09:00 x"])
def test_invalid_time_is_time_error(text):
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)

    with pytest.raises(TimeParseError):
        parse_when(text, now=now, tz=ZoneInfo("UTC"))
