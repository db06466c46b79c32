import re
import unicodedata

import pytest
from slack_sdk.models.blocks import Block as SlackBlock

from bot.slack.blocks import (
    BUTTON_TEXT_LIMIT,
    CONTEXT_ELEMENT_LIMIT,
    EMPTY_TEXT,
    HEADER_TEXT_LIMIT,
    MAX_MESSAGE_BLOCKS,
    MESSAGE_BLOCKS_TEXT_BUDGET,
    SECTION_FIELD_LIMIT,
    SECTION_TEXT_LIMIT,
    actions,
    block_text_size,
    button,
    context,
    divider,
    escape_mrkdwn,
    fields_section,
    fit_blocks,
    header,
    paragraphs,
    section,
    truncate,
    unescape_slack_text,
)

MENTIONS = "<@U123ABC> <@U123ABC|ana> <#C123ABC> <#C123ABC|ops> <!subteam^S123|@sre>"
HARD_TEXTS = {
    "markup": "a & b < c > d *bold* _it_ ~strike~ `code` &amp; &lt;x&gt; ",
    "emoji": "🔥 db down 👍🏽 👨‍👩‍👧 🇩🇪🇫🇷 ❤️ ",
    "combining": "e\u0301te\u0301 n\u0303 a\u0308\u0304 ",
    "right-to-left": "שלום עולם مرحبا بالعالم ",
    "mentions": MENTIONS + " ",
    "broadcasts": "<!here> <!channel> <!everyone> <!here|here> ",
}
HARD_IDS = list(HARD_TEXTS)


def assert_valid_block(block):
    """Check a block the way slack_sdk does before it is sent."""
    parsed = SlackBlock.parse(block)

    assert parsed is not None, block
    assert parsed.type == block["type"]
    parsed.validate_json()


def assert_valid_text(text_object, limit):
    assert text_object["type"] in ("mrkdwn", "plain_text")
    assert text_object["text"].strip()
    assert len(text_object["text"]) <= limit


def long_text(kind, length):
    text = HARD_TEXTS[kind] * (length // len(HARD_TEXTS[kind]) + 1)
    return text[:length]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a & b", "a &amp; b", id="ampersand"),
        pytest.param("1 < 2 > 0", "1 &lt; 2 &gt; 0", id="angle-brackets"),
        pytest.param("&amp;", "&amp;amp;", id="typed-entity"),
        pytest.param("<@U123ABC>", "<@U123ABC>", id="user"),
        pytest.param("<@U123ABC|ana>", "<@U123ABC|ana>", id="user-label"),
        pytest.param("<@W123ABC>", "<@W123ABC>", id="enterprise-user"),
        pytest.param("<#C123ABC>", "<#C123ABC>", id="channel"),
        pytest.param("<#C123ABC|ops>", "<#C123ABC|ops>", id="channel-label"),
        pytest.param("<!subteam^S123|@sre>", "<!subteam^S123|@sre>", id="user-group"),
        pytest.param("<@U1|a&b>", "<@U1|a&amp;b>", id="label-ampersand"),
        pytest.param("<!here>", "&lt;!here&gt;", id="here"),
        pytest.param("<!channel>", "&lt;!channel&gt;", id="channel-broadcast"),
        pytest.param("<!everyone>", "&lt;!everyone&gt;", id="everyone"),
        pytest.param("<!here|here>", "&lt;!here|here&gt;", id="here-label"),
        pytest.param(
            "<!date^1392734382^{date}|x>",
            "&lt;!date^1392734382^{date}|x&gt;",
            id="date",
        ),
        pytest.param("<@u123>", "&lt;@u123&gt;", id="lowercase-id"),
        pytest.param("<https://example.com>", "<https://example.com>", id="link"),
        pytest.param(
            "<http://example.com|example.com>",
            "<http://example.com|example.com>",
            id="link-bare-label",
        ),
        pytest.param(
            "<mailto:a@example.com|a@example.com>",
            "<mailto:a@example.com|a@example.com>",
            id="mailto",
        ),
        pytest.param(
            "<https://x.example/?a=1&b=2>",
            "<https://x.example/?a=1&amp;b=2>",
            id="link-query",
        ),
        pytest.param(
            "<https://evil.example|https://good.example>",
            "&lt;https://evil.example|https://good.example&gt;",
            id="disguised-link",
        ),
        pytest.param(
            "<javascript:alert(1)>", "&lt;javascript:alert(1)&gt;", id="script-link"
        ),
        pytest.param("<<@U1>>", "&lt;<@U1>&gt;", id="nested-brackets"),
        pytest.param("*b* _i_ ~s~ `c`", "*b* _i_ ~s~ `c`", id="emphasis-kept"),
    ],
)
def test_escape_mrkdwn(text, expected):
    assert escape_mrkdwn(text) == expected


@pytest.mark.parametrize("kind", HARD_IDS)
def test_escape_changes_only_three_characters(kind):
    text = HARD_TEXTS[kind] * 3

    escaped = escape_mrkdwn(text)

    assert unescape_slack_text(escaped) == text
    for entity in re.findall(r"&[a-z]+;", escaped):
        assert entity in ("&amp;", "&lt;", "&gt;")


@pytest.mark.parametrize("kind", ["emoji", "combining", "right-to-left"])
def test_escape_leaves_text_without_markup_alone(kind):
    assert escape_mrkdwn(HARD_TEXTS[kind]) == HARD_TEXTS[kind]


def test_escape_neutralises_broadcasts():
    escaped = escape_mrkdwn(HARD_TEXTS["broadcasts"])

    assert "<!" not in escaped
    assert escaped.count("&lt;!") == 4


def test_truncate_returns_fitting_text_unchanged():
    assert truncate("x" * 75, 75) == "x" * 75


def test_truncate_adds_note_with_count():
    result = truncate("x" * 2000, 100)

    assert len(result) <= 100
    assert result.endswith("… (cut, 1,930 more characters)")
    assert result == "x" * 70 + "… (cut, 1,930 more characters)"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param("abcdef", 3, "ab…", id="short-limit"),
        pytest.param("abcdef", 1, "…", id="limit-one"),
        pytest.param("ab   cdef", 6, "ab…", id="trailing-space-dropped"),
    ],
)
def test_truncate_small_limit_uses_ellipsis(text, limit, expected):
    assert truncate(text, limit) == expected


def test_truncate_rejects_zero_limit():
    with pytest.raises(ValueError, match="limit"):
        truncate("abc", 0)


def text_before_note(result):
    return re.sub(r"… \(cut, [0-9,]+ more characters\)$", "", result)


@pytest.mark.parametrize("limit", range(40, 80))
def test_truncate_keeps_entities_whole(limit):
    text = "ab&amp;c&lt;&gt;" * 20

    head = text_before_note(truncate(text, limit))

    assert text.startswith(head)
    assert re.fullmatch(r"(?:[abc]|&amp;|&lt;|&gt;)*", head), head


@pytest.mark.parametrize("limit", range(40, 80))
def test_truncate_keeps_tokens_whole(limit):
    text = "see <@U123ABC|ana> and <https://example.com/a> " * 10

    head = text_before_note(truncate(text, limit))

    assert head.count("<") == head.count(">")


@pytest.mark.parametrize(
    "unit",
    [
        pytest.param("e\u0301", id="combining-acute"),
        pytest.param("a\u0308\u0304", id="two-marks"),
        pytest.param("👍🏽", id="skin-tone"),
        pytest.param("👨‍👩‍👧", id="zwj-family"),
        pytest.param("❤️", id="variation-selector"),
        pytest.param("🇩🇪", id="flag"),
        pytest.param("🏴󠁧󠁢󠁳󠁣󠁴󠁿", id="tag-sequence"),
    ],
)
def test_truncate_keeps_characters_whole(unit):
    text = unit * 100

    for limit in range(35, 60):
        head = text_before_note(truncate(text, limit))
        assert head == unit * (len(head) // len(unit)), (limit, head)


def test_truncate_keeps_regional_indicators_paired():
    text = "x" + "🇩🇪🇫🇷" * 50

    for limit in range(35, 60):
        head = text_before_note(truncate(text, limit))
        assert (len(head) - 1) % 2 == 0


@pytest.mark.parametrize("length", [4000, 10000], ids=["4k", "10k"])
@pytest.mark.parametrize("kind", HARD_IDS)
def test_section_long_text_is_valid(kind, length):
    block = section(escape_mrkdwn(long_text(kind, length)))

    assert_valid_block(block)
    assert_valid_text(block["text"], SECTION_TEXT_LIMIT)
    assert "(cut, " in block["text"]["text"]


@pytest.mark.parametrize("length", [4000, 10000], ids=["4k", "10k"])
@pytest.mark.parametrize("kind", HARD_IDS)
def test_header_long_text_is_valid(kind, length):
    block = header(long_text(kind, length))

    assert_valid_block(block)
    assert_valid_text(block["text"], HEADER_TEXT_LIMIT)
    assert block["text"]["type"] == "plain_text"


@pytest.mark.parametrize("length", [4000, 10000], ids=["4k", "10k"])
@pytest.mark.parametrize("kind", HARD_IDS)
def test_context_long_text_is_valid(kind, length):
    block = context(escape_mrkdwn(long_text(kind, length)), "second")

    assert_valid_block(block)
    assert len(block["elements"]) == 2
    for element in block["elements"]:
        assert_valid_text(element, CONTEXT_ELEMENT_LIMIT)


@pytest.mark.parametrize("length", [4000, 10000], ids=["4k", "10k"])
@pytest.mark.parametrize("kind", HARD_IDS)
def test_button_long_text_is_valid(kind, length):
    element = button(long_text(kind, length), "incident_ack", "42", style="primary")
    block = actions(element, block_id="incident-42")

    assert_valid_block(block)
    assert_valid_text(element["text"], BUTTON_TEXT_LIMIT)
    assert element["value"] == "42"
    assert block["block_id"] == "incident-42"


@pytest.mark.parametrize("length", [4000, 10000], ids=["4k", "10k"])
@pytest.mark.parametrize("kind", HARD_IDS)
def test_fields_long_text_is_valid(kind, length):
    text = escape_mrkdwn(long_text(kind, length))
    block = fields_section([text, "*Severity*\nSEV1"])

    assert_valid_block(block)
    for field in block["fields"]:
        assert_valid_text(field, SECTION_FIELD_LIMIT)


@pytest.mark.parametrize("kind", HARD_IDS)
def test_section_keeps_escaped_text(kind):
    text = escape_mrkdwn(HARD_TEXTS[kind])

    block = section(text)

    assert block["text"] == {"type": "mrkdwn", "text": text}
    assert_valid_block(block)


def test_divider_is_valid():
    assert divider() == {"type": "divider"}
    assert_valid_block(divider())


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: section(""), id="section"),
        pytest.param(lambda: header("   "), id="header"),
        pytest.param(lambda: context("\n"), id="context"),
        pytest.param(lambda: fields_section([""]), id="fields"),
    ],
)
def test_blank_text_becomes_placeholder(build):
    block = build()

    assert_valid_block(block)
    assert EMPTY_TEXT in str(block)


def test_button_without_value_or_style():
    element = button("Acknowledge", "incident_ack", "")

    assert "value" not in element
    assert "style" not in element
    assert_valid_block(actions(element))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(("Go", "", "1"), "action_id must have 1 to 255", id="empty-id"),
        pytest.param(("Go", "a" * 256, "1"), "action_id must have", id="long-id"),
        pytest.param(("Go", "go", "v" * 2001), "at most 2000", id="long-value"),
        pytest.param(("Go", "go", "1", "warning"), "'primary' or 'danger'", id="style"),
    ],
)
def test_button_rejects_invalid_arguments(arguments, message):
    with pytest.raises(ValueError, match=message):
        button(*arguments)


def test_actions_rejects_element_counts():
    element = button("Go", "go", "1")

    with pytest.raises(ValueError, match="1 to 25"):
        actions()
    with pytest.raises(ValueError, match="1 to 25"):
        actions(*[element] * 26)


def test_actions_rejects_long_block_id():
    with pytest.raises(ValueError, match="block_id"):
        actions(button("Go", "go", "1"), block_id="b" * 256)


def test_actions_accepts_25_elements():
    elements = [button(f"Option {i}", f"option_{i}", str(i)) for i in range(25)]

    assert_valid_block(actions(*elements))


def test_context_too_many_elements_notes_rest():
    block = context(*[f"item {i}" for i in range(14)])

    assert_valid_block(block)
    assert len(block["elements"]) == 10
    assert block["elements"][8]["text"] == "item 8"
    assert block["elements"][9]["text"].startswith("… and 5 more elements")


def test_context_rejects_no_elements():
    with pytest.raises(ValueError, match="at least one"):
        context()


def test_fields_too_many_notes_rest():
    block = fields_section([f"field {i}" for i in range(12)])

    assert_valid_block(block)
    assert len(block["fields"]) == 10
    assert block["fields"][9]["text"].startswith("… and 3 more fields")


def test_fields_rejects_empty_list():
    with pytest.raises(ValueError, match="at least one field"):
        fields_section([])


def test_fit_blocks_keeps_short_list():
    blocks = [divider()] * MAX_MESSAGE_BLOCKS

    assert fit_blocks(blocks) == blocks


def test_fit_blocks_notes_left_out_blocks():
    blocks = [section(f"entry {i}") for i in range(60)]

    fitted = fit_blocks(blocks)

    assert len(fitted) == MAX_MESSAGE_BLOCKS
    assert fitted[:49] == blocks[:49]
    assert fitted[-1]["type"] == "context"
    assert "11 more blocks" in fitted[-1]["elements"][0]["text"]
    for block in fitted:
        assert_valid_block(block)


def test_fit_blocks_custom_limit():
    fitted = fit_blocks([divider()] * 5, limit=3)

    assert len(fitted) == 3
    assert "3 more blocks" in fitted[-1]["elements"][0]["text"]


def test_fit_blocks_rejects_zero_limit():
    with pytest.raises(ValueError, match="limit"):
        fit_blocks([divider()], limit=0)


def section_texts(blocks):
    return [block["text"]["text"] for block in blocks]


@pytest.mark.parametrize("length", [4000, 10000], ids=["4k", "10k"])
@pytest.mark.parametrize("kind", HARD_IDS)
def test_paragraphs_split_long_line_losslessly(kind, length):
    text = escape_mrkdwn(long_text(kind, length)).strip()

    blocks = paragraphs(text)

    assert "".join(section_texts(blocks)) == text
    assert len(blocks) >= 2
    for block in blocks:
        assert_valid_block(block)
        assert_valid_text(block["text"], SECTION_TEXT_LIMIT)


def test_paragraphs_split_at_line_breaks():
    lines = [f"{i:04d} " + "x" * 95 for i in range(100)]
    text = "\n".join(lines)

    blocks = paragraphs(text)

    assert "\n".join(section_texts(blocks)) == text
    for chunk in section_texts(blocks):
        assert len(chunk) <= SECTION_TEXT_LIMIT
        assert chunk.startswith(tuple(f"{i:04d} " for i in range(100)))


def test_paragraphs_pack_lines_up_to_limit():
    blocks = paragraphs("aaaa\nbbbb\ncccc\ndddd", limit=9)

    assert section_texts(blocks) == ["aaaa\nbbbb", "cccc\ndddd"]


def test_paragraphs_start_new_section_when_line_break_overflows():
    blocks = paragraphs("aaaa\nbbbbb\ncc", limit=9)

    assert section_texts(blocks) == ["aaaa", "bbbbb\ncc"]


def test_paragraphs_hard_cut_line_starts_own_section():
    blocks = paragraphs("ab\n" + "x" * 25 + "\ncd", limit=10)

    assert section_texts(blocks) == ["ab", "x" * 10, "x" * 10, "xxxxx\ncd"]


def test_paragraphs_do_not_split_entities():
    text = "&amp;" * 30

    blocks = paragraphs(text, limit=12)

    for chunk in section_texts(blocks):
        assert re.fullmatch(r"(?:&amp;)+", chunk), chunk


def test_paragraphs_do_not_split_combining_marks():
    text = "e\u0301" * 30

    for chunk in section_texts(paragraphs(text, limit=7)):
        assert not unicodedata.combining(chunk[0])


def test_paragraphs_of_blank_text_are_empty():
    assert paragraphs("") == []
    assert paragraphs("\n \n") == []


def test_paragraphs_reject_limit_above_section_limit():
    with pytest.raises(ValueError, match="limit"):
        paragraphs("x", limit=SECTION_TEXT_LIMIT + 1)


def test_fit_blocks_keeps_total_text_under_budget():
    blocks = [section("x" * 3000) for _ in range(10)]

    fitted = fit_blocks(blocks)

    total = sum(block_text_size(block) for block in fitted)
    assert total <= MESSAGE_BLOCKS_TEXT_BUDGET
    assert len(fitted) == 4
    assert "7 more blocks" in fitted[-1]["elements"][0]["text"]


def test_fit_blocks_leaves_small_messages_alone():
    blocks = [section("short") for _ in range(5)]

    assert fit_blocks(blocks) == blocks
