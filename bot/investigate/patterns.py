"""Turn an error message as a responder saw it into `git grep` patterns.

A logged message differs from the source that produced it: values were filled into
placeholders (`%s`, `{}`, `{name}`, `${name}`), quotes and string concatenation
disappear, and numbers change from one occurrence to the next. The tolerant pattern
keeps only the fixed words, in order, and lets anything stand between the fragments
that the message and the source may fill differently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The fewest letters and digits a tolerant pattern must keep, because a pattern of
# one short word matches most lines of a repository.
MIN_FIXED_CHARACTERS = 4
# The last resort matches this many consecutive words with at least this many
# letters and digits together, so "is not a" alone does not match.
RUN_LENGTH = 3
MIN_RUN_CHARACTERS = 8
# Characters that mean something in a POSIX extended regular expression.
ERE_SPECIAL = set(".[]()*+?{}|^$\\")
# Placeholders of printf, Python str.format and f-strings, shell and JavaScript
# templates, Ruby interpolation, SLF4J `{}`, and values filled into a message:
# quoted text, URLs, e-mail addresses, UUIDs, and numbers with a unit (30s, 80%).
GAP = re.compile(
    r"""
    %(?:\([A-Za-z_]\w*\))?[-+\#0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?
        [hlLqjzt]*[diouxXeEfFgGcrsaqvTtpw%](?![A-Za-z])
    | \$\{[^}]*\}
    | \#\{[^}]*\}
    | \{[^{}]*\}
    | (?<!\w)"[^"]*"(?!\w)
    | (?<!\w)'[^']*'(?!\w)
    | (?<!\w)`[^`]*`(?!\w)
    | \b[A-Za-z][\w+.-]*://\S*
    | \b[\w.+-]+@[\w-]+(?:\.[\w-]+)+
    | \b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b
    | \b0x[0-9a-fA-F]+\b
    | [-+]?\b\d+(?:[.,:]\d+)*(?:[A-Za-z]{1,3}\b|%|\b)
    | ["'`]
    """,
    re.VERBOSE,
)
WORD_BREAK = re.compile(r"[\s\"'`+]+")
# "ValueError: invalid literal", "java.lang.IllegalStateException: pool closed",
# "panic: runtime error": an exception name, a colon, then the message.
NAMED_MESSAGE = re.compile(r"^(?P<name>[A-Za-z_$][\w$.]*)\s*:\s+(?P<message>\S.*)$")


@dataclass(frozen=True)
class SearchPattern:
    """One `git grep` pattern: a fixed string, or an extended regular expression."""

    expression: str
    fixed: bool
    description: str  # shown with the results, e.g. "exact text"


def search_patterns(text: str) -> tuple[SearchPattern, ...]:
    """Return the patterns to try for `text`, in order, until one finds a line.

    The exact text comes first, then the tolerant pattern. For a message of the form
    `Name: message`, the same two for the message alone follow. Then come runs of
    consecutive words and, last, the bare exception name.
    """
    text = " ".join(text.split())
    candidates = [text]
    named = NAMED_MESSAGE.match(text)
    if named:
        candidates.append(named["message"])
    patterns: list[SearchPattern] = []
    for candidate in candidates:
        patterns.append(SearchPattern(candidate, True, f'exact text "{candidate}"'))
        tolerant = tolerant_pattern(candidate)
        if tolerant is not None:
            description = f'the fixed words of "{candidate}"'
            patterns.append(SearchPattern(tolerant, False, description))
    runs = word_runs_pattern(candidates[-1])
    if runs is not None:
        description = f'{RUN_LENGTH} consecutive words of "{candidates[-1]}"'
        patterns.append(SearchPattern(runs, False, description))
    if named:
        name = named["name"].rsplit(".", 1)[-1]
        patterns.append(SearchPattern(name, True, f'the name "{name}"'))
    return tuple(_unique(patterns))


def tolerant_pattern(text: str) -> str | None:
    """Build an extended regular expression from the fixed words of `text`.

    Returns None when fewer than MIN_FIXED_CHARACTERS letters and digits remain,
    because such a pattern would match nearly everything.
    """
    fragments = [fragment.strip() for fragment in GAP.split(text)]
    fragments = [fragment for fragment in fragments if _fixed_length(fragment)]
    if sum(_fixed_length(fragment) for fragment in fragments) < MIN_FIXED_CHARACTERS:
        return None
    return ".*".join(_fragment_pattern(fragment) for fragment in fragments)


def word_runs_pattern(text: str) -> str | None:
    """Match any RUN_LENGTH consecutive fixed words of `text`.

    This finds a message whose value sits where the source has a placeholder that
    the message does not show, such as `Item ${name} has no SKU` for "Item Blue Mug
    has no SKU". Returns None for text of fewer words.
    """
    runs = []
    for fragment in GAP.split(text):
        words = [word for word in WORD_BREAK.split(fragment) if _fixed_length(word)]
        for start in range(len(words) - RUN_LENGTH + 1):
            run = words[start : start + RUN_LENGTH]
            if sum(_fixed_length(word) for word in run) >= MIN_RUN_CHARACTERS:
                runs.append("[[:space:]\"'`+]+".join(_escape(word) for word in run))
    return "|".join(f"({run})" for run in dict.fromkeys(runs)) or None


def _fragment_pattern(fragment: str) -> str:
    """Match the words of `fragment`, allowing quotes, `+` and spaces between them."""
    words = [word for word in WORD_BREAK.split(fragment) if word]
    return "[[:space:]\"'`+]+".join(_escape(word) for word in words)


def _escape(word: str) -> str:
    return "".join("\\" + c if c in ERE_SPECIAL else c for c in word)


def _fixed_length(fragment: str) -> int:
    return sum(1 for character in fragment if character.isalnum())


def _unique(patterns: list[SearchPattern]) -> list[SearchPattern]:
    seen: set[tuple[str, bool]] = set()
    unique = []
    for pattern in patterns:
        key = (pattern.expression, pattern.fixed)
        if key not in seen:
            seen.add(key)
            unique.append(pattern)
    return unique
