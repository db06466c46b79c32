from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import WarroomError
from bot.incidents.timeparse import TimeParseError, parse_optional_when, parse_when

BRISBANE = ZoneInfo("Australia/Brisbane")  # UTC+10 all year
BERLIN = ZoneInfo("Europe/Berlin")
# 11:00 on 4 December 2026 in Brisbane.
NOW = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_clock_in_brisbane_records_previous_utc_day():
    when, rest = parse_when("09:00 rolled back the deploy", now=NOW, tz=BRISBANE)

    assert when == utc(2026, 12, 3, 23, 0)
    assert rest == "rolled back the deploy"


def test_result_is_in_utc():
    when, _ = parse_when("09:00", now=NOW, tz=BRISBANE)

    assert when.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "expected", "rest"),
    [
        pytest.param("9:05 x", utc(2026, 12, 3, 23, 5), "x", id="one-digit-hour"),
        pytest.param("11:04 x", utc(2026, 12, 4, 1, 4), "x", id="4-min-ahead-today"),
        pytest.param("11:05 x", utc(2026, 12, 4, 1, 5), "x", id="5-min-ahead-today"),
        pytest.param(
            "11:06 x", utc(2026, 12, 3, 1, 6), "x", id="6-min-ahead-yesterday"
        ),
        pytest.param("23:50", utc(2026, 12, 3, 13, 50), "", id="late-evening"),
        pytest.param("10:59:30 x", utc(2026, 12, 4, 0, 59, 30), "x", id="seconds"),
        pytest.param("9:05pm x", utc(2026, 12, 3, 11, 5), "x", id="pm"),
        pytest.param("9:05am x", utc(2026, 12, 3, 23, 5), "x", id="am"),
        pytest.param("9:05 PM x", utc(2026, 12, 3, 11, 5), "x", id="pm-spaced-upper"),
        pytest.param("9:05p.m. x", utc(2026, 12, 3, 11, 5), "x", id="pm-dotted"),
        pytest.param("12am", utc(2026, 12, 3, 14, 0), "", id="midnight"),
        pytest.param("12:30pm", utc(2026, 12, 3, 2, 30), "", id="noon"),
        pytest.param("9am x", utc(2026, 12, 3, 23, 0), "x", id="hour-only-am"),
        pytest.param(
            "yesterday 21:30 x", utc(2026, 12, 3, 11, 30), "x", id="yesterday"
        ),
        pytest.param(
            "Yesterday at 9pm x", utc(2026, 12, 3, 11, 0), "x", id="yesterday-at-pm"
        ),
        pytest.param(
            "2026-12-01 09:00 x", utc(2026, 11, 30, 23, 0), "x", id="date-time-local"
        ),
        pytest.param(
            "2026-12-04T09:00 x", utc(2026, 12, 3, 23, 0), "x", id="iso-no-offset"
        ),
        pytest.param(
            "2026-12-04T09:00+10:00 x", utc(2026, 12, 3, 23, 0), "x", id="iso-offset"
        ),
        pytest.param(
            "2026-12-03T22:00-0130 x",
            utc(2026, 12, 3, 23, 30),
            "x",
            id="iso-neg-offset",
        ),
        pytest.param(
            "2026-12-04T00:30:30Z x", utc(2026, 12, 4, 0, 30, 30), "x", id="iso-z"
        ),
        pytest.param(
            "2026-12-04T00:30:30.25Z",
            utc(2026, 12, 4, 0, 30, 30, 250000),
            "",
            id="iso-fraction",
        ),
        pytest.param("00:30 UTC x", utc(2026, 12, 4, 0, 30), "x", id="clock-utc"),
        pytest.param("00:30Z", utc(2026, 12, 4, 0, 30), "", id="clock-z"),
        pytest.param("10 min ago x", utc(2026, 12, 4, 0, 50), "x", id="min-ago"),
        pytest.param("10m ago", utc(2026, 12, 4, 0, 50), "", id="m-ago"),
        pytest.param("2h ago", utc(2026, 12, 3, 23, 0), "", id="h-ago"),
        pytest.param("1 hour ago", utc(2026, 12, 4, 0, 0), "", id="hour-ago"),
        pytest.param("90 minutes ago", utc(2026, 12, 3, 23, 30), "", id="minutes-ago"),
        pytest.param("1d ago", utc(2026, 12, 3, 1, 0), "", id="d-ago"),
        pytest.param("30s ago", utc(2026, 12, 4, 0, 59, 30), "", id="s-ago"),
        pytest.param("now paged the DBA", NOW, "paged the DBA", id="now"),
        pytest.param("NOW", NOW, "", id="now-upper"),
    ],
)
def test_parse_when_forms(text, expected, rest):
    assert parse_when(text, now=NOW, tz=BRISBANE) == (expected, rest)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        pytest.param("09:00 - rolled back", "rolled back", id="hyphen"),
        pytest.param("09:00 \u2013 rolled back", "rolled back", id="en-dash"),
        pytest.param("09:00, rolled back", "rolled back", id="comma"),
        pytest.param("09:00: rolled back", "rolled back", id="colon"),
        pytest.param("  09:00   rolled back  ", "rolled back", id="whitespace"),
        pytest.param("09:00 -5% traffic", "-5% traffic", id="minus-sign-kept"),
        pytest.param("09:00\nline two", "line two", id="newline"),
    ],
)
def test_parse_when_strips_separator(text, rest):
    _, parsed_rest = parse_when(text, now=NOW, tz=BRISBANE)

    assert parsed_rest == rest


def test_now_in_other_zone_is_returned_in_utc():
    now = NOW.astimezone(timezone(timedelta(hours=-5)))

    when, _ = parse_when("now", now=now, tz=BRISBANE)

    assert when == NOW
    assert when.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("25:99 foo", "'25:99' is not a valid time of day", id="bad-clock"),
        pytest.param("24:00", "not a valid time of day", id="hour-24"),
        pytest.param("12:60", "not a valid time of day", id="minute-60"),
        pytest.param("13:00pm", "outside 1-12", id="pm-hour-13"),
        pytest.param("0:30am", "outside 1-12", id="am-hour-0"),
        pytest.param("yesterday 99:00", "not a valid time of day", id="yesterday-bad"),
        pytest.param(
            "yesterday 9 pods", "after 'yesterday' is not", id="yesterday-junk"
        ),
        pytest.param("2026-12-04 9 pods", "a date needs a time", id="date-bare-hour"),
        pytest.param("2026-02-30 09:00", "not a valid date", id="bad-date"),
        pytest.param("2026-12-04 lunch", "a date needs a time", id="date-only"),
        pytest.param("2026-12-04T09:00+25:00", "invalid UTC offset", id="bad-offset"),
        pytest.param(
            "2026-12-05 09:00", "more than 5 minutes in the future", id="future"
        ),
        pytest.param("2026-12-04T01:06Z", "in the future", id="future-utc"),
        pytest.param("3 weeks ago", "'weeks' is not a unit", id="unknown-unit"),
        pytest.param("99999999999d ago", "too far in the past", id="overflow"),
    ],
)
def test_invalid_time_raises(text, problem):
    with pytest.raises(TimeParseError) as caught:
        parse_when(text, now=NOW, tz=BRISBANE)

    assert problem in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("rolled back", id="words"),
        pytest.param("", id="empty"),
        pytest.param("500 errors on checkout", id="number-first"),
        pytest.param("1:1 ratio", id="ratio"),
        pytest.param("09:00x", id="glued-letters"),
        pytest.param("yesterday was bad", id="yesterday-word"),
        pytest.param("nowhere to be found", id="now-prefix"),
    ],
)
def test_parse_when_without_time_raises(text):
    with pytest.raises(TimeParseError, match="does not start with a time"):
        parse_when(text, now=NOW, tz=BRISBANE)


def test_error_message_names_input_and_forms():
    with pytest.raises(TimeParseError) as caught:
        parse_when("25:99 database down", now=NOW, tz=BRISBANE)
    message = str(caught.value)

    assert message.startswith("Could not record the time at the start of ")
    assert "'25:99 database down'" in message
    assert "2026-12-04T09:00+10:00" in message
    assert "10m ago" in message
    assert message.endswith(".")


def test_error_message_shortens_long_input():
    text = "25:99 " + "x" * 500

    with pytest.raises(TimeParseError) as caught:
        parse_when(text, now=NOW, tz=BRISBANE)

    assert "x" * 100 not in str(caught.value)
    assert caught.value.text == text


def test_error_is_value_and_warroom_error():
    with pytest.raises(TimeParseError) as caught:
        parse_when("25:99", now=NOW, tz=BRISBANE)

    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, WarroomError)


def test_naive_now_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("09:00", now=datetime(2026, 12, 4, 1, 0), tz=BRISBANE)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("rolled back", id="words"),
        pytest.param("500 errors on checkout", id="number-first"),
        pytest.param("  padded text  ", id="padding-kept"),
        pytest.param("yesterday's deploy broke it", id="yesterday-possessive"),
        pytest.param("", id="empty"),
    ],
)
def test_optional_without_time_returns_now_and_text(text):
    assert parse_optional_when(text, now=NOW, tz=BRISBANE) == (NOW, text)


def test_optional_with_time_parses_it():
    when, rest = parse_optional_when("09:00 rolled back", now=NOW, tz=BRISBANE)

    assert when == utc(2026, 12, 3, 23, 0)
    assert rest == "rolled back"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("25:99 foo", id="bad-clock"),
        pytest.param("2026-12-04 deploy", id="date-without-time"),
        pytest.param("3 weeks ago", id="unknown-unit"),
        pytest.param("2026-12-05 09:00 planned", id="future"),
    ],
)
def test_optional_with_invalid_time_raises(text):
    with pytest.raises(TimeParseError):
        parse_optional_when(text, now=NOW, tz=BRISBANE)


# Berlin moved clocks forward at 02:00 on 29 March 2026 and back at 03:00 on
# 25 October 2026.


def test_gap_time_raises():
    now = utc(2026, 3, 29, 5, 0)

    with pytest.raises(TimeParseError, match="does not exist on 2026-03-29"):
        parse_when("02:30", now=now, tz=BERLIN)


def test_gap_time_in_future_uses_previous_day():
    now = utc(2026, 3, 29, 0, 50)  # 01:50 in Berlin, before the change

    when, _ = parse_when("02:30", now=now, tz=BERLIN)

    assert when == utc(2026, 3, 28, 1, 30)


def test_repeated_time_means_later_occurrence():
    now = utc(2026, 10, 25, 5, 0)

    when, _ = parse_when("02:30", now=now, tz=BERLIN)

    assert when == utc(2026, 10, 25, 1, 30)


def test_repeated_time_skips_future_occurrence():
    now = utc(2026, 10, 25, 0, 45)  # 02:45 in summer time, before the change

    when, _ = parse_when("02:30", now=now, tz=BERLIN)

    assert when == utc(2026, 10, 25, 0, 30)


def test_repeated_time_after_change_finds_first_occurrence():
    now = utc(2026, 10, 25, 1, 10)  # 02:10 in winter time, after the change

    when, _ = parse_when("02:50", now=now, tz=BERLIN)

    assert when == utc(2026, 10, 25, 0, 50)
