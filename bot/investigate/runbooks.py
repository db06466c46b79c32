"""Find runbooks and match them to services, alert names and failure modes.

A runbook is a Markdown file under `docs/runbooks/` or `runbooks/` (or folders set in
warroom.yaml). Optional YAML front matter states what it covers:

    ---
    title: Checkout latency
    services: [checkout, payments]
    alerts: [CheckoutHighLatency]
    failure_modes: [latency, connection pool exhausted]
    ---

Without front matter, the title is the first `# ` heading or the file name, and
matching relies on the words of the file name, title, headings and text.
Files that cannot be read are skipped with a warning; folder listings (README.md,
index.md) are skipped because they name every service.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

DEFAULT_FOLDERS = ("docs/runbooks", "runbooks")
MARKDOWN_SUFFIXES = (".md", ".markdown")
LISTING_NAMES = frozenset({"readme.md", "index.md", "_index.md"})
FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(?P<yaml>.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.S
)
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$", re.M)
WORD = re.compile(r"[a-z0-9]+")
CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# Points per kind of evidence: stated in front matter, named in the file name, title
# or a heading, or only mentioned in the text.
STATED = 10
NAMED = 5
MENTIONED = 1


@dataclass(frozen=True)
class Runbook:
    path: str  # relative to the root it was found under, for links
    title: str
    services: tuple[str, ...]
    alerts: tuple[str, ...]
    failure_modes: tuple[str, ...]
    heading_words: frozenset[str]  # words of the file name, title and headings
    text_words: frozenset[str]


@dataclass(frozen=True)
class RunbookMatch:
    runbook: Runbook
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RunbookScan:
    runbooks: tuple[Runbook, ...]
    warnings: tuple[str, ...]


def find_runbooks(
    roots: Sequence[Path], folders: Sequence[str] = DEFAULT_FOLDERS
) -> RunbookScan:
    """Read every runbook in `folders` under each of `roots`."""
    runbooks: list[Runbook] = []
    warnings: list[str] = []
    for root in roots:
        for folder in folders:
            base = root / folder
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*")):
                if not _is_runbook_file(path, base):
                    continue
                runbook = _read_runbook(path, root, warnings)
                if runbook is not None:
                    runbooks.append(runbook)
    return RunbookScan(tuple(runbooks), tuple(warnings))


def _is_runbook_file(path: Path, base: Path) -> bool:
    relative = path.relative_to(base)
    if not path.resolve().is_relative_to(base.resolve()):
        return False  # a link out of the folder could publish any file's title
    if any(part.startswith((".", "_")) for part in relative.parts[:-1]):
        return False
    if path.name.startswith((".", "~")) or path.name.lower() in LISTING_NAMES:
        return False
    return path.suffix.lower() in MARKDOWN_SUFFIXES and not path.is_dir()


def _read_runbook(path: Path, root: Path, warnings: list[str]) -> Runbook | None:
    relative = path.relative_to(root).as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        warnings.append(f"{relative}: not UTF-8 text; skipped. Save it as UTF-8.")
        return None
    except OSError as error:
        warnings.append(f"{relative}: could not be read ({error.strerror}); skipped.")
        return None
    if not text.strip():
        warnings.append(f"{relative}: empty; skipped.")
        return None
    meta, body = _split_front_matter(text, relative, warnings)
    headings = [match.group("text") for match in HEADING.finditer(body)]
    title = _text(meta.get("title")) or _first_title(body) or path.stem
    return Runbook(
        path=relative,
        title=title,
        services=_names(meta.get("services", meta.get("service"))),
        alerts=_names(meta.get("alerts", meta.get("alert"))),
        failure_modes=_names(meta.get("failure_modes", meta.get("tags"))),
        heading_words=frozenset(words(" ".join([path.stem, title, *headings]))),
        text_words=frozenset(words(body)),
    )


def _split_front_matter(
    text: str, relative: str, warnings: list[str]
) -> tuple[dict[str, Any], str]:
    match = FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match is None:
        return {}, text
    body = text.lstrip("\ufeff")[match.end() :]
    try:
        meta = yaml.safe_load(match.group("yaml"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 2}" if mark else ""
        warnings.append(
            f"{relative}{line}: invalid YAML front matter; matched by its text only."
        )
        return {}, body
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        warnings.append(
            f"{relative}: front matter is not a mapping; matched by its text only."
        )
        return {}, body
    return meta, body


def _first_title(body: str) -> str | None:
    for match in HEADING.finditer(body):
        if len(match.group("level")) == 1:
            return match.group("text")
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list):
        return tuple(str(item).strip() for item in value if str(item).strip())
    return ()


def words(text: str) -> list[str]:
    """Split text, CamelCase and snake_case into lowercase words."""
    return WORD.findall(CAMEL_BOUNDARY.sub(" ", text).lower())


def match_runbooks(
    runbooks: Iterable[Runbook],
    *,
    services: Sequence[str] = (),
    alerts: Sequence[str] = (),
    failure_modes: Sequence[str] = (),
    limit: int = 10,
) -> tuple[RunbookMatch, ...]:
    """Return the runbooks that cover any of the terms, best match first."""
    terms = [
        *(("service", term) for term in services),
        *(("alert", term) for term in alerts),
        *(("failure mode", term) for term in failure_modes),
    ]
    matches = []
    for runbook in runbooks:
        score = 0
        reasons = []
        for kind, term in terms:
            points, reason = _term_score(runbook, kind, term)
            score += points
            if reason:
                reasons.append(reason)
        if score:
            matches.append(RunbookMatch(runbook, score, tuple(reasons)))
    matches.sort(key=lambda match: (-match.score, match.runbook.path))
    return tuple(matches[:limit])


def _term_score(runbook: Runbook, kind: str, term: str) -> tuple[int, str | None]:
    stated = {
        "service": runbook.services,
        "alert": runbook.alerts,
        "failure mode": runbook.failure_modes,
    }[kind]
    if term.lower() in (name.lower() for name in stated):
        return STATED, f"front matter lists {kind} {term}"
    term_words = set(words(term))
    if not term_words:
        return 0, None
    if term_words <= runbook.heading_words:
        return NAMED, f"title, file name or a heading names {term}"
    if term_words <= runbook.text_words:
        return MENTIONED, f"text mentions {term}"
    return 0, None
