"""Split a pasted stack trace into frames: file, line and function.

Understands the traces that Python, Java (and other JVM languages), Go, Node.js,
browser JavaScript and Ruby print. The file of a frame is kept as printed. A JVM
frame names only the file, so its package turns it into a path such as
`com/acme/shop/Pool.java`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

PYTHON_FRAME = re.compile(
    r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<function>\S+))?'
)
# Node.js and V8: "at fn (/app/pool.js:42:11)", "at /app/index.js:5:3".
NODE_FRAME = re.compile(
    r"^\s*at\s+(?:async\s+)?(?:(?P<function>[^\s(]+(?:\s\[as\s[^\]]+\])?)\s+\()?"
    r"(?P<file>[^()\s]+?):(?P<line>\d+):(?P<column>\d+)\)?\s*$"
)
# Firefox and Safari: "acquire@https://shop.example/static/pool.js:42:11".
BROWSER_FRAME = re.compile(
    r"^\s*(?P<function>[^@\s]*)@(?P<file>\S+?):(?P<line>\d+):(?P<column>\d+)\s*$"
)
JVM_FRAME = re.compile(
    r"^\s*at\s+(?:[\w.$-]+/)*(?P<qualified>[\w$.<>]+)"
    r"\((?P<file>[\w$-]+\.(?:java|kt|scala|groovy|clj)):(?P<line>\d+)\)"
)
GO_LOCATION = re.compile(
    r"^\s+(?P<file>\S+\.go):(?P<line>\d+)(?:\s+\+0x[0-9a-f]+)?\s*$"
)
GO_FUNCTION = re.compile(r"^(?P<function>\S+?)\((?:[^()]|\([^()]*\))*\)\s*$")
RUBY_FRAME = re.compile(
    r"^\s*(?:from\s+)?(?P<file>\S+\.rb):(?P<line>\d+):in\s+[`'](?P<function>[^'`]+)'"
)
# Lines of a trace that carry no message: headers, elisions and frames.
NOT_MESSAGE = re.compile(
    r"^(?:Traceback \(most recent call last\):|goroutine \d+ \[.*\]:|\.\.\. \d+ more)$"
)


@dataclass(frozen=True)
class Frame:
    """One frame of a stack trace."""

    language: str  # "python", "jvm", "go", "javascript" or "ruby"
    file: str  # as printed, e.g. "/app/checkout/pool.py" or "Pool.java"
    path: str  # the path to look for in a repository, without scheme or host
    line: int
    function: str | None


def parse_frames(text: str) -> tuple[Frame, ...]:
    """Return the frames of every trace in `text`, in the order printed."""
    frames: list[Frame] = []
    previous = ""
    for line in text.splitlines():
        frame = parse_frame(line, previous)
        if frame is not None:
            frames.append(frame)
        if line.strip():
            previous = line
    return tuple(frames)


def parse_frame(line: str, previous: str = "") -> Frame | None:
    """Parse one line of a trace; `previous` is the line before, for Go's functions."""
    found = PYTHON_FRAME.match(line)
    if found:
        return _frame("python", found, found["file"], found["function"])
    found = NODE_FRAME.match(line)
    if found:
        return _frame("javascript", found, _url_path(found["file"]), found["function"])
    found = JVM_FRAME.match(line)
    if found:
        return _jvm_frame(found)
    found = GO_LOCATION.match(line)
    if found:
        caller = GO_FUNCTION.match(previous.strip())
        name = caller["function"] if caller else None
        return _frame("go", found, found["file"], name)
    found = RUBY_FRAME.match(line)
    if found:
        return _frame("ruby", found, found["file"], found["function"])
    found = BROWSER_FRAME.match(line)
    if found:
        name = found["function"] or None
        return _frame("javascript", found, _url_path(found["file"]), name)
    return None


def error_message(text: str) -> str | None:
    """Return the line of a trace that states the error, if any.

    Python prints it after the frames, the other languages before them.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    previous = ""
    candidates = []
    for index, line in enumerate(lines):
        is_frame = parse_frame(line, previous) is not None
        # A Go function line is followed by its location line.
        follows = lines[index + 1] if index + 1 < len(lines) else ""
        is_go_function = parse_frame(follows, line) is not None and bool(
            GO_FUNCTION.match(line.strip())
        )
        # Indented lines are frames or the source lines Python prints under them.
        unusable = NOT_MESSAGE.match(line.strip()) or line[:1].isspace()
        if not (is_frame or is_go_function or unusable):
            candidates.append(line.strip())
        previous = line
    if not candidates:
        return None
    python = "Traceback (most recent call last):" in text
    return candidates[-1] if python else candidates[0]


def _frame(
    language: str, found: re.Match[str], path: str, function: str | None
) -> Frame:
    return Frame(language, found["file"], path, int(found["line"]), function)


def _jvm_frame(found: re.Match[str]) -> Frame:
    qualified = found["qualified"]
    parts = qualified.split(".")
    # package.Class.method: the package folders hold the file named in brackets.
    package = parts[:-2]
    path = "/".join([*package, found["file"]])
    return Frame("jvm", found["file"], path, int(found["line"]), qualified)


def _url_path(file: str) -> str:
    """Strip the scheme, host and query of a script URL, such as webpack:///./src/a.js."""
    if "://" not in file:
        return file.removeprefix("file:")
    path = urlsplit(file).path
    return path.lstrip("/").removeprefix("./") or file
