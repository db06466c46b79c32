"""Find the function that encloses a line of source code, by language.

Python is read by indentation: the nearest `def` above the line that is indented
less than it, qualified by its class. Other languages take the nearest preceding
declaration line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

PYTHON_DEF = re.compile(r"^(?P<indent>[ \t]*)(?:async[ \t]+)?def[ \t]+(?P<name>\w+)")
PYTHON_CLASS = re.compile(r"^(?P<indent>[ \t]*)class[ \t]+(?P<name>\w+)")
GO_FUNC = re.compile(
    r"^func[ \t]+"
    r"(?:\([ \t]*\w*[ \t]*\*?(?P<receiver>\w+)(?:\[[^\]]*\])?[ \t]*\)[ \t]*)?"
    r"(?P<name>\w+)"
)
KEYWORDS = frozenset(
    {"if", "for", "while", "switch", "catch", "return", "new", "else", "do", "try"}
)
# Java, Kotlin, C#, Scala: modifiers and a return type, then name and "(".
JVM_METHOD = re.compile(
    r"^[ \t]*(?:(?:public|private|protected|internal|static|final|abstract|override|"
    r"synchronized|suspend|open|async|virtual)[ \t]+)*"
    r"(?:fun[ \t]+|def[ \t]+|[\w<>\[\],.? ]+[ \t]+)(?P<name>\w+)[ \t]*\([^;]*$"
)
JAVASCRIPT_FUNCTION = re.compile(
    r"(?:^|[^\w.])function\*?[ \t]*(?P<name>\w+)[ \t]*\("
    r"|(?P<variable>\w+)[ \t]*[:=][ \t]*(?:async[ \t]+)?(?:function\b|\([^)]*\)[ \t]*=>"
    r"|\w+[ \t]*=>)"
    r"|^[ \t]*(?:(?:static|async|get|set|public|private|protected)[ \t]+)*"
    r"(?P<method>\w+)[ \t]*\([^)]*\)[ \t]*(?::[^{]*)?\{"
)
RUBY_DEF = re.compile(r"^[ \t]*def[ \t]+(?:self\.)?(?P<name>[\w?!=]+)")
RUST_FN = re.compile(
    r"^[ \t]*(?:pub(?:\([^)]*\))?[ \t]+)?(?:async[ \t]+)?fn[ \t]+(?P<name>\w+)"
)
C_FUNCTION = re.compile(r"^(?:[\w*&:<>,]+[ \t]+)+\**(?P<name>[\w:~]+)[ \t]*\([^;]*$")

LANGUAGES = {
    ".py": "python",
    ".go": "go",
    ".java": "jvm",
    ".kt": "jvm",
    ".kts": "jvm",
    ".scala": "jvm",
    ".groovy": "jvm",
    ".cs": "jvm",
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "javascript",
    ".tsx": "javascript",
    ".rb": "ruby",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cc": "c",
    ".cpp": "c",
    ".hpp": "c",
}
DECLARATIONS = {
    "jvm": JVM_METHOD,
    "javascript": JAVASCRIPT_FUNCTION,
    "ruby": RUBY_DEF,
    "rust": RUST_FN,
    "c": C_FUNCTION,
}


def enclosing_function(path: str, lines: Sequence[str], line: int) -> str | None:
    """Return the name of the function around 1-based `line` of the file at `path`.

    Returns None for unknown languages and for lines outside any function.
    """
    language = LANGUAGES.get(PurePosixPath(path).suffix.lower())
    if language is None or not 1 <= line <= len(lines):
        return None
    if language == "python":
        return _python_function(lines, line)
    if language == "go":
        return _go_function(lines, line)
    return _nearest_declaration(DECLARATIONS[language], lines, line)


def _python_function(lines: Sequence[str], line: int) -> str | None:
    limit = _indent(lines[line - 1])
    names: list[str] = []
    for text in reversed(lines[: line - 1]):
        if not text.strip():
            continue
        indent = _indent(text)
        if indent >= limit:
            continue
        found = PYTHON_DEF.match(text) or PYTHON_CLASS.match(text)
        if found is not None:
            is_class = PYTHON_CLASS.match(text) is not None
            # A class only qualifies a function found inside it.
            if names or not is_class:
                names.append(found["name"])
        limit = indent
        if limit == 0:
            break
    return ".".join(reversed(names)) or None


def _go_function(lines: Sequence[str], line: int) -> str | None:
    for text in reversed(lines[:line]):
        found = GO_FUNC.match(text)
        if found is not None:
            receiver = found["receiver"]
            return f"{receiver}.{found['name']}" if receiver else found["name"]
    return None


def _nearest_declaration(
    declaration: re.Pattern[str], lines: Sequence[str], line: int
) -> str | None:
    # NOTE: braces are not counted, so a line after the end of a function is
    # attributed to that function.
    for text in reversed(lines[:line]):
        found = declaration.search(text)
        if found is None:
            continue
        name = next((value for value in found.groups() if value), None)
        if name is not None and name not in KEYWORDS:
            return name
    return None


def _indent(text: str) -> int:
    return len(text.expandtabs(8)) - len(text.expandtabs(8).lstrip())
