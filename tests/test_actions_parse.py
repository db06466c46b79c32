from datetime import date

import pytest

from bot.errors import UserError
from bot.incidents.actions import (
    DEFAULT_DUE_DAYS,
    DEFAULT_PRIORITY,
    ActionRequest,
    default_due,
    effort_days,
    parse_action,
    parse_due,
)

# A Friday.
TODAY = date(2026, 12, 4)


def test_text_alone_gets_defaults():
    request = parse_action("Add a disk-full alert")

    assert request == ActionRequest(
        text="Add a disk-full alert",
        owner=None,
        due=None,
        priority=DEFAULT_PRIORITY,
        category=None,
    )


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        pytest.param(
            "Add a disk-full alert @jane due fri P1 detect",
            ActionRequest("Add a disk-full alert", "@jane", "fri", "P1", "detect"),
            id="all-options-at-end",
        ),
        pytest.param(
            "Rotate keys mitigate due 2026-12-20 P3 <@W0ABC123>",
            ActionRequest("Rotate keys", "W0ABC123", "2026-12-20", "P3", "mitigate"),
            id="other-order",
        ),
        pytest.param(
            "Rotate <@U123ABC|jane> the p0 signing Prevent keys",
            ActionRequest(
                "Rotate the signing keys",
                "U123ABC",
                None,
                "P0",
                "prevent",
                None,
                "prevention",
            ),
            id="options-inside-text-any-case",
        ),
        pytest.param(
            "Rotate keys <@U123ABC|jane doe>",
            ActionRequest("Rotate keys", "U123ABC", None, "P2", None),
            id="mention-label-with-space",
        ),
        pytest.param(
            "Rotate keys @jane.doe-2",
            ActionRequest("Rotate keys", "@jane.doe-2", None, "P2", None),
            id="plain-name-with-dot-and-hyphen",
        ),
        pytest.param(
            "Rotate keys PROCESS",
            ActionRequest("Rotate keys", None, None, "P2", "process"),
            id="category-upper-case",
        ),
    ],
)
def test_options_found_anywhere_after_first_word(argument, expected):
    assert parse_action(argument) == expected


@pytest.mark.parametrize(
    ("argument", "due", "text"),
    [
        pytest.param("Fix it due tomorrow", "tomorrow", "Fix it", id="tomorrow"),
        pytest.param("Fix it due 2026-12-20 P1", "2026-12-20", "Fix it", id="iso"),
        pytest.param("Fix it due fri now", "fri", "Fix it now", id="weekday"),
        pytest.param("Fix it due in 3d", "in 3d", "Fix it", id="in-3d"),
        pytest.param("Fix it due in 10 days", "in 10 days", "Fix it", id="in-10-days"),
        pytest.param("Fix it due in 1 week P3", "in 1 week", "Fix it", id="in-1-week"),
        pytest.param("Fix it due next monday", "next monday", "Fix it", id="next"),
        pytest.param(
            "Fix it DUE Next  Monday", "Next  Monday", "Fix it", id="as-typed"
        ),
        pytest.param("Fix it due fri next", "fri", "Fix it next", id="shorter-phrase"),
        pytest.param("Fix it due today today", "today", "Fix it today", id="one-only"),
    ],
)
def test_due_takes_following_date_phrase(argument, due, text):
    request = parse_action(argument)

    assert request.due == due
    assert request.text == text


def test_due_phrase_parses_with_parse_due():
    request = parse_action("Fix it DUE Next  Monday")

    assert request.due is not None
    assert parse_due(request.due, today=TODAY) == date(2026, 12, 7)


@pytest.mark.parametrize(
    "argument",
    [
        pytest.param("Prevent retries from piling up", id="category"),
        pytest.param("P1 incidents need a pager rotation", id="priority"),
        pytest.param("Due diligence on the vendor", id="due"),
        pytest.param("@jane should rotate keys", id="plain-owner"),
        pytest.param("<@U123ABC> should rotate keys", id="mention"),
    ],
)
def test_first_word_is_always_text(argument):
    request = parse_action(argument)

    assert request.text == argument
    assert request.owner is None
    assert request.priority == DEFAULT_PRIORITY
    assert request.category is None


@pytest.mark.parametrize(
    "argument",
    [
        pytest.param("Fix P1-ish prevention logic", id="prefixes"),
        pytest.param("Fix the overdue P4 queue", id="overdue-and-p4"),
        pytest.param(
            "Ask jane@example.com or @jane's team", id="address-and-possessive"
        ),
        pytest.param("Ask @jane. Then page <#C123|ops> and <!here>", id="punctuation"),
        pytest.param("Fix detect: and detected", id="category-with-suffix"),
    ],
)
def test_options_match_only_whole_words(argument):
    request = parse_action(argument)

    assert request.text == argument
    assert request.owner is None
    assert request.due is None
    assert request.priority == DEFAULT_PRIORITY
    assert request.category is None


@pytest.mark.parametrize(
    ("argument", "text"),
    [
        pytest.param("Fix  the\tdb then", "Fix  the\tdb then", id="inner-spacing"),
        pytest.param("  Fix the db  P1  ", "Fix the db", id="outer-spacing"),
        pytest.param("Fix the  P1 db", "Fix the  db", id="gap-before-option"),
        pytest.param(
            "Fix the db P1\nthen restart", "Fix the db\nthen restart", id="nl"
        ),
        pytest.param(
            "Fix the db\n@jane P1 then", "Fix the db\nthen", id="line-break-first"
        ),
    ],
)
def test_text_keeps_original_spacing(argument, text):
    assert parse_action(argument).text == text


@pytest.mark.parametrize(
    ("argument", "text", "owner", "due"),
    [
        pytest.param(
            '"Alert on errors due to expired certs" due fri',
            "Alert on errors due to expired certs",
            None,
            "fri",
            id="whole-text-quoted",
        ),
        pytest.param(
            'Ask "@bob" to review @jane',
            'Ask "@bob" to review',
            "@jane",
            None,
            id="quoted-word-kept",
        ),
        pytest.param(
            "\u201cPair with <@U0BOB> on failover\u201d <@U0JANE|jane>",
            "Pair with <@U0BOB> on failover",
            "U0JANE",
            None,
            id="curly-quotes",
        ),
        pytest.param(
            'Say "hi P1', 'Say "hi', None, None, id="unmatched-quote-is-plain"
        ),
    ],
)
def test_quoted_words_are_never_options(argument, text, owner, due):
    request = parse_action(argument)

    assert request.text == text
    assert request.owner == owner
    assert request.due == due


@pytest.mark.parametrize(
    "argument",
    [
        pytest.param("", id="empty"),
        pytest.param(" \t\n ", id="whitespace"),
        pytest.param('"" P1', id="empty-quotes"),
    ],
)
def test_missing_text_raises(argument):
    with pytest.raises(UserError) as raised:
        parse_action(argument)

    assert "/incident action Add a disk-full alert" in str(raised.value)


@pytest.mark.parametrize(
    ("argument", "plural", "first", "second"),
    [
        pytest.param(
            "Fix @jane <@U0BOB|bob>", "owners", "@jane", "<@U0BOB|bob>", id="o"
        ),
        pytest.param("Fix @jane @jane", "owners", "@jane", "@jane", id="same-owner"),
        pytest.param("Fix P1 p2", "priorities", "P1", "p2", id="priorities"),
        pytest.param("Fix P1 P1", "priorities", "P1", "P1", id="same-priority"),
        pytest.param("Fix detect Process", "categories", "detect", "Process", id="c"),
        pytest.param(
            "Fix due fri due in 3d", "due dates", "due fri", "due in 3d", id="due"
        ),
    ],
)
def test_option_given_twice_raises(argument, plural, first, second):
    with pytest.raises(UserError) as raised:
        parse_action(argument)

    message = str(raised.value)
    assert f"two {plural}, {first!r} and {second!r}" in message
    assert "double quotes" in message
    assert "/incident action " in message


@pytest.mark.parametrize(
    ("argument", "typed"),
    [
        pytest.param("Fix crash due to bad config", "due to", id="due-to"),
        pytest.param("Fix crash due", "due", id="due-at-end"),
        pytest.param("Fix crash due frday", "due frday", id="typo"),
        pytest.param("Fix crash due next", "due next", id="next-alone"),
        pytest.param("Fix crash due in 3", "due in", id="in-without-unit"),
    ],
)
def test_due_without_date_raises(argument, typed):
    with pytest.raises(UserError) as raised:
        parse_action(argument)

    message = str(raised.value)
    assert f"The word due in {typed!r} must be followed by a date" in message
    assert "in 3d" in message
    assert '"Alert on errors due to expired certificates" due fri' in message


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("today", date(2026, 12, 4), id="today"),
        pytest.param("tomorrow", date(2026, 12, 5), id="tomorrow"),
        pytest.param("Tomorrow", date(2026, 12, 5), id="capitalised"),
        pytest.param("2026-12-20", date(2026, 12, 20), id="iso"),
        pytest.param("2026-12-04", date(2026, 12, 4), id="iso-today"),
        pytest.param("2027-1-5", date(2027, 1, 5), id="iso-one-digit"),
        pytest.param("fri", date(2026, 12, 11), id="fri-on-friday-is-next-week"),
        pytest.param("friday", date(2026, 12, 11), id="friday"),
        pytest.param("next friday", date(2026, 12, 11), id="next-friday"),
        pytest.param("sat", date(2026, 12, 5), id="sat"),
        pytest.param("SUNDAY", date(2026, 12, 6), id="sunday"),
        pytest.param("Mon", date(2026, 12, 7), id="mon"),
        pytest.param("tues", date(2026, 12, 8), id="tues"),
        pytest.param("wed", date(2026, 12, 9), id="wed"),
        pytest.param("thurs", date(2026, 12, 10), id="thurs"),
        pytest.param("next monday", date(2026, 12, 7), id="next-monday"),
        pytest.param("in 3d", date(2026, 12, 7), id="in-3d"),
        pytest.param("in 2w", date(2026, 12, 18), id="in-2w"),
        pytest.param("in 10 days", date(2026, 12, 14), id="in-10-days"),
        pytest.param("in 1 week", date(2026, 12, 11), id="in-1-week"),
        pytest.param("in 0d", date(2026, 12, 4), id="in-0d"),
        pytest.param("  In   3D ", date(2026, 12, 7), id="spacing-and-case"),
        pytest.param("in 4 weeks", date(2027, 1, 1), id="into-next-year"),
    ],
)
def test_parse_due_forms(phrase, expected):
    assert parse_due(phrase, today=TODAY) == expected


@pytest.mark.parametrize(
    ("phrase", "today", "expected"),
    [
        pytest.param("tomorrow", date(2026, 12, 31), date(2027, 1, 1), id="year-end"),
        pytest.param("fri", date(2026, 12, 30), date(2027, 1, 1), id="fri-next-year"),
        pytest.param("in 3d", date(2026, 12, 30), date(2027, 1, 2), id="in-3d-year"),
        pytest.param("tomorrow", date(2026, 2, 28), date(2026, 3, 1), id="february"),
        pytest.param("tomorrow", date(2028, 2, 28), date(2028, 2, 29), id="leap-day"),
        pytest.param("in 1w", date(2026, 4, 27), date(2026, 5, 4), id="month-end"),
        pytest.param("mon", date(2026, 11, 29), date(2026, 11, 30), id="sun-to-mon"),
    ],
)
def test_parse_due_across_month_and_year_ends(phrase, today, expected):
    assert parse_due(phrase, today=today) == expected


def test_parse_due_in_past_raises():
    with pytest.raises(UserError) as raised:
        parse_due("2026-12-03", today=TODAY)

    message = str(raised.value)
    assert "'2026-12-03' is in the past" in message
    assert "today is 2026-12-04" in message
    assert "due 2026-12-05" in message


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("someday", id="word"),
        pytest.param("", id="empty"),
        pytest.param("next", id="next-alone"),
        pytest.param("next tomorrow", id="next-tomorrow"),
        pytest.param("in d", id="no-amount"),
        pytest.param("in -3d", id="negative"),
        pytest.param("in 3 months", id="months"),
        pytest.param("3d", id="no-in"),
        pytest.param("fri fri", id="two-weekdays"),
        pytest.param("12/20/2026", id="us-date"),
        pytest.param("in \u0663d", id="arabic-digit"),
    ],
)
def test_parse_due_unknown_phrase_raises(phrase):
    with pytest.raises(UserError) as raised:
        parse_due(phrase, today=TODAY)

    message = str(raised.value)
    assert f"The due date {phrase.strip()!r} is not valid" in message
    assert "2026-12-20" in message
    assert "next monday" in message
    assert "in 10 days" in message


def test_parse_due_invalid_calendar_date_raises():
    with pytest.raises(UserError) as raised:
        parse_due("2026-02-30", today=TODAY)

    message = str(raised.value)
    assert "'2026-02-30' is not a valid calendar date" in message
    assert "YYYY-MM-DD" in message


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("in 3000000d", id="past-year-9999"),
        pytest.param("in 999999999999w", id="past-timedelta-limit"),
        pytest.param("in " + "9" * 5000 + "d", id="past-int-digit-limit"),
    ],
)
def test_parse_due_too_far_raises(phrase):
    with pytest.raises(UserError, match="too far in the future"):
        parse_due(phrase, today=TODAY)


@pytest.mark.parametrize(
    ("priority", "expected"),
    [
        pytest.param("P0", date(2026, 12, 5), id="p0-one-day"),
        pytest.param("P1", date(2026, 12, 11), id="p1-one-week"),
        pytest.param("P2", date(2026, 12, 18), id="p2-two-weeks"),
        pytest.param("P3", date(2027, 1, 1), id="p3-four-weeks"),
    ],
)
def test_default_due_by_priority(priority, expected):
    assert default_due(priority, today=TODAY) == expected


def test_default_due_with_custom_days():
    days = {"P0": 0, "P1": 3, "P2": 10, "P3": 30}

    assert default_due("P0", today=TODAY, days=days) == TODAY
    assert default_due("P3", today=TODAY, days=days) == date(2027, 1, 3)


def test_default_due_unknown_priority_raises():
    with pytest.raises(ValueError, match="no default due period for priority 'P9'"):
        default_due("P9", today=TODAY)


def test_default_due_days_is_read_only():
    with pytest.raises(TypeError):
        DEFAULT_DUE_DAYS["P0"] = 2


@pytest.mark.parametrize(
    ("argument", "effort", "phase", "text"),
    [
        pytest.param(
            "Add a pool alert M MTTD",
            "M",
            "detection",
            "Add a pool alert",
            id="size-and-metric",
        ),
        pytest.param(
            "Add a pool alert effort 4d mttr",
            "4d",
            "recovery",
            "Add a pool alert",
            id="days",
        ),
        pytest.param(
            "Add a pool alert effort l",
            "L",
            None,
            "Add a pool alert",
            id="lowercase-size",
        ),
        pytest.param(
            "Add a pool alert phase response",
            None,
            "response",
            "Add a pool alert",
            id="phase-name",
        ),
        pytest.param(
            "Add a pool alert prevent",
            None,
            "prevention",
            "Add a pool alert",
            id="prevent-implies-phase",
        ),
        pytest.param(
            "Add a pool alert detect MTTM",
            None,
            "mitigation",
            "Add a pool alert",
            id="metric-wins",
        ),
        pytest.param(
            "Raise the m limit",
            None,
            None,
            "Raise the m limit",
            id="lowercase-m-is-text",
        ),
    ],
)
def test_effort_and_phase_parsed(argument, effort, phase, text):
    request = parse_action(argument)

    assert request.effort == effort
    assert request.phase == phase
    assert request.text == text


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        pytest.param(
            "Add it effort huge", "must be followed by S, M, L", id="bad-effort"
        ),
        pytest.param(
            "Add it effort", "must be followed by S, M, L", id="effort-at-end"
        ),
        pytest.param(
            "Add it phase soon", "must be followed by one of detection", id="bad-phase"
        ),
        pytest.param("Add it S effort L", "two efforts", id="two-efforts"),
    ],
)
def test_effort_and_phase_errors(argument, message):
    with pytest.raises(UserError, match=message):
        parse_action(argument)


@pytest.mark.parametrize(
    ("effort", "days"),
    [("S", 1), ("M", 3), ("L", 10), ("4d", 4), (None, None)],
    ids=str,
)
def test_effort_in_days(effort, days):
    assert effort_days(effort) == days
