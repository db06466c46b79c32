"""Plain-text form of a trace report, for the command line and the Slack file."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.investigate.trace import Hit, TraceReport

COMMIT_SHOWN = 12


def format_trace(report: TraceReport) -> str:
    """Return every hit of `report` as text, the hits in the window first."""
    lines = [headline(report)]
    for hit in report.hits:
        lines.append("")
        lines.extend(hit_lines(hit))
    unresolved = unresolved_frames(report)
    if unresolved:
        lines += ["", "Frames outside the configured repositories:"]
        lines.extend(f"  {frame}" for frame in unresolved)
    return "\n".join(lines) + "\n"


def headline(report: TraceReport) -> str:
    query = report.query
    window = f"{_time(query.since)} and {_time(query.until)}"
    recent = sum(1 for hit in report.hits if hit.in_window)
    count = len(report.hits) + report.omitted
    found = f"{count} {'place' if count == 1 else 'places'}"
    matched = f" matching {report.pattern}" if report.pattern else ""
    frames = f" from {len(report.frames)} frames" if report.frames else ""
    if not report.hits:
        return f"No place{matched} found in the repositories{frames}."
    shown = f" ({report.omitted} not listed)" if report.omitted else ""
    return f"Found {found}{matched}{frames}{shown}; {recent} changed between {window}."


def hit_lines(hit: Hit) -> list[str]:
    """Return a hit as a heading, its source line and its last change."""
    marker = "[changed in window] " if hit.in_window else ""
    service = hit.service or "no service"
    function = f" in {hit.function}" if hit.function else ""
    lines = [
        f"{marker}{hit.file}:{hit.line}{function} ({hit.role}; {service}; "
        f"{hit.repository})",
        f"    {hit.text}",
    ]
    if hit.blame is not None:
        blame = hit.blame
        lines.append(
            f"    last changed {blame.commit[:COMMIT_SHOWN]} "
            f"{_time(blame.committed_at)} by {blame.author}: {blame.summary}"
        )
    return lines


def unresolved_frames(report: TraceReport) -> list[str]:
    """Return the frames no repository holds, as `file:line in function`."""
    resolved = {hit.frame for hit in report.hits if hit.frame is not None}
    shown = []
    for frame in report.frames:
        if frame in resolved:
            continue
        function = f" in {frame.function}" if frame.function else ""
        shown.append(f"{frame.file}:{frame.line}{function}")
    return shown


def _time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
