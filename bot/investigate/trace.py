"""Find where an error is raised, logged or handled in the services' repositories.

`trace` searches each repository at HEAD with `git grep`: the exact text first, then
a tolerant pattern (see bot/investigate/patterns.py). A pasted stack trace is split
into frames, and the frames whose files exist in a repository are resolved there.
Every hit gets its enclosing function and, from `git blame`, the commit that last
changed its line. Hits changed inside the lookback window come first, because a
recent change near the error is the likeliest cause.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.config import WarroomConfig
from bot.investigate.changes import ServicePaths, path_in
from bot.investigate.errors import InvestigationError
from bot.investigate.frames import Frame, error_message, parse_frames
from bot.investigate.functions import enclosing_function
from bot.investigate.gitsource import Blame, Repository, open_repository
from bot.investigate.graph import ServiceGraph
from bot.investigate.patterns import search_patterns
from bot.investigate.system import Sources, service_paths

log = logging.getLogger(__name__)

# Maximum places listed and blamed per trace, because each blame is one git process.
MAX_HITS = 200
# Maximum length of the text to trace, enough for a long stack trace (an estimate).
MAX_TEXT = 4000
RAISE = re.compile(
    r"\b(?:raise|throw|panic|abort|fatal|errors\.New|fmt\.Errorf|Err\(|new \w*(?:Error|"
    r"Exception))",
    re.IGNORECASE,
)
LOG = re.compile(
    r"\b(?:log|logger|logging|console|slog|zap|print|println|printf|warn|"
    r"System\.(?:out|err))\b\.?",
    re.IGNORECASE,
)
HANDLE = re.compile(
    r"\b(?:except|catch|rescue|recover|errors\.(?:Is|As)|on_error|onError)\b"
)
# A resolved frame is an exact place, so frames come first, in the order printed.
ROLE_ORDER = ("frame", "raised", "logged", "handled", "mentioned")


@dataclass(frozen=True)
class TraceQuery:
    text: str
    since: datetime  # hits whose line changed in [since, until] are in the window
    until: datetime
    date_field: str = "committer"  # or "author"
    max_hits: int = MAX_HITS


@dataclass(frozen=True)
class Hit:
    """A line of a repository where the error appears, or a resolved frame."""

    repository: str  # the folder as given in warroom.yaml or resolved
    service: str | None  # the catalogue service whose paths cover the file
    file: str
    line: int
    text: str
    function: str | None
    role: str  # "raised", "logged", "handled", "frame" or "mentioned"
    blame: Blame | None
    in_window: bool
    frame: Frame | None = None


@dataclass(frozen=True)
class TraceReport:
    query: TraceQuery
    pattern: str | None  # the description of the pattern that found the hits
    hits: tuple[Hit, ...]  # in the window first, then by role and place
    frames: tuple[Frame, ...]  # every frame of a pasted trace, resolved or not
    omitted: int  # hits found beyond max_hits, neither blamed nor listed
    warnings: tuple[str, ...]


def trace_sources(
    config: WarroomConfig, sources: Sources, graph: ServiceGraph
) -> tuple[tuple[Path, ...], tuple[ServicePaths, ...]]:
    """Return the repositories to search and where each service's code lives.

    The repositories are the system checkout and every catalogue `repository`.
    """
    targets = service_paths(config, sources, graph, graph.services)
    folders = [sources.repository, *(target.repository for target in targets)]
    return tuple(dict.fromkeys(folders)), targets


def trace(
    repositories: Sequence[Path],
    targets: Sequence[ServicePaths],
    query: TraceQuery,
) -> TraceReport:
    """Search `repositories` for the error or stack trace in `query.text`.

    `targets` name the service that owns each file. Raises InvestigationError for
    an empty or overlong text or naive datetimes.
    """
    _check(query)
    opened, warnings = _open_all(repositories)
    try:
        frames, pattern, found, omitted = _find(opened, targets, query)
    finally:
        for repository in opened:
            repository.close()
    return TraceReport(
        query=query,
        pattern=pattern,
        hits=tuple(found),
        frames=frames,
        omitted=omitted,
        warnings=tuple(warnings),
    )


def _find(
    repositories: Sequence[Repository],
    targets: Sequence[ServicePaths],
    query: TraceQuery,
) -> tuple[tuple[Frame, ...], str | None, list[Hit], int]:
    frames = parse_frames(query.text)
    message = error_message(query.text) if frames else query.text
    found: list[Hit] = []
    for frame in frames:
        found.extend(_resolve_frame(frame, repositories, targets, query))
    pattern, hits, omitted = _search(message, repositories, targets, query)
    found.extend(hit for hit in hits if not _same_place(hit, found))
    found.sort(key=_rank)
    return frames, pattern, found, omitted


def _check(query: TraceQuery) -> None:
    if not query.text.strip():
        raise InvestigationError(
            "Give the error text, an exception name or a stack trace to trace."
        )
    if len(query.text) > MAX_TEXT:
        raise InvestigationError(
            f"The text to trace is {len(query.text)} characters long; the limit is "
            f"{MAX_TEXT}. Paste the error line and the frames nearest to it."
        )
    if query.since.tzinfo is None or query.until.tzinfo is None:
        raise InvestigationError("since and until must be timezone-aware datetimes.")


def _open_all(folders: Sequence[Path]) -> tuple[list[Repository], list[str]]:
    repositories = []
    warnings = []
    for folder in dict.fromkeys(folders):
        repository, warning = open_repository(folder)
        if repository is not None:
            repositories.append(repository)
        if warning is not None:
            warnings.append(warning)
    return repositories, warnings


def _search(
    message: str | None,
    repositories: Sequence[Repository],
    targets: Sequence[ServicePaths],
    query: TraceQuery,
) -> tuple[str | None, list[Hit], int]:
    """Try each pattern until one matches; return its description, hits, omitted."""
    if message is None:
        return None, [], 0
    for pattern in search_patterns(message):
        places = [
            (repository, file, line, text)
            for repository in repositories
            for file, line, text in repository.grep(pattern)
        ]
        if not places:
            continue
        # Reading files for the line before costs a git process per file, so
        # only a short list gets it.
        short = len(places) <= query.max_hits
        roles = [
            _role(text, _line_before(repository, file, line) if short else "")
            for repository, file, line, text in places
        ]
        ranked = sorted(
            zip(places, roles, strict=True), key=lambda pair: _role_order(pair[1])
        )
        # Raised before logged before handled, so the cut keeps the likeliest.
        kept = ranked[: query.max_hits]
        hits = [
            _hit(repository, file, line, text, role, targets, query)
            for (repository, file, line, text), role in kept
        ]
        return pattern.description, hits, len(places) - len(kept)
    return None, [], 0


def _resolve_frame(
    frame: Frame,
    repositories: Sequence[Repository],
    targets: Sequence[ServicePaths],
    query: TraceQuery,
) -> list[Hit]:
    for repository in repositories:
        file = repository.find_file(frame.path)
        if file is None:
            continue
        lines = repository.lines(file)
        text = lines[frame.line - 1] if 0 < frame.line <= len(lines) else ""
        hit = _hit(repository, file, frame.line, text, "frame", targets, query)
        return [_with_frame(hit, frame)]
    return []


def _with_frame(hit: Hit, frame: Frame) -> Hit:
    function = hit.function or frame.function
    return Hit(**{**hit.__dict__, "frame": frame, "function": function})


def _hit(
    repository: Repository,
    file: str,
    line: int,
    text: str,
    role: str,
    targets: Sequence[ServicePaths],
    query: TraceQuery,
) -> Hit:
    blame = repository.blame(file, line)
    when = None
    if blame is not None:
        when = blame.authored_at if query.date_field == "author" else blame.committed_at
    return Hit(
        repository=str(repository.folder),
        service=_service(repository, file, targets),
        file=file,
        line=line,
        text=text.strip(),
        function=enclosing_function(file, repository.lines(file), line),
        role=role,
        blame=blame,
        in_window=when is not None and query.since <= when <= query.until,
    )


def _service(
    repository: Repository, file: str, targets: Sequence[ServicePaths]
) -> str | None:
    for target in targets:
        if target.repository.resolve() != repository.folder.resolve():
            continue
        if any(path_in(pattern, file) for pattern in target.paths):
            return target.service
    return None


def _line_before(repository: Repository, file: str, line: int) -> str:
    lines = repository.lines(file)
    return lines[line - 2] if 1 < line <= len(lines) else ""


def _role(text: str, before: str) -> str:
    """Tell whether a line raises, logs or handles the error.

    A string on a line of its own belongs to the call on the line before when that
    line ends with an opening bracket, a comma or a `+`.
    """
    if before.rstrip().endswith(("(", "[", ",", "+")):
        text = f"{before} {text}"
    if RAISE.search(text):
        return "raised"
    if LOG.search(text):
        return "logged"
    if HANDLE.search(text):
        return "handled"
    return "mentioned"


def _role_order(role: str) -> int:
    return ROLE_ORDER.index(role)


def _rank(hit: Hit) -> tuple[bool, int]:
    return (not hit.in_window, _role_order(hit.role))


def _same_place(hit: Hit, found: Sequence[Hit]) -> bool:
    return any(
        (hit.repository, hit.file, hit.line)
        == (other.repository, other.file, other.line)
        for other in found
    )
