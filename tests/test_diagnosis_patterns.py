"""Search patterns built from error messages, and stack-trace frames, without git."""

from __future__ import annotations

import re

import pytest

from bot.investigate.frames import error_message, parse_frame, parse_frames
from bot.investigate.functions import enclosing_function
from bot.investigate.patterns import search_patterns, tolerant_pattern


def matches(pattern: str, line: str) -> bool:
    # The patterns are POSIX extended expressions; these use no class that Python's
    # re reads differently except [[:space:]], which is translated here.
    python = pattern.replace("[[:space:]", r"[\s")
    return re.search(python, line, re.IGNORECASE) is not None


@pytest.mark.parametrize(
    ("message", "source"),
    [
        (
            "timeout after 30s talking to 'db'",
            'log.error("timeout after %ds talking to %s")',
        ),
        ("user 42 not found", 'raise NotFound(f"user {user_id} not found")'),
        ("user 42 not found", 'throw new NotFound("user " + id + " not found");'),
        ("order 'A-9' rejected", 'logger.warn("order {} rejected", id);'),
        ("order 'A-9' rejected", 'raise Rejected("order %(id)r rejected" % vals)'),
        ("quota 1.5 of 2 used", 'errors.New(fmt.Sprintf("quota %.1f of %d used"))'),
        ("bad  request:\tmissing id", 'abort(400, "bad request: missing id")'),
    ],
    ids=[
        "printf",
        "f-string",
        "concatenation",
        "slf4j",
        "named-printf",
        "floats",
        "spaces",
    ],
)
def test_tolerant_pattern_matches_source(message, source):
    pattern = tolerant_pattern(message)

    assert pattern is not None
    assert matches(pattern, source)


def test_tolerant_pattern_keeps_word_order():
    pattern = tolerant_pattern("pool exhausted after 3 retries")

    assert pattern is not None
    assert not matches(pattern, '"retries %d after pool exhausted"')


@pytest.mark.parametrize(
    "message", ["42", "'x' 7", "%s {}"], ids=["number", "value", "placeholders"]
)
def test_tolerant_pattern_rejects_short_text(message):
    assert tolerant_pattern(message) is None


def test_search_patterns_order():
    patterns = search_patterns(
        "ValueError: invalid literal for int() with base 10: 'x'"
    )

    described = [pattern.description for pattern in patterns]
    assert patterns[0].fixed
    assert described[0].startswith("exact text")
    assert described[-1] == 'the name "ValueError"'
    assert any("invalid literal for int" in text for text in described[2:4])


@pytest.mark.parametrize(
    ("line", "language", "path", "number", "function"),
    [
        ('  File "/app/a/b.py", line 7, in run', "python", "/app/a/b.py", 7, "run"),
        (
            "\tat com.acme.Pool$Inner.get(Pool.java:88)",
            "jvm",
            "com/acme/Pool.java",
            88,
            "com.acme.Pool$Inner.get",
        ),
        (
            "    at async Cart.add (file:///srv/web/cart.mjs:3:9)",
            "javascript",
            "srv/web/cart.mjs",
            3,
            "Cart.add",
        ),
        ("    at /srv/web/index.js:5:3", "javascript", "/srv/web/index.js", 5, None),
        (
            "add@https://shop.example/static/cart.js?v=3:10:2",
            "javascript",
            "static/cart.js",
            10,
            "add",
        ),
        (
            "/app/lib/pool.rb:12:in `checkout'",
            "ruby",
            "/app/lib/pool.rb",
            12,
            "checkout",
        ),
    ],
    ids=["python", "jvm", "node-url", "node-anonymous", "browser", "ruby"],
)
def test_parse_frame(line, language, path, number, function):
    frame = parse_frame(line)

    assert frame is not None
    assert frame.language == language
    assert frame.path == path
    assert frame.line == number
    assert frame.function == function


def test_parse_frames_go_function_from_line_before():
    frames = parse_frames("main.run(0x1)\n\t/src/app/main.go:12 +0x1d\n")

    assert [(f.path, f.line, f.function) for f in frames] == [
        ("/src/app/main.go", 12, "main.run")
    ]


@pytest.mark.parametrize(
    ("trace", "message"),
    [
        (
            'Traceback (most recent call last):\n  File "a.py", line 1, in f\n'
            "    g()\nKeyError: 'id'\n",
            "KeyError: 'id'",
        ),
        (
            "panic: boom\n\ngoroutine 1 [running]:\nmain.f()\n\t/a/m.go:3 +0x1\n",
            "panic: boom",
        ),
        ("Error: nope\n    at f (/a.js:1:2)\n", "Error: nope"),
    ],
    ids=["python-last", "go-first", "node-first"],
)
def test_error_message_of_trace(trace, message):
    assert error_message(trace) == message


SOURCES = {
    "a.py": "class A:\n    def f(self):\n        if x:\n            raise E()\n",
    "a.go": "func (s *Server) Serve() {\n\treturn err\n}\n",
    "A.java": "class A {\n  public void run(int n) {\n    if (n > 0) {\n      throw e;",
    "a.ts": "export const load = async (id: string) => {\n  throw new Error('x');\n",
    "a.rb": "def checkout\n  raise 'x'\nend\n",
}


@pytest.mark.parametrize(
    ("path", "line", "function"),
    [
        ("a.py", 4, "A.f"),
        ("a.go", 2, "Server.Serve"),
        ("A.java", 4, "run"),
        ("a.ts", 2, "load"),
        ("a.rb", 2, "checkout"),
        ("a.txt", 1, None),
    ],
    ids=["python", "go", "java", "typescript", "ruby", "unknown"],
)
def test_enclosing_function(path, line, function):
    lines = SOURCES.get(path, "x\n").splitlines()

    assert enclosing_function(path, lines, line) == function
