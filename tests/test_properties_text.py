"""Property tests of text Slack sees: channel names and mrkdwn escaping."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.incidents.naming import CHANNEL_NAME_LIMIT, channel_name, slugify
from bot.slack.blocks import escape_mrkdwn, unescape_slack_text

FAST = settings(max_examples=150, deadline=None)

# Slack channel names: lowercase letters, digits, hyphens and underscores, at most
# 80 characters; conversations.create rejects others with invalid_name_specials
# or invalid_name_maxlength.
VALID_NAME = re.compile(r"[a-z0-9_-]{1,80}")
PATTERNS = [
    "inc-{date}-{slug}",
    "inc-{number}-{slug}",
    "{slug}",
    "INC_{number}",
    "Incident {date} {slug} #{number}",
    "{date}-{slug}-{slug}",
]
# Pieces that reach the escaping branches: broadcasts, mentions, links and entities.
MRKDWN_PIECES = [
    "<!here>",
    "<!channel>",
    "<!everyone>",
    "<!subteam^S0ONCALL1>",
    "<!date^1700000000^{date}|x>",
    "<@U0JANE0001>",
    "<@U0JANE0001|jane>",
    "<#C0GENERAL1|general>",
    "<https://example.com>",
    "<https://example.com|https://example.com>",
    "<https://evil.example|https://bank.example>",
    "<mailto:a@example.com>",
    "<javascript:alert(1)>",
    "&",
    "&amp;",
    "&lt;",
    "&#62;",
    "<",
    ">",
    "|",
    "*bold*",
    "`code`",
    " ",
    "é",
]

titles = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(["Ünïcödé", "straße", "—", "💥", "ǅ", "İ", "ß", " ", "-", "_"]),
        max_size=40,
    ).map("".join),
)
mrkdwn_text = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(MRKDWN_PIECES), max_size=10).map("".join),
    st.lists(
        st.one_of(st.sampled_from(MRKDWN_PIECES), st.text(max_size=5)), max_size=8
    ).map("".join),
)
# A kept token as escape_mrkdwn leaves it: a mention, or a link without a
# misleading label.
KEPT_TOKEN = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|!subteam\^S[A-Z0-9]+)(?:\|[^<>]*)?>"
    r"|<(?:https?://|mailto:)[^\s<>|]+(?:\|[^<>]*)?>"
)


@FAST
@given(
    st.sampled_from(PATTERNS),
    titles,
    st.integers(min_value=1, max_value=10**9),
    st.dates(min_value=date(1970, 1, 1), max_value=date(9999, 12, 31)),
    st.integers(min_value=1, max_value=20),
)
def test_channel_name_valid_for_slack(pattern, title, number, day, attempt):
    name = channel_name(pattern, title=title, number=number, day=day, attempt=attempt)

    assert VALID_NAME.fullmatch(name), name
    assert len(name) <= CHANNEL_NAME_LIMIT
    assert not name.startswith("-")
    assert "--" not in name


@FAST
@given(
    st.sampled_from(PATTERNS),
    titles,
    st.integers(min_value=1, max_value=10**9),
    st.dates(),
)
def test_channel_name_attempts_distinct(pattern, title, number, day):
    names = [
        channel_name(pattern, title=title, number=number, day=day, attempt=attempt)
        for attempt in range(1, 21)
    ]

    assert len(set(names)) == len(names)


@FAST
@given(titles, st.integers(min_value=1, max_value=80))
def test_slug_fits_and_is_clean(title, max_length):
    slug = slugify(title, max_length)

    assert len(slug) <= max_length
    assert re.fullmatch(r"[a-z0-9_-]*", slug), slug
    assert not slug.startswith("-")
    assert not slug.endswith("-")


@FAST
@given(mrkdwn_text)
def test_escape_round_trips(text):
    assert unescape_slack_text(escape_mrkdwn(text)) == text


@FAST
@given(mrkdwn_text)
def test_escape_leaves_no_broadcast(text):
    escaped = escape_mrkdwn(text)

    assert "<!here" not in escaped
    assert "<!channel" not in escaped
    assert "<!everyone" not in escaped
    assert "<!date" not in escaped


@FAST
@given(mrkdwn_text)
def test_escape_keeps_only_safe_tokens(text):
    escaped = escape_mrkdwn(text)

    for token in re.findall(r"<[^<>]*>", escaped):
        assert KEPT_TOKEN.fullmatch(token), token
        url, _, label = token[1:-1].partition("|")
        if url.startswith(("http", "mailto:")) and label:
            assert unescape_slack_text(label) == url
    unmatched = re.sub(r"<[^<>]*>", "", escaped)
    assert "<" not in unmatched
    assert ">" not in unmatched


@FAST
@given(mrkdwn_text)
def test_escape_ampersands_start_entities(text):
    escaped = escape_mrkdwn(text)

    for position in [m.start() for m in re.finditer("&", escaped)]:
        assert re.match(r"&(?:amp|lt|gt);", escaped[position:]), escaped
