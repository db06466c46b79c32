"""Past incidents of the same services, from the database and the incident index.

The index is `docs/incidents/index.md` as `warroom postmortem --write` writes it: one
table row per incident linking to its postmortem, whose "Affected services" line
names the services. Rows whose postmortem is missing are matched by their title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from bot.investigate.runbooks import words

INDEX = Path("docs/incidents/index.md")
ROW = re.compile(r"^\|\s*(?P<day>\d{4}-\d{2}-\d{2})\s*\|\s*(?P<reference>INC-\d+)\s*\|")
CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
LINK = re.compile(r"\[[^\]]*\]\((?P<target>[^)\s]+)\)")
AFFECTED = re.compile(r"^- Affected services:\s*(?P<names>.*)$", re.M)
NO_SERVICES = "none recorded"
SHARED_SERVICE_POINTS = 10
TITLE_POINTS = 3


class IncidentRecord(Protocol):
    """The fields of a stored incident that suggestions need."""

    number: int
    title: str
    severity: int | None
    services: list[str]
    declared_at: datetime


@dataclass(frozen=True)
class PastIncident:
    reference: str  # "INC-12"
    title: str
    day: date
    severity: str
    services: tuple[str, ...]
    postmortem: str | None  # path inside the docs repository, when known
    source: str  # "database" or "index"


@dataclass(frozen=True)
class PastIncidentMatch:
    incident: PastIncident
    score: int
    shared_services: tuple[str, ...]


def from_records(
    records: Iterable[IncidentRecord], severity_names: Mapping[int, str]
) -> tuple[PastIncident, ...]:
    """Convert stored incidents; `severity_names` maps levels to names like SEV2."""
    return tuple(
        PastIncident(
            reference=f"INC-{record.number}",
            title=record.title,
            day=record.declared_at.date(),
            severity=_severity(record.severity, severity_names),
            services=tuple(record.services),
            postmortem=None,
            source="database",
        )
        for record in records
    )


def _severity(level: int | None, names: Mapping[int, str]) -> str:
    if level is None:
        return "unset"
    return names.get(level, f"SEV{level}")


def read_incident_index(docs_root: Path) -> tuple[PastIncident, ...]:
    """Read the incident index of a docs repository; a missing index gives none."""
    index = docs_root / INDEX
    if not index.is_file():
        return ()
    incidents = []
    for line in index.read_text(encoding="utf-8", errors="replace").splitlines():
        incident = _index_row(line, docs_root)
        if incident is not None:
            incidents.append(incident)
    return tuple(incidents)


def _index_row(line: str, docs_root: Path) -> PastIncident | None:
    match = ROW.match(line)
    if match is None:
        return None
    cells = [cell.strip() for cell in CELL_SEPARATOR.split(line.strip())[1:-1]]
    if len(cells) < 4:
        return None
    try:
        day = date.fromisoformat(match.group("day"))
    except ValueError:
        return None
    postmortem = _postmortem_path(cells[-1]) if len(cells) >= 7 else None
    return PastIncident(
        reference=match.group("reference"),
        title=cells[3].replace("\\|", "|"),
        day=day,
        severity=cells[2],
        services=_affected_services(docs_root, postmortem),
        postmortem=postmortem,
        source="index",
    )


def _postmortem_path(cell: str) -> str | None:
    """Turn the link in the last cell, relative to docs/incidents/, into a path."""
    match = LINK.search(cell)
    if match is None:
        return None
    target = (INDEX.parent / match.group("target")).as_posix()
    parts: list[str] = []
    for part in target.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _affected_services(docs_root: Path, postmortem: str | None) -> tuple[str, ...]:
    if postmortem is None:
        return ()
    try:
        text = (docs_root / postmortem).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    match = AFFECTED.search(text)
    if match is None or match.group("names").strip() == NO_SERVICES:
        return ()
    return tuple(name.strip() for name in match.group("names").split(",") if name)


def suggest_past_incidents(
    services: Sequence[str],
    candidates: Iterable[PastIncident],
    *,
    exclude: Sequence[str] = (),
    limit: int = 5,
) -> tuple[PastIncidentMatch, ...]:
    """Rank past incidents by shared services, then by a service named in the title.

    The first candidate with a given reference wins, so pass database incidents
    before index rows. References in `exclude`, such as the current incident, are
    left out. Ties go to the newer incident.
    """
    requested = {service.lower() for service in services}
    seen = set(exclude)
    matches = []
    for incident in candidates:
        if incident.reference in seen:
            continue
        seen.add(incident.reference)
        shared = tuple(s for s in incident.services if s.lower() in requested)
        title_words = set(words(incident.title))
        named = [s for s in requested if set(words(s)) <= title_words and words(s)]
        score = SHARED_SERVICE_POINTS * len(shared) + TITLE_POINTS * len(named)
        if score:
            matches.append(PastIncidentMatch(incident, score, shared))
    matches.sort(key=lambda m: (-m.score, -m.incident.day.toordinal()))
    return tuple(matches[:limit])
