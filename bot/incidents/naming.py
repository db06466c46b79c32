"""Names derived from an incident: title slugs, Slack channel names and references.

Slack accepts channel names of at most 80 characters made of lowercase letters, digits,
hyphens and underscores. `channel_name` returns only such names, so a channel can be
created without a round trip to find out what Slack rejects.
"""

# The transliteration tables below contain Cyrillic and Greek letters that look like
# Latin ones on purpose, so ruff's confusable-character checks are off in this file.
# ruff: noqa: RUF001, RUF003

from __future__ import annotations

import re
import string
import unicodedata
from datetime import date

CHANNEL_NAME_LIMIT = 80

# Letters that NFKD leaves alone because they are not a base letter plus an accent.
_LATIN_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ŀ": "l",
    "ŋ": "ng",
    "ĸ": "k",
    "ſ": "s",
}

# A simplified ELOT 743 transliteration. The digraph rules (αυ → av) are left out
# because a slug only needs to be readable, not reversible.
_GREEK_LETTERS = {
    "α": "a",
    "β": "v",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "ζ": "z",
    "η": "i",
    "θ": "th",
    "ι": "i",
    "κ": "k",
    "λ": "l",
    "μ": "m",
    "ν": "n",
    "ξ": "x",
    "ο": "o",
    "π": "p",
    "ρ": "r",
    "σ": "s",
    "ς": "s",
    "τ": "t",
    "υ": "y",
    "φ": "f",
    "χ": "ch",
    "ψ": "ps",
    "ω": "o",
}

# Russian letters as in the common passport-style romanisation (щ → shch, х → kh).
# Lookups happen before NFKD, which would turn й into и and ё into е.
_RUSSIAN_LETTERS = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}

# Ukrainian reads г and и differently from Russian. The position-dependent forms of
# the official 2010 table (є → ie inside a word) are simplified to the initial ones.
_UKRAINIAN_LETTERS = {
    **_RUSSIAN_LETTERS,
    "г": "h",
    "ґ": "g",
    "и": "y",
    "і": "i",
    "ї": "yi",
    "є": "ye",
}

# A title containing one of these letters is read as Ukrainian, otherwise as Russian.
_UKRAINIAN_ONLY = frozenset("ґіїє")

# Apostrophes vanish instead of splitting a word: "don't" becomes "dont".
_APOSTROPHES = frozenset("'’ʼ‘`")

_SLUG_WORD = re.compile(r"[a-z0-9]+")
_CHANNEL_FORBIDDEN = re.compile(r"[^a-z0-9_-]")
_REPEATED_HYPHENS = re.compile(r"-{2,}")
_INCIDENT_REFERENCE = re.compile(r"(?:inc-?|#)?([0-9]+)", re.IGNORECASE)


def slugify(title: str, max_length: int = 80) -> str:
    """Turn a title into lowercase ASCII words joined by hyphens.

    Accents are removed, and Cyrillic and Greek are transliterated. Letters of other
    scripts (CJK, Arabic, Hebrew, Thai), emoji and punctuation separate words and are
    dropped, so the result can be "". A slug longer than `max_length` is cut at the
    last hyphen that fits, or inside its first word if that word alone is too long.
    """
    if max_length < 1:
        raise ValueError(f"max_length must be at least 1, not {max_length}.")

    text = title.lower()
    cyrillic = _UKRAINIAN_LETTERS if _UKRAINIAN_ONLY & set(text) else _RUSSIAN_LETTERS
    table = {**_LATIN_LETTERS, **_GREEK_LETTERS, **cyrillic}
    ascii_text = "".join(_to_ascii(character, table) for character in text)

    slug = "-".join(_SLUG_WORD.findall(ascii_text))
    return _cut_at_hyphen(slug, max_length)


def _to_ascii(character: str, table: dict[str, str]) -> str:
    if character in table:
        return table[character]
    if character in _APOSTROPHES:
        return ""
    if character.isascii():
        return character

    # NFKD splits "é" into "e" and a combining accent and "ﬁ" into "fi". A letter
    # with no ASCII form becomes a space, which separates words.
    parts = []
    for part in unicodedata.normalize("NFKD", character):
        if unicodedata.combining(part):
            continue
        part = part.lower()
        if part in table:
            parts.append(table[part])
        elif part.isascii():
            parts.append(part)
        else:
            parts.append(" ")
    return "".join(parts)


def _cut_at_hyphen(slug: str, max_length: int) -> str:
    if len(slug) <= max_length:
        return slug
    if max_length <= 0:
        return ""

    cut = slug[:max_length]
    if slug[max_length] == "-":
        return cut
    boundary = cut.rfind("-")
    if boundary > 0:
        return cut[:boundary]
    return cut


def channel_name(
    pattern: str, *, title: str, number: int, day: date, attempt: int = 1
) -> str:
    """Fill a channel name pattern such as "inc-{date}-{slug}" for one incident.

    The placeholders are {date} (YYYYMMDD), {slug} (the slug of the title, or
    "incident-<number>" when the title has no usable letters) and {number}. Attempt 1
    gives the plain name, and attempt n >= 2 appends "-n" for when the name is taken.
    Characters Slack forbids become hyphens. When the name is longer than 80
    characters, the slug is shortened so that the date, number and suffix stay whole.

    Raises ValueError when the pattern has an unknown placeholder or leaves no room
    for a valid name.
    """
    if attempt < 1:
        raise ValueError(f"attempt must be at least 1, not {attempt}.")

    slug = slugify(title) or f"incident-{number}"
    suffix = "" if attempt == 1 else f"-{attempt}"
    values: dict[str, object] = {"date": day.strftime("%Y%m%d"), "number": number}
    while True:
        values["slug"] = slug
        name = _clean_channel_name(_fill_pattern(pattern, values))
        if name and len(name) + len(suffix) <= CHANNEL_NAME_LIMIT:
            return name + suffix
        if not name or not slug:
            raise ValueError(
                f"The channel name pattern {pattern!r} gives {name!r}, which is empty "
                f"or longer than {CHANNEL_NAME_LIMIT} characters even without the "
                "title. Use a shorter pattern."
            )

        # Cleaning can merge hyphens, so cut by the overflow and check again.
        overflow = len(name) + len(suffix) - CHANNEL_NAME_LIMIT
        slug = _cut_at_hyphen(slug, len(slug) - overflow)


def _fill_pattern(pattern: str, values: dict[str, object]) -> str:
    formatter = string.Formatter()
    parts = []
    try:
        parsed = list(formatter.parse(pattern))
    except ValueError as error:
        raise ValueError(
            f"The channel name pattern {pattern!r} is invalid ({error}). Write "
            "placeholders as {date}, {slug} or {number}, and a literal brace as {{."
        ) from error

    for literal, field, spec, conversion in parsed:
        parts.append(literal)
        if field is None:
            continue
        if field not in values:
            raise ValueError(
                f"The channel name pattern {pattern!r} contains the unknown "
                f"placeholder {{{field}}}. Use {{date}}, {{slug}} or {{number}}."
            )
        value = formatter.convert_field(values[field], conversion)
        parts.append(formatter.format_field(value, spec or ""))
    return "".join(parts)


def _clean_channel_name(name: str) -> str:
    name = _CHANNEL_FORBIDDEN.sub("-", name.lower())
    name = _REPEATED_HYPHENS.sub("-", name)
    return name.strip("-")


def incident_reference(number: int) -> str:
    """Return the reference people type for an incident, such as "INC-42"."""
    if number < 1:
        raise ValueError(f"Incident numbers start at 1, not {number}.")
    return f"INC-{number}"


def parse_incident_reference(text: str) -> int | None:
    """Return the incident number in "INC-42", "inc-42", "INC42", "#42" or "42".

    Surrounding whitespace is ignored. Returns None for anything else, including 0.
    """
    match = _INCIDENT_REFERENCE.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match.group(1))
    return number if number >= 1 else None
