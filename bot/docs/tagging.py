"""`warroom tag`: mark incident-prone code with a searchable `INCIDENT-<date>:` comment.

The comment goes on its own line above the named line, indented like it, in the
comment syntax of the file's language, and is committed as warroom. Tagging the same
line twice with the same text adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from bot.docs.repository import (
    DocsRepositoryError,
    check_inside,
    check_unchanged,
    commit_paths,
    open_repository,
)
from bot.errors import UserError

HASH = ("# ", "")
SLASHES = ("// ", "")
DASHES = ("-- ", "")
# Comment opening and closing by file suffix.
COMMENT_BY_SUFFIX = {
    **dict.fromkeys(
        (".py", ".pyi", ".rb", ".sh", ".bash", ".zsh", ".yaml", ".yml", ".toml"),
        HASH,
    ),
    **dict.fromkeys((".tf", ".pl", ".r", ".ps1", ".cfg", ".conf", ".ini"), HASH),
    **dict.fromkeys(
        (".go", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".kt"),
        SLASHES,
    ),
    **dict.fromkeys(
        (".kts", ".scala", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".rs"),
        SLASHES,
    ),
    **dict.fromkeys((".swift", ".php", ".dart", ".groovy", ".proto"), SLASHES),
    **dict.fromkeys((".sql", ".lua", ".hs"), DASHES),
    **dict.fromkeys((".css", ".scss", ".less"), ("/* ", " */")),
    **dict.fromkeys((".html", ".xml", ".md", ".vue", ".svelte"), ("<!-- ", " -->")),
}
COMMENT_BY_NAME = {
    "Dockerfile": HASH,
    "Makefile": HASH,
    "Gemfile": HASH,
    "Rakefile": HASH,
    "Jenkinsfile": SLASHES,
}


@dataclass(frozen=True)
class Location:
    path: PurePosixPath
    line: int


@dataclass(frozen=True)
class Tagged:
    path: PurePosixPath
    line: int
    comment: str
    commit: str
    added: bool


def parse_location(text: str) -> Location:
    """Split `path:line` as typed on the command line."""
    path, _, line = text.rpartition(":")
    if not path or not line.isdigit() or int(line) < 1:
        raise UserError(
            f'"{text}" is not a location such as services/pool.py:42 (a path, a '
            "colon and a line number from 1)."
        )
    return Location(PurePosixPath(path), int(line))


def comment_syntax(path: PurePosixPath) -> tuple[str, str]:
    syntax = COMMENT_BY_NAME.get(path.name) or COMMENT_BY_SUFFIX.get(
        path.suffix.lower()
    )
    if syntax is None:
        known = ", ".join(sorted(COMMENT_BY_SUFFIX))
        raise UserError(
            f"warroom does not know the comment syntax of {path}. Files it can tag "
            f"end in {known}, or are named {', '.join(sorted(COMMENT_BY_NAME))}."
        )
    return syntax


def tag_line(
    repo_root: Path, location: Location, day: date, text: str, reference: str
) -> Tagged:
    """Insert the comment above `location` and commit the file."""
    repo = open_repository(repo_root)
    target = inside(repo_root, location.path)
    opening, closing = comment_syntax(location.path)
    check_unchanged(repo, [location.path.as_posix()])
    lines = read_lines(target, location)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    index = location.line - 1
    if index == 0 and lines[0].startswith("#!"):
        index = 1  # a comment above the shebang would stop the script from running
    if index == len(lines) and not lines[-1].endswith("\n"):
        lines[-1] += newline  # the comment goes after a last line without newline
    anchor = lines[index] if index < len(lines) else ""
    indent = anchor[: len(anchor) - len(anchor.lstrip(" \t"))]
    body = one_line(text if reference in text else f"{reference} {text}", closing)
    comment = f"{opening}INCIDENT-{day.isoformat()}: {body}{closing}"
    nearby = lines[max(index - 1, 0) : index + 1]
    if any(line.strip() == comment for line in nearby):
        head = str(repo.head.commit.hexsha)
        return Tagged(location.path, index, comment, head, added=False)
    # NOTE: the file is not parsed, so a comment put inside a multi-line string or
    # after a line continuation changes the code. Tag the first line of a statement.
    lines.insert(index, f"{indent}{comment}{newline}")
    target.write_bytes("".join(lines).encode("utf-8"))
    message = f"Tag {location.path}:{location.line} with {reference}\n\n{comment}\n"
    commit = commit_paths(repo, [location.path.as_posix()], message)
    return Tagged(location.path, index + 1, comment, commit, added=True)


def one_line(text: str, closing: str) -> str:
    """Keep the text inside one comment: no line breaks, no early comment closer."""
    flat = " ".join(text.split())
    closer = closing.strip()
    if closer:
        flat = flat.replace(closer, " ".join(closer))
    return flat


def inside(root: Path, path: PurePosixPath) -> Path:
    target = (root / path).resolve()
    if not target.is_relative_to(root.resolve()) or ".git" in path.parts:
        raise UserError(f"{path} is outside the repository {root}.")
    if not target.is_file():
        raise UserError(f"There is no file {path} in {root}.")
    check_inside(path, root)  # a link would edit one file and commit another
    return target


def read_lines(target: Path, location: Location) -> list[str]:
    try:
        text = target.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocsRepositoryError(
            f"{location.path} is not UTF-8 text, so warroom will not edit it."
        ) from error
    lines = text.splitlines(keepends=True)
    if location.line > len(lines):
        raise UserError(
            f"{location.path} has {len(lines)} lines, so there is no line "
            f"{location.line}."
        )
    return lines
