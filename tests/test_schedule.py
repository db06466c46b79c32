from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.incidents.schedule import (
    DEFAULT_WORKING_DAYS,
    REMINDER_TIME,
    add_business_days,
    deadline,
    due_reminder_at,
    local_moment,
    next_working_day,
    overdue_reminders,
)

# UTC-8 in winter and UTC-7 from 2026-03-08 to 2026-11-01, changing at 02:00 local.
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# UTC+13 until 2026-04-05 03:00 and again from 2026-09-27 02:00, UTC+12 between.
AUCKLAND = ZoneInfo("Pacific/Auckland")
# UTC+13 all year.
TONGATAPU = ZoneInfo("Pacific/Tongatapu")
# Moves clocks by 30 minutes, from 02:00 to 02:30 on 2026-10-04.
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
SUNDAY_TO_THURSDAY = frozenset({6, 0, 1, 2, 3})


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("due", "zone", "expected"),
    [
        pytest.param(
            date(2026, 12, 18), LOS_ANGELES, utc(2026, 12, 18, 17), id="la-pst"
        ),
        pytest.param(date(2026, 7, 1), LOS_ANGELES, utc(2026, 7, 1, 16), id="la-pdt"),
        pytest.param(
            date(2026, 3, 7), LOS_ANGELES, utc(2026, 3, 7, 17), id="la-before-spring"
        ),
        pytest.param(
            date(2026, 3, 8), LOS_ANGELES, utc(2026, 3, 8, 16), id="la-spring-day"
        ),
        pytest.param(
            date(2026, 10, 31), LOS_ANGELES, utc(2026, 10, 31, 16), id="la-before-fall"
        ),
        pytest.param(
            date(2026, 11, 1), LOS_ANGELES, utc(2026, 11, 1, 17), id="la-fall"
        ),
        pytest.param(
            date(2026, 12, 31), LOS_ANGELES, utc(2026, 12, 31, 17), id="la-year-end"
        ),
        pytest.param(date(2026, 12, 18), AUCKLAND, utc(2026, 12, 17, 20), id="nz-nzdt"),
        pytest.param(
            date(2026, 4, 4), AUCKLAND, utc(2026, 4, 3, 20), id="nz-before-end"
        ),
        pytest.param(date(2026, 4, 5), AUCKLAND, utc(2026, 4, 4, 21), id="nz-end-day"),
        pytest.param(
            date(2026, 9, 26), AUCKLAND, utc(2026, 9, 25, 21), id="nz-before-start"
        ),
        pytest.param(date(2026, 9, 27), AUCKLAND, utc(2026, 9, 26, 20), id="nz-start"),
        pytest.param(
            date(2026, 7, 1), TONGATAPU, utc(2026, 6, 30, 20), id="tonga-july"
        ),
        pytest.param(
            date(2027, 1, 1), TONGATAPU, utc(2026, 12, 31, 20), id="tonga-new-year"
        ),
        pytest.param(date(2026, 3, 1), AUCKLAND, utc(2026, 2, 28, 20), id="nz-month"),
    ],
)
def test_due_reminder_at_nine_local(due, zone, expected):
    reminder = due_reminder_at(due, zone)

    assert reminder == expected
    assert reminder.tzinfo is UTC
    assert reminder.astimezone(zone).time() == REMINDER_TIME
    assert reminder.astimezone(zone).date() == due


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        pytest.param(
            date(2026, 3, 8),
            time(1, 59),
            LOS_ANGELES,
            utc(2026, 3, 8, 9, 59),
            id="la-0159",
        ),
        pytest.param(
            date(2026, 3, 8), time(2, 0), LOS_ANGELES, utc(2026, 3, 8, 10), id="la-0200"
        ),
        pytest.param(
            date(2026, 3, 8),
            time(2, 30),
            LOS_ANGELES,
            utc(2026, 3, 8, 10),
            id="la-0230",
        ),
        pytest.param(
            date(2026, 3, 8),
            time(2, 59, 59, 999999),
            LOS_ANGELES,
            utc(2026, 3, 8, 10),
            id="la-last-microsecond",
        ),
        pytest.param(
            date(2026, 3, 8), time(3, 0), LOS_ANGELES, utc(2026, 3, 8, 10), id="la-0300"
        ),
        pytest.param(
            date(2026, 9, 27), time(2, 30), AUCKLAND, utc(2026, 9, 26, 14), id="nz-0230"
        ),
        pytest.param(
            date(2026, 9, 27), time(3, 0), AUCKLAND, utc(2026, 9, 26, 14), id="nz-0300"
        ),
        pytest.param(
            date(2026, 10, 4),
            time(2, 15),
            LORD_HOWE,
            utc(2026, 10, 3, 15, 30),
            id="half-hour-gap",
        ),
    ],
)
def test_local_moment_in_gap_is_gap_end(day, at, zone, expected):
    assert local_moment(day, at, zone) == expected


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        pytest.param(
            date(2026, 11, 1),
            time(1, 30),
            LOS_ANGELES,
            utc(2026, 11, 1, 8, 30),
            id="la-repeated-0130",
        ),
        pytest.param(
            date(2026, 11, 1),
            time(2, 0),
            LOS_ANGELES,
            utc(2026, 11, 1, 10),
            id="la-0200",
        ),
        pytest.param(
            date(2026, 4, 5),
            time(2, 30),
            AUCKLAND,
            utc(2026, 4, 4, 13, 30),
            id="nz-repeated-0230",
        ),
        pytest.param(
            date(2026, 4, 5), time(3, 0), AUCKLAND, utc(2026, 4, 4, 15), id="nz-0300"
        ),
    ],
)
def test_local_moment_in_fold_is_first(day, at, zone, expected):
    assert local_moment(day, at, zone) == expected


def test_local_moment_ignores_fold_of_time():
    moment = local_moment(date(2026, 11, 1), time(1, 30, fold=1), LOS_ANGELES)

    assert moment == utc(2026, 11, 1, 8, 30)


def test_local_moment_rejects_aware_time():
    aware = time(9, 0, tzinfo=timezone(timedelta(hours=1)))

    with pytest.raises(ValueError, match="without a time zone"):
        local_moment(date(2026, 12, 4), aware, LOS_ANGELES)


@pytest.mark.parametrize(
    ("after", "working_days", "expected"),
    [
        pytest.param(
            date(2026, 12, 4), DEFAULT_WORKING_DAYS, date(2026, 12, 7), id="fri"
        ),
        pytest.param(
            date(2026, 12, 5), DEFAULT_WORKING_DAYS, date(2026, 12, 7), id="sat"
        ),
        pytest.param(
            date(2026, 12, 6), DEFAULT_WORKING_DAYS, date(2026, 12, 7), id="sun"
        ),
        pytest.param(
            date(2026, 12, 7), DEFAULT_WORKING_DAYS, date(2026, 12, 8), id="mon"
        ),
        pytest.param(
            date(2026, 12, 31), DEFAULT_WORKING_DAYS, date(2027, 1, 1), id="year-end"
        ),
        pytest.param(
            date(2027, 1, 1), DEFAULT_WORKING_DAYS, date(2027, 1, 4), id="new-year-fri"
        ),
        pytest.param(
            date(2026, 7, 31), DEFAULT_WORKING_DAYS, date(2026, 8, 3), id="month-end"
        ),
        pytest.param(
            date(2026, 12, 3), SUNDAY_TO_THURSDAY, date(2026, 12, 6), id="sun-thu-thu"
        ),
        pytest.param(
            date(2026, 12, 4), SUNDAY_TO_THURSDAY, date(2026, 12, 6), id="sun-thu-fri"
        ),
        pytest.param(
            date(2026, 12, 2), frozenset({2}), date(2026, 12, 9), id="one-day"
        ),
    ],
)
def test_next_working_day(after, working_days, expected):
    assert next_working_day(after, working_days) == expected


@pytest.mark.parametrize(
    ("working_days", "message"),
    [
        pytest.param(frozenset(), "empty", id="empty"),
        pytest.param(frozenset({0, 7}), r"\[7\] are invalid", id="seven"),
        pytest.param(frozenset({-1, 1}), r"\[-1\] are invalid", id="negative"),
    ],
)
def test_next_working_day_invalid_days_raise(working_days, message):
    with pytest.raises(ValueError, match=message):
        next_working_day(date(2026, 12, 4), working_days)


@pytest.mark.parametrize(
    ("start", "days", "working_days", "expected"),
    [
        pytest.param(
            date(2026, 12, 4), 0, DEFAULT_WORKING_DAYS, date(2026, 12, 4), id="0"
        ),
        pytest.param(
            date(2026, 12, 6), 0, DEFAULT_WORKING_DAYS, date(2026, 12, 6), id="0s"
        ),
        pytest.param(
            date(2026, 12, 4), 1, DEFAULT_WORKING_DAYS, date(2026, 12, 7), id="f1"
        ),
        pytest.param(
            date(2026, 12, 4), 5, DEFAULT_WORKING_DAYS, date(2026, 12, 11), id="5"
        ),
        pytest.param(
            date(2026, 12, 5), 1, DEFAULT_WORKING_DAYS, date(2026, 12, 7), id="s1"
        ),
        pytest.param(
            date(2026, 12, 5), 5, DEFAULT_WORKING_DAYS, date(2026, 12, 11), id="s5"
        ),
        pytest.param(
            date(2026, 12, 31), 2, DEFAULT_WORKING_DAYS, date(2027, 1, 4), id="year-end"
        ),
        pytest.param(
            date(2026, 12, 18), 10, DEFAULT_WORKING_DAYS, date(2027, 1, 1), id="ten"
        ),
        pytest.param(
            date(2026, 7, 31), 1, DEFAULT_WORKING_DAYS, date(2026, 8, 3), id="month-end"
        ),
        pytest.param(
            date(2026, 2, 23), 5, DEFAULT_WORKING_DAYS, date(2026, 3, 2), id="february"
        ),
        pytest.param(
            date(2026, 12, 3), 1, SUNDAY_TO_THURSDAY, date(2026, 12, 6), id="sun-thu"
        ),
    ],
)
def test_add_business_days(start, days, working_days, expected):
    assert add_business_days(start, days, working_days) == expected


def test_add_business_days_negative_raises():
    with pytest.raises(ValueError, match="not -1"):
        add_business_days(date(2026, 12, 4), -1)


@pytest.mark.parametrize(
    ("due", "now", "zone", "expected"),
    [
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 10),
            LOS_ANGELES,
            utc(2026, 12, 18, 17),
            id="la-before-due",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 17, 22),
            LOS_ANGELES,
            utc(2026, 12, 18, 17),
            id="la-on-due-day",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 18, 16, 59),
            LOS_ANGELES,
            utc(2026, 12, 18, 17),
            id="la-0859",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 18, 17),
            LOS_ANGELES,
            utc(2026, 12, 21, 17),
            id="la-at-0900-goes-to-monday",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 19, 20),
            LOS_ANGELES,
            utc(2026, 12, 21, 17),
            id="la-saturday",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2027, 1, 5, 18),
            LOS_ANGELES,
            utc(2027, 1, 6, 17),
            id="la-weeks-later",
        ),
        pytest.param(
            date(2026, 3, 6),
            utc(2026, 3, 6, 20),
            LOS_ANGELES,
            utc(2026, 3, 9, 16),
            id="la-spring-weekend",
        ),
        pytest.param(
            date(2026, 10, 30),
            utc(2026, 10, 30, 20),
            LOS_ANGELES,
            utc(2026, 11, 2, 17),
            id="la-fall-weekend",
        ),
        pytest.param(
            date(2026, 12, 31),
            utc(2026, 12, 31, 20),
            LOS_ANGELES,
            utc(2027, 1, 1, 17),
            id="la-year-end",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 17, 12),
            AUCKLAND,
            utc(2026, 12, 17, 20),
            id="nz-utc-date-is-due-date",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 17, 19, 59),
            AUCKLAND,
            utc(2026, 12, 17, 20),
            id="nz-0859",
        ),
        pytest.param(
            date(2026, 12, 17),
            utc(2026, 12, 17, 20),
            AUCKLAND,
            utc(2026, 12, 20, 20),
            id="nz-at-0900-goes-to-monday",
        ),
        pytest.param(
            date(2026, 4, 3),
            utc(2026, 4, 3, 3),
            AUCKLAND,
            utc(2026, 4, 5, 21),
            id="nz-autumn-weekend",
        ),
        pytest.param(
            date(2026, 9, 25),
            utc(2026, 9, 25, 3),
            AUCKLAND,
            utc(2026, 9, 27, 20),
            id="nz-spring-weekend",
        ),
        pytest.param(
            date(2026, 12, 30),
            utc(2026, 12, 30, 3),
            TONGATAPU,
            utc(2026, 12, 30, 20),
            id="tonga-year-end-eve",
        ),
        pytest.param(
            date(2026, 12, 31),
            utc(2026, 12, 31, 3),
            TONGATAPU,
            utc(2026, 12, 31, 20),
            id="tonga-new-year",
        ),
    ],
)
def test_overdue_reminders_next_instant(due, now, zone, expected):
    reminder = overdue_reminders(due, now=now, zone=zone)

    assert reminder == expected
    assert reminder is not None
    assert reminder.tzinfo is UTC


@pytest.mark.parametrize(
    ("zone", "due", "first_now", "hours"),
    [
        pytest.param(
            LOS_ANGELES, date(2026, 3, 4), utc(2026, 3, 1), 24 * 14, id="la-m"
        ),
        pytest.param(
            LOS_ANGELES, date(2026, 10, 28), utc(2026, 10, 25), 24 * 14, id="n"
        ),
        pytest.param(
            AUCKLAND, date(2026, 4, 1), utc(2026, 3, 29), 24 * 14, id="nz-apr"
        ),
        pytest.param(
            AUCKLAND, date(2026, 9, 23), utc(2026, 9, 20), 24 * 14, id="nz-sep"
        ),
        pytest.param(
            TONGATAPU, date(2026, 12, 28), utc(2026, 12, 25), 24 * 14, id="to"
        ),
    ],
)
def test_overdue_reminders_hourly_sweep(zone, due, first_now, hours):
    for hour in range(hours):
        now = first_now + timedelta(hours=hour, minutes=30)
        reminder = overdue_reminders(due, now=now, zone=zone)
        assert reminder is not None
        local = reminder.astimezone(zone)

        assert reminder > now, now
        assert local.time() == REMINDER_TIME, now
        assert local.weekday() in DEFAULT_WORKING_DAYS, now
        assert local.date() > due, now

        # No earlier working day after the due date has its 09:00 after now.
        day = due + timedelta(days=1)
        while day < local.date():
            if day.weekday() in DEFAULT_WORKING_DAYS:
                assert due_reminder_at(day, zone) <= now, (now, day)
            day += timedelta(days=1)


def test_overdue_reminders_custom_working_days():
    reminder = overdue_reminders(
        date(2026, 12, 17),
        now=utc(2026, 12, 17, 3),
        zone=TONGATAPU,
        working_days=SUNDAY_TO_THURSDAY,
    )

    assert reminder == utc(2026, 12, 19, 20)


def test_overdue_reminders_without_working_days_is_none():
    reminder = overdue_reminders(
        date(2026, 12, 17),
        now=utc(2026, 12, 18),
        zone=LOS_ANGELES,
        working_days=frozenset(),
    )

    assert reminder is None


def test_overdue_reminders_rejects_naive_now():
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        overdue_reminders(
            date(2026, 12, 17), now=datetime(2026, 12, 18, 9), zone=LOS_ANGELES
        )


@pytest.mark.parametrize(
    ("start", "days", "zone", "expected"),
    [
        pytest.param(
            utc(2026, 12, 18, 1),
            5,
            LOS_ANGELES,
            utc(2026, 12, 25, 1),
            id="la-thursday-evening",
        ),
        pytest.param(
            utc(2026, 3, 4, 18),
            5,
            LOS_ANGELES,
            utc(2026, 3, 11, 17),
            id="la-across-spring",
        ),
        pytest.param(
            utc(2026, 10, 28, 17),
            5,
            LOS_ANGELES,
            utc(2026, 11, 4, 18),
            id="la-across-fall",
        ),
        pytest.param(
            utc(2026, 12, 30, 23),
            5,
            LOS_ANGELES,
            utc(2027, 1, 6, 23),
            id="la-year-end",
        ),
        pytest.param(
            utc(2026, 4, 1, 21),
            5,
            AUCKLAND,
            utc(2026, 4, 8, 22),
            id="nz-across-autumn",
        ),
        pytest.param(
            utc(2026, 9, 23, 22),
            5,
            AUCKLAND,
            utc(2026, 9, 30, 21),
            id="nz-across-spring",
        ),
        pytest.param(
            utc(2026, 12, 17, 19),
            5,
            AUCKLAND,
            utc(2026, 12, 24, 19),
            id="nz-friday-morning",
        ),
        pytest.param(
            utc(2026, 12, 5, 12), 1, TONGATAPU, utc(2026, 12, 6, 12), id="tonga-sunday"
        ),
        pytest.param(utc(2026, 12, 5, 12), 1, UTC, utc(2026, 12, 7, 12), id="saturday"),
    ],
)
def test_deadline_in_business_days(start, days, zone, expected):
    assert deadline(start, days=days, business=True, zone=zone) == expected


@pytest.mark.parametrize(
    ("start", "days", "zone", "expected"),
    [
        pytest.param(
            utc(2026, 3, 1, 17), 7, LOS_ANGELES, utc(2026, 3, 8, 16), id="la-week"
        ),
        pytest.param(
            utc(2026, 3, 7, 10, 30),
            1,
            LOS_ANGELES,
            utc(2026, 3, 8, 10),
            id="la-into-gap",
        ),
        pytest.param(
            utc(2026, 10, 31, 8, 30),
            1,
            LOS_ANGELES,
            utc(2026, 11, 1, 8, 30),
            id="la-into-fold",
        ),
        pytest.param(
            utc(2026, 4, 4, 1), 1, AUCKLAND, utc(2026, 4, 5, 2), id="nz-autumn-day"
        ),
        pytest.param(
            utc(2026, 12, 30, 21),
            1,
            TONGATAPU,
            utc(2026, 12, 31, 21),
            id="tonga-year-end",
        ),
        pytest.param(
            utc(2026, 1, 31, 20), 28, AUCKLAND, utc(2026, 2, 28, 20), id="nz-february"
        ),
    ],
)
def test_deadline_in_calendar_days(start, days, zone, expected):
    assert deadline(start, days=days, business=False, zone=zone) == expected


def test_deadline_custom_working_days():
    start = utc(2026, 12, 2, 21)  # Thursday 10:00 in Tonga

    result = deadline(
        start,
        days=1,
        business=True,
        zone=TONGATAPU,
        working_days=SUNDAY_TO_THURSDAY,
    )

    assert result == utc(2026, 12, 5, 21)


@pytest.mark.parametrize("business", [True, False], ids=["business", "calendar"])
def test_deadline_zero_days_is_start(business):
    # 01:30 PST, the second 01:30 of the night clocks go back.
    start = utc(2026, 11, 1, 9, 30)

    result = deadline(start, days=0, business=business, zone=LOS_ANGELES)

    assert result == start
    assert result.tzinfo is UTC


def test_deadline_negative_days_raises():
    with pytest.raises(ValueError, match="not -5"):
        deadline(utc(2026, 12, 4), days=-5, business=True, zone=LOS_ANGELES)


def test_deadline_rejects_naive_start():
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        deadline(datetime(2026, 12, 4), days=5, business=True, zone=LOS_ANGELES)
