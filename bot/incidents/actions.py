"""Parse `/incident action`, which records an action item from an incident.

The command reads `/incident action <text> [@owner] [due <date>] [P0-P3] [category]
[effort] [phase]`. The effort is S, M or L (in capitals), or `effort <S|M|L|Nd>`; the
phase is the metric an item improves (MTTD, MTTA, MTTM or MTTR), or `phase <name>`
with a name of PHASE_NAMES.
The first word always belongs to the text, so a text may start with "Prevent" or
"Due". After it, the options may appear anywhere, in any order and case, but only as
whole words. A word inside double quotes is never an option, which lets a text
contain "due to" or mention someone who is not the owner.

A due date is read in two steps. `parse_action` keeps the phrase as typed, and
`parse_due` turns it into a date once the caller knows today's date in the owner's
time zone.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from bot.errors import UserError

PRIORITIES = ("P0", "P1", "P2", "P3")
CATEGORIES = ("prevent", "detect", "mitigate", "process")
# Days from today to the default due date, per priority. The mapping is read-only
# because it is also the default argument of `default_due`.
DEFAULT_DUE_DAYS: Mapping[str, int] = MappingProxyType(
    {"P0": 1, "P1": 7, "P2": 14, "P3": 28}
)
DEFAULT_PRIORITY = "P2"
EFFORT_SIZES = ("S", "M", "L")
# The phase an item improves, by the metric typed for it.
PHASES = {
    "mttd": "detection",
    "mtta": "response",
    "mttm": "mitigation",
    "mttr": "recovery",
}
PHASE_NAMES = (*PHASES.values(), "prevention")

COMMAND_EXAMPLE = "/incident action Add a disk-full alert @jane due fri P1 detect"
DUE_FORMS = (
    "today",
    "tomorrow",
    "2026-12-20",
    "fri",
    "next monday",
    "in 3d",
    "in 2w",
    "in 10 days",
)

# A word runs to the next whitespace outside double quotes and outside <...>, so a
# quoted phrase, or a mention whose label contains spaces, stays one word.
_WORD = re.compile(r'(?:"[^"]*"|\u201c[^\u201d]*\u201d|<[^<>]*>|\S)+')
_QUOTED = re.compile(r'"(.*)"|\u201c(.*)\u201d', re.DOTALL)
# Slack user ids start with U, or with W on Enterprise Grid.
_MENTION = re.compile(r"<@(?P<user>[UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_PLAIN_OWNER = re.compile(r"@\w(?:[\w.\-]*\w)?")
_PRIORITY = re.compile(r"[Pp][0-3]")
_EFFORT = re.compile(r"(?P<size>[SML])|(?P<days>[1-9]\d{0,2})d", re.IGNORECASE)

_WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_UNIT_DAYS = {"d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7}
# Matched against the phrase in lowercase with single spaces between words.
_DUE_PHRASE = re.compile(
    r"(?P<iso>\d{4}-\d{1,2}-\d{1,2})"
    r"|(?P<relative_day>today|tomorrow)"
    rf"|(?:next )?(?P<weekday>{'|'.join(_WEEKDAYS)})"
    rf"|in (?P<amount>\d+) ?(?P<unit>{'|'.join(_UNIT_DAYS)})",
    re.ASCII,
)
# A due phrase has at most three words, as in "in 10 days".
_DUE_PHRASE_MAX_WORDS = 3

# Commands for error messages, one per option, whose text is quoted because it
# contains a word that would otherwise be read as that option.
_QUOTING_EXAMPLES = {
    "owner": '/incident action "Pair with @bob on the failover test" @jane',
    "due": '/incident action "Alert on errors due to expired certificates" due fri',
    "priority": '/incident action "Write the P0 paging runbook" P1',
    "category": '/incident action "Add a detect step to the release checklist" process',
    "effort": '/incident action "Raise the L cache size" effort M',
    "phase": '/incident action "Explain MTTR on the wiki" MTTD',
}
_PLURALS = {
    "owner": "owners",
    "due": "due dates",
    "priority": "priorities",
    "category": "categories",
    "effort": "efforts",
    "phase": "phases",
}


@dataclass(frozen=True)
class ActionRequest:
    """An action item as typed, before the owner is looked up and the date resolved.

    `owner` is a Slack user id from an escaped mention, or "@name" as typed when the
    name was not escaped, for the caller to look up. `due` is the due phrase as typed
    ("tomorrow", "in 3d"), or None when absent. `priority` is one of PRIORITIES, and
    `category` is one of CATEGORIES or None, `effort` one of EFFORT_SIZES or a number
    of days such as "3d", and `phase` one of PHASE_NAMES; both are None when absent.
    """

    text: str
    owner: str | None
    due: str | None
    priority: str
    category: str | None
    effort: str | None = None
    phase: str | None = None


@dataclass(frozen=True)
class _Option:
    kind: str
    value: str
    typed: str
    word_count: int


def parse_action(argument: str) -> ActionRequest:
    """Parse the argument of `/incident action` into its text and options.

    The caller must already have unescaped "&amp;", "&lt;" and "&gt;", so mentions
    arrive as "<@U123ABC|jane>" or "<@U123ABC>". Raises UserError when the text is
    missing, when an option is given twice, or when "due" is not followed by a date.
    A text that is entirely in double quotes loses them.
    """
    words = list(_WORD.finditer(argument))
    if not words:
        raise UserError(
            "The action text is missing. Write what should be done, then any "
            f"options, as in: {COMMAND_EXAMPLE}"
        )

    options: dict[str, _Option] = {}
    text_indexes = [0]
    index = 1
    while index < len(words):
        option = _read_option(words, index)
        if option is None:
            text_indexes.append(index)
            index += 1
            continue
        _add_option(options, option)
        index += option.word_count

    text = _join_text(words, text_indexes)
    if not text:
        raise UserError(
            f"The action text {argument.strip()!r} is empty. Write what should be "
            f"done, as in: {COMMAND_EXAMPLE}"
        )
    return ActionRequest(
        text=text,
        owner=_value(options, "owner"),
        due=_value(options, "due"),
        priority=_value(options, "priority") or DEFAULT_PRIORITY,
        category=_value(options, "category"),
        effort=_value(options, "effort"),
        phase=_value(options, "phase") or _default_phase(_value(options, "category")),
    )


def _default_phase(category: str | None) -> str | None:
    return "prevention" if category == "prevent" else None


def _read_option(words: list[re.Match[str]], index: int) -> _Option | None:
    word = words[index][0]
    mention = _MENTION.fullmatch(word)
    if mention is not None:
        return _Option("owner", mention["user"], word, 1)
    if _PLAIN_OWNER.fullmatch(word):
        return _Option("owner", word, word, 1)
    if _PRIORITY.fullmatch(word):
        return _Option("priority", word.upper(), word, 1)
    if word.lower() in CATEGORIES:
        return _Option("category", word.lower(), word, 1)
    if word.lower() == "due":
        return _read_due_option(words, index)
    if word in EFFORT_SIZES:
        return _Option("effort", word, word, 1)
    if word.lower() == "effort":
        return _read_effort_option(words, index)
    if word.lower() in PHASES:
        return _Option("phase", PHASES[word.lower()], word, 1)
    if word.lower() == "phase":
        return _read_phase_option(words, index)
    return None


def _read_phase_option(words: list[re.Match[str]], index: int) -> _Option:
    following = words[index + 1][0] if index + 1 < len(words) else ""
    if following.lower() not in PHASE_NAMES:
        raise UserError(
            f"The word phase in {f'phase {following}'.strip()!r} must be followed by "
            f"one of {', '.join(PHASE_NAMES)}. Put a text that contains the word "
            f"phase in double quotes, as in: {_QUOTING_EXAMPLES['phase']}"
        )
    return _Option("phase", following.lower(), f"{words[index][0]} {following}", 2)


def _read_effort_option(words: list[re.Match[str]], index: int) -> _Option:
    """Read "effort" and the size or number of days after it."""
    following = words[index + 1][0] if index + 1 < len(words) else ""
    match = _EFFORT.fullmatch(following)
    if match is None:
        raise UserError(
            f"The word effort in {f'effort {following}'.strip()!r} must be followed "
            "by S, M, L or a number of days such as 3d. Put a text that contains "
            f"the word effort in double quotes, as in: {_QUOTING_EXAMPLES['effort']}"
        )
    value = match["size"].upper() if match["size"] else f"{int(match['days'])}d"
    return _Option("effort", value, f"{words[index][0]} {following}", 2)


def effort_days(effort: str | None) -> int | None:
    """Return an effort in working days: S is 1, M is 3, L is 10, "4d" is 4."""
    if effort is None:
        return None
    sizes = {"S": 1, "M": 3, "L": 10}
    if effort in sizes:
        return sizes[effort]
    return int(effort.removesuffix("d"))


def _read_due_option(words: list[re.Match[str]], index: int) -> _Option:
    """Read "due" and the longest valid due phrase that follows it."""
    argument = words[index].string
    for count in range(_DUE_PHRASE_MAX_WORDS, 0, -1):
        last = index + count
        if last >= len(words):
            continue
        phrase = argument[words[index + 1].start() : words[last].end()]
        if _match_due(phrase) is not None:
            typed = argument[words[index].start() : words[last].end()]
            return _Option("due", phrase, typed, count + 1)

    following = words[index + 1][0] if index + 1 < len(words) else ""
    typed = f"{words[index][0]} {following}".strip()
    raise UserError(
        f"The word due in {typed!r} must be followed by a date. Write one of "
        f"{_due_forms()} after due, and put a text that contains the word due in "
        "double quotes, as in: "
        f"{_QUOTING_EXAMPLES['due']}"
    )


def _add_option(options: dict[str, _Option], option: _Option) -> None:
    earlier = options.get(option.kind)
    if earlier is None:
        options[option.kind] = option
        return

    plural = _PLURALS[option.kind]
    raise UserError(
        f"The action gives two {plural}, {earlier.typed!r} and {option.typed!r}. "
        "Give at most one, and put a text that contains such a word in double "
        f"quotes, as in: {_QUOTING_EXAMPLES[option.kind]}"
    )


def _value(options: dict[str, _Option], kind: str) -> str | None:
    option = options.get(kind)
    return None if option is None else option.value


def _join_text(words: list[re.Match[str]], indexes: list[int]) -> str:
    """Join the text words with the whitespace that separated them.

    Where options were left out between two text words, one of the gaps around
    them is kept: the first that contains a line break, or else the gap right after
    the earlier text word.
    """
    argument = words[0].string
    parts = [words[indexes[0]][0]]
    for earlier, later in itertools.pairwise(indexes):
        gaps = [
            argument[words[index].end() : words[index + 1].start()]
            for index in range(earlier, later)
        ]
        parts.append(next((gap for gap in gaps if "\n" in gap), gaps[0]))
        parts.append(words[later][0])
    text = "".join(parts)

    quoted = _QUOTED.fullmatch(text) if len(indexes) == 1 else None
    if quoted is not None:
        text = (quoted[1] if quoted[1] is not None else quoted[2]).strip()
    return text


def parse_due(phrase: str, *, today: date) -> date:
    """Parse a due phrase such as "fri" or "in 3d" into a date.

    `today` is the date in the owner's time zone. A weekday means the next such day
    after today, with or without "next", so "fri" on a Friday is a week later.
    Raises UserError when the phrase is not one of DUE_FORMS or gives a past date.
    """
    match = _match_due(phrase)
    if match is None:
        raise UserError(
            f"The due date {phrase.strip()!r} is not valid. Write one of "
            f"{_due_forms()}."
        )

    due = _resolve_due(match, phrase, today)
    if due < today:
        tomorrow = today + timedelta(days=1)
        raise UserError(
            f"The due date {phrase.strip()!r} is in the past, because today is "
            f"{today.isoformat()}. Give today or a later date, as in due "
            f"{tomorrow.isoformat()} or due tomorrow."
        )
    return due


def _match_due(phrase: str) -> re.Match[str] | None:
    return _DUE_PHRASE.fullmatch(" ".join(phrase.lower().split()))


def _resolve_due(match: re.Match[str], phrase: str, today: date) -> date:
    if match["iso"] is not None:
        return _read_iso_date(match["iso"], phrase)
    if match["relative_day"] == "today":
        return today
    if match["relative_day"] == "tomorrow":
        return today + timedelta(days=1)
    if match["weekday"] is not None:
        # 1 to 7 days ahead, so the weekday of today itself means a week later.
        days_ahead = (_WEEKDAYS[match["weekday"]] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=days_ahead)

    # int() raises ValueError on more than 4,300 digits. timedelta raises
    # OverflowError past 999,999,999 days, and date past the year 9999.
    try:
        days = int(match["amount"]) * _UNIT_DAYS[match["unit"]]
        return today + timedelta(days=days)
    except (ValueError, OverflowError):
        raise UserError(
            f"The due date {phrase.strip()!r} is too far in the future. Give a "
            "nearer date, as in due in 2w."
        ) from None


def _read_iso_date(text: str, phrase: str) -> date:
    year, month, day = (int(part) for part in text.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError(
            f"The due date {phrase.strip()!r} is not a valid calendar date. Write "
            "the date as YYYY-MM-DD, as in due 2026-12-20."
        ) from None


def _due_forms() -> str:
    return ", ".join(DUE_FORMS[:-1]) + f" or {DUE_FORMS[-1]}"


def default_due(
    priority: str, *, today: date, days: Mapping[str, int] = DEFAULT_DUE_DAYS
) -> date:
    """Return the due date of an item given without one: `days[priority]` after today.

    Raises ValueError when `days` has no entry for `priority`.
    """
    if priority not in days:
        raise ValueError(
            f"There is no default due period for priority {priority!r}. Give one "
            f"for each of {', '.join(PRIORITIES)}."
        )
    return today + timedelta(days=days[priority])
