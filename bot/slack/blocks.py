"""Block Kit builders that keep every message within Slack's limits.

Each builder returns a plain dict ready for `chat.postMessage`. Text that is too long
is cut with a visible note, so Slack never rejects the whole message with
`invalid_blocks`. Identifiers that are too long raise ValueError instead, because a
cut identifier would silently route a click to the wrong handler.

The limits come from slack_sdk 3.48's models (slack_sdk.models.blocks), which
enforce them in `validate_json()`, and from Slack's Block Kit reference where
slack_sdk checks nothing. Lengths are counted in code points, as slack_sdk does.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypeAlias

Block: TypeAlias = dict[str, Any]

# Enforced by slack_sdk's SectionBlock, HeaderBlock, ButtonElement, ContextBlock,
# ActionsBlock, InteractiveElement and Block.
SECTION_TEXT_LIMIT = 3000
SECTION_MAX_FIELDS = 10
HEADER_TEXT_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTION_ID_LIMIT = 255
BLOCK_ID_LIMIT = 255
CONTEXT_MAX_ELEMENTS = 10
ACTIONS_MAX_ELEMENTS = 25

# From Slack's Block Kit reference, unchecked by slack_sdk: a section field is
# limited to 2000 characters, and any text object (so a context element) to 3000.
SECTION_FIELD_LIMIT = 2000
CONTEXT_ELEMENT_LIMIT = 3000

# A message contains at most 50 blocks. Slack truncates a fallback `text` longer than
# 40,000 characters instead of rejecting it (slack_sdk's Message logs an error).
MAX_MESSAGE_BLOCKS = 50
# NOTE: Slack returns msg_blocks_too_long above a total it does not document; reports
# on slackapi/bolt-js put it near 13,000 characters, so this stays below that.
MESSAGE_BLOCKS_TEXT_BUDGET = 12000
NOTE_RESERVE = 200
MESSAGE_TEXT_LIMIT = 40000

BUTTON_STYLES = frozenset({"primary", "danger"})

# Slack's reference requires at least one character in a text object. Blank text
# is replaced as well, because a block that shows nothing looks like a bug.
EMPTY_TEXT = "(empty)"

# Anything between angle brackets. Slack reads it as a mention, link or command.
_ANGLE_TOKEN = re.compile(r"<[^<>]*>")

# The tokens Slack itself sends for mentions of users, channels and user groups.
# "<!here>", "<!channel>", "<!everyone>" and "<!date^…>" are deliberately absent.
_MENTION_TOKEN = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!subteam\^S[A-Z0-9]+)(?:\|[^<>]*)?>"
)

# A link token such as "<https://example.com>" or "<http://example.com|example.com>".
_LINK_TOKEN = re.compile(
    r"<(?P<url>(?:https?://|mailto:)[^\s<>|]+)(?:\|(?P<label>[^<>]*))?>"
)

_ENTITY = re.compile(r"&(?:[a-z]+|#[0-9]+|#x[0-9a-f]+);", re.IGNORECASE)
_MAX_ENTITY_LENGTH = 10

_ZERO_WIDTH_JOINER = "\u200d"


def escape_mrkdwn(text: str) -> str:
    """Escape user text for a mrkdwn text object, keeping mentions and plain links.

    "&", "<" and ">" become "&amp;", "&lt;" and "&gt;", which is all the escaping
    Slack defines. Mention tokens for users, channels and user groups stay clickable,
    so a user group mentioned in the text is notified again when the bot posts it.
    "<!here>", "<!channel>" and "<!everyone>" are escaped, so user text cannot
    notify a whole channel. Link tokens stay when their label is absent or repeats
    the address, which is how Slack sends a pasted link. A link with another label
    is escaped, because it could show one address and open another.

    "*", "_", "~" and "`" are left as typed. Slack has no escape for them, and they
    only change emphasis, so they cannot inject a mention or a link.
    """
    # NOTE: "@here" typed without angle brackets is left as typed. Slack documents
    # broadcasts as the <!here> token. Whether parse=full or link_names turns plain
    # "@here" into one is unverified, so callers should set neither for user text.
    parts = []
    position = 0
    for match in _ANGLE_TOKEN.finditer(text):
        parts.append(_escape_characters(text[position : match.start()]))
        token = match[0]
        if _is_kept_token(token):
            parts.append(token.replace("&", "&amp;"))
        else:
            parts.append(_escape_characters(token))
        position = match.end()
    parts.append(_escape_characters(text[position:]))
    return "".join(parts)


def unescape_slack_text(text: str) -> str:
    """Undo Slack's escaping of "&", "<" and ">", as in slash command text.

    `escape_mrkdwn` reverses this, so text can be stored as the person typed it.
    """
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _escape_characters(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _is_kept_token(token: str) -> bool:
    if _MENTION_TOKEN.fullmatch(token):
        return True
    link = _LINK_TOKEN.fullmatch(token)
    if link is None:
        return False
    label = link["label"]
    url = link["url"]
    bare_url = re.sub(r"^(?:https?://|mailto:)", "", url)
    return label is None or label in (url, bare_url)


def truncate(text: str, limit: int) -> str:
    """Return `text` if it fits in `limit` characters, else cut it with a note.

    The result ends with "… (cut, 1,234 more characters)" and is at most `limit`
    characters long. The cut never splits an entity such as "&amp;", a "<…>" token,
    or a character from the combining marks, emoji modifiers or joiners that follow
    it. When `limit` is too small for the note, the cut text ends with "…" alone.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}.")
    if len(text) <= limit:
        return text

    longest_note = _cut_note(len(text))
    if len(longest_note) < limit:
        prefix = text[: _safe_cut(text, limit - len(longest_note))].rstrip()
        return prefix + _cut_note(len(text) - len(prefix))
    prefix = text[: _safe_cut(text, limit - 1)].rstrip()
    return prefix + "…"


def _cut_note(removed: int) -> str:
    # The note is longer than what it replaces, so `removed` is never 1.
    return f"… (cut, {removed:,} more characters)"


def _safe_cut(text: str, index: int) -> int:
    """Move a cut position back until it splits no entity, token or character.

    Returns `index` unchanged when moving back would leave nothing, so that a
    single token longer than the limit is still cut somewhere.
    """
    position = index
    while True:
        moved = _before_entity(text, position)
        moved = _before_token(text, moved)
        moved = _before_cluster(text, moved)
        if moved == position:
            break
        position = moved
    return position if position > 0 else index


def _before_entity(text: str, index: int) -> int:
    start = text.rfind("&", max(0, index - _MAX_ENTITY_LENGTH), index)
    if start == -1:
        return index
    entity = _ENTITY.match(text, start)
    if entity is not None and entity.end() > index:
        return start
    return index


def _before_token(text: str, index: int) -> int:
    opening = text.rfind("<", 0, index)
    if opening == -1 or ">" in text[opening:index]:
        return index
    closing = text.find(">", index)
    if closing == -1 or "<" in text[index:closing]:
        return index
    return opening


def _before_cluster(text: str, index: int) -> int:
    while 0 < index < len(text) and _continues_cluster(text, index):
        index -= 1
    return index


def _continues_cluster(text: str, index: int) -> bool:
    """Tell whether text[index] continues the visible character before it.

    This approximates Unicode's extended grapheme clusters (UAX 29), which the
    standard library does not implement, for the cases user text contains:
    combining accents, emoji with skin tones, variation selectors or joiners,
    tag sequences and flags made of two regional indicators.
    """
    character = text[index]
    previous = text[index - 1]
    if unicodedata.category(character) in ("Mn", "Mc", "Me"):
        return True
    if _ZERO_WIDTH_JOINER in (character, previous):
        return True
    if previous == "\r" and character == "\n":
        return True
    code = ord(character)
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF:
        return True
    if 0xE0020 <= code <= 0xE007F:
        return True
    return _is_regional_indicator(character) and _odd_indicators_before(text, index)


def _is_regional_indicator(character: str) -> bool:
    return 0x1F1E6 <= ord(character) <= 0x1F1FF


def _odd_indicators_before(text: str, index: int) -> bool:
    count = 0
    while index - count - 1 >= 0 and _is_regional_indicator(text[index - count - 1]):
        count += 1
    return count % 2 == 1


def _text_or_placeholder(text: str) -> str:
    return text if text.strip() else EMPTY_TEXT


def _mrkdwn(text: str, limit: int) -> Block:
    return {"type": "mrkdwn", "text": truncate(_text_or_placeholder(text), limit)}


def _plain_text(text: str, limit: int) -> Block:
    text = truncate(_text_or_placeholder(text), limit)
    return {"type": "plain_text", "text": text, "emoji": True}


def section(markdown: str) -> Block:
    """Build a section block from mrkdwn that the caller has already escaped."""
    return {"type": "section", "text": _mrkdwn(markdown, SECTION_TEXT_LIMIT)}


def header(text: str) -> Block:
    """Build a header block from plain text, which needs no escaping."""
    return {"type": "header", "text": _plain_text(text, HEADER_TEXT_LIMIT)}


def context(*markdown: str) -> Block:
    """Build a context block with one mrkdwn element per argument.

    Arguments beyond the 10 elements Slack allows are replaced by a last element
    that gives the number left out.
    """
    if not markdown:
        raise ValueError("A context block needs at least one element.")

    texts = _fit_count(list(markdown), CONTEXT_MAX_ELEMENTS, "element")
    elements = [_mrkdwn(text, CONTEXT_ELEMENT_LIMIT) for text in texts]
    return {"type": "context", "elements": elements}


def divider() -> Block:
    """Build a divider block."""
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    """Build a button element with a plain-text label.

    An empty `value` is left out of the element. Raises ValueError for an empty or
    too long `action_id`, a `value` over 2000 characters, or a style other than
    "primary" or "danger".
    """
    _check_identifier("action_id", action_id, ACTION_ID_LIMIT)
    if len(value) > BUTTON_VALUE_LIMIT:
        raise ValueError(
            f"A button value must be at most {BUTTON_VALUE_LIMIT} characters, but the "
            f"value for {action_id!r} has {len(value)}. Store the data and pass its id."
        )
    if style is not None and style not in BUTTON_STYLES:
        raise ValueError(f"Button style must be 'primary' or 'danger', not {style!r}.")

    element: Block = {
        "type": "button",
        "text": _plain_text(text, BUTTON_TEXT_LIMIT),
        "action_id": action_id,
    }
    if value:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    """Build an actions block of 1 to 25 interactive elements, such as buttons."""
    if not 1 <= len(elements) <= ACTIONS_MAX_ELEMENTS:
        raise ValueError(
            f"An actions block must contain 1 to {ACTIONS_MAX_ELEMENTS} elements, "
            f"not {len(elements)}."
        )

    block: Block = {"type": "actions", "elements": list(elements)}
    if block_id is not None:
        _check_identifier("block_id", block_id, BLOCK_ID_LIMIT)
        block["block_id"] = block_id
    return block


def fields_section(fields: list[str]) -> Block:
    """Build a section of mrkdwn fields, shown by Slack in two columns.

    Each field is cut to 2000 characters. Fields beyond the 10 Slack allows are
    replaced by a last field that gives the number left out.
    """
    if not fields:
        raise ValueError("A fields section needs at least one field.")

    texts = _fit_count(fields, SECTION_MAX_FIELDS, "field")
    return {
        "type": "section",
        "fields": [_mrkdwn(text, SECTION_FIELD_LIMIT) for text in texts],
    }


def fit_blocks(
    blocks: list[Block],
    limit: int = MAX_MESSAGE_BLOCKS,
    text_budget: int = MESSAGE_BLOCKS_TEXT_BUDGET,
) -> list[Block]:
    """Return at most `limit` blocks holding at most `text_budget` characters of text.

    Slack rejects a message with too many blocks (`invalid_blocks`) and one whose
    blocks hold too much text together (`msg_blocks_too_long`). Blocks past either
    limit are left out, and a closing note gives their number.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}.")
    sizes = [block_text_size(block) for block in blocks]
    if len(blocks) <= limit and sum(sizes) <= text_budget:
        return list(blocks)

    kept: list[Block] = []
    used = 0
    for block, size in zip(blocks, sizes, strict=True):
        if len(kept) == limit - 1 or used + size > text_budget - NOTE_RESERVE:
            break
        kept.append(block)
        used += size
    left_out = len(blocks) - len(kept)
    note = f"… and {left_out:,} more blocks, left out to fit Slack's message limits."
    return [*kept, context(note)]


def block_text_size(block: Block) -> int:
    """Count the characters of every text string inside a block."""
    total = 0
    for key, value in block.items():
        if isinstance(value, dict):
            total += block_text_size(value)
        elif isinstance(value, list):
            total += sum(block_text_size(v) for v in value if isinstance(v, dict))
        elif key == "text" and isinstance(value, str):
            total += len(value)
    return total


def _fit_count(texts: list[str], limit: int, noun: str) -> list[str]:
    if len(texts) <= limit:
        return texts
    left_out = len(texts) - (limit - 1)
    note = f"… and {left_out:,} more {noun}s, left out to fit the limit of {limit}."
    return [*texts[: limit - 1], note]


def _check_identifier(name: str, identifier: str, limit: int) -> None:
    if not 1 <= len(identifier) <= limit:
        raise ValueError(
            f"{name} must have 1 to {limit} characters, but {identifier[:40]!r} "
            f"has {len(identifier)}."
        )


def paragraphs(markdown: str, limit: int = SECTION_TEXT_LIMIT) -> list[Block]:
    """Split mrkdwn into as many section blocks as it needs, losing nothing.

    Lines are packed into sections of at most `limit` characters and split at line
    breaks. A line longer than `limit` is split inside, at a place `truncate` would
    also choose. Blank text gives an empty list.
    """
    # NOTE: a code block (```) or emphasis that spans a split is closed by the
    # section boundary, so its second part renders as plain text.
    if not 1 <= limit <= SECTION_TEXT_LIMIT:
        raise ValueError(f"limit must be 1 to {SECTION_TEXT_LIMIT}, not {limit}.")

    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in markdown.split("\n"):
        pieces = _split_line(line, limit)
        if len(pieces) > 1 or (current and size + 1 + len(line) > limit):
            chunks.append("\n".join(current))
            current, size = [], 0
        chunks.extend(pieces[:-1])
        size += len(pieces[-1]) + (1 if current else 0)
        current.append(pieces[-1])
    chunks.append("\n".join(current))

    return [section(chunk.strip("\n")) for chunk in chunks if chunk.strip()]


def _split_line(line: str, limit: int) -> list[str]:
    pieces = []
    while len(line) > limit:
        cut = _safe_cut(line, limit)
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces
