"""The `warroom services` and `warroom changes` commands."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.incidents.timeparse import TimeParseError, parse_when
from bot.investigate.changes import Change, ChangeReport
from bot.investigate.graph import blast_radius
from bot.investigate.render import (
    format_blast_radius,
    format_graph,
    to_dot,
    write_png,
)
from bot.investigate.system import (
    find_changes,
    load_service_graph,
    resolve_sources,
    suspects,
)
from bot.settings import Settings

TIME_FORMS = '"2026-12-04 09:00", "2026-12-04T09:00+01:00", "2h ago", "3d ago" or "now"'
SHOWN_FILES = 5


def add_commands(commands: Any) -> None:
    """Register `services` and `changes` on the `warroom` subcommand parsers."""
    services = commands.add_parser(
        "services", help="show the service graph or a failing service's blast radius"
    )
    services.add_argument(
        "--repo", type=Path, help="checkout of the system (default from warroom.yaml)"
    )
    services.add_argument(
        "--failing", metavar="NAME", help="show who is hit and the likely causes"
    )
    services.add_argument(
        "--format",
        choices=["text", "dot", "png"],
        default="text",
        help="text (default), Graphviz DOT, or a PNG picture drawn by Graphviz",
    )
    services.add_argument(
        "--output",
        type=Path,
        help="file to write (default standard output; services.png for png)",
    )
    services.set_defaults(run=run_services)

    changes = commands.add_parser(
        "changes", help="list recent commits to a service and its dependencies"
    )
    changes.add_argument("--service", required=True, metavar="NAME")
    changes.add_argument(
        "--since", help="window start (default impact start minus the lookback)"
    )
    changes.add_argument("--until", default="now", help="window end (default now)")
    changes.add_argument(
        "--impact-start", help="when the impact began, for ranking (default --until)"
    )
    changes.add_argument(
        "--repo", type=Path, help="checkout of the system (default from warroom.yaml)"
    )
    changes.set_defaults(run=run_changes)


def run_services(settings: Settings, args: argparse.Namespace) -> int:
    sources = resolve_sources(settings.config, settings.config_path, args.repo)
    graph = load_service_graph(settings.config, sources)
    if not graph.services:
        raise UserError(
            f"No services found in warroom.yaml or in {sources.repository}. Add a "
            "services catalogue, point --repo at a checkout with a compose file, or "
            "set investigation.kubernetes."
        )
    radius = blast_radius(graph, args.failing) if args.failing else None
    if args.format == "text":
        text = format_graph(graph) if radius is None else format_blast_radius(radius)
        _emit(text, args.output)
        return 0
    dot = to_dot(graph, radius)
    if args.format == "dot":
        _emit(dot, args.output)
        return 0
    output = args.output or Path("services.png")
    write_png(dot, output)
    print(f"warroom: wrote {output}.", file=sys.stderr)
    return 0


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    print(f"warroom: wrote {output}.", file=sys.stderr)


def run_changes(settings: Settings, args: argparse.Namespace) -> int:
    config = settings.config
    sources = resolve_sources(config, settings.config_path, args.repo)
    graph = load_service_graph(config, sources)

    if args.service not in graph.services:
        known = ", ".join(sorted(graph.services)) or "none"
        raise UserError(
            f'"{args.service}" is not a known service. Known services: {known}.'
        )

    now = datetime.now(UTC)
    zone = ZoneInfo(config.timezone)
    until = parse_time(args.until, "--until", now, zone)
    impact_start = (
        parse_time(args.impact_start, "--impact-start", now, zone)
        if args.impact_start
        else until
    )
    since = parse_time(args.since, "--since", now, zone) if args.since else None

    report = find_changes(
        config,
        sources,
        graph,
        [args.service],
        impact_start=impact_start,
        until=until,
        since=since,
        failing=args.service,
    )

    sys.stdout.write(format_changes(report, suspects(graph, [args.service])))
    for warning in report.warnings:
        print(f"warroom: {warning}", file=sys.stderr)
    return 0


def parse_time(text: str, option: str, now: datetime, zone: ZoneInfo) -> datetime:
    """Parse a command-line time; times without an offset are in `zone`."""
    try:
        when, rest = parse_when(text, now=now, tz=zone)
    except TimeParseError as error:
        raise UserError(
            f'{option} "{text}" is not a valid time ({error.problem}). '
            f"Use a form such as {TIME_FORMS}."
        ) from error
    if rest:
        raise UserError(
            f'{option} "{text}" has extra text "{rest}". Use a form such as '
            f"{TIME_FORMS}."
        )
    return when


def format_changes(report: ChangeReport, services: tuple[str, ...]) -> str:
    """Return the report as text, best-ranked commit first."""
    lines = [
        f"Commits to {', '.join(services)} from {_time(report.since)} to "
        f"{_time(report.until)} by {report.date_field} date, ranked by closeness to "
        f"{_time(report.impact_start)} and overlap with {services[0]}:",
    ]
    if not report.changes:
        lines.append("  none found")
    for change in report.changes:
        lines.extend(_change_lines(change))
    if report.deploys:
        lines += ["", "Deploy tags in the window:"]
        for deploy in report.deploys:
            lines.append(
                f"  {_time(deploy.created_at)}  {deploy.tag}  {deploy.commit[:12]}"
            )
    return "\n".join(lines) + "\n"


def _change_lines(change: Change) -> list[str]:
    flags = []
    if change.is_merge:
        flags.append("[merge]")
    if change.deploy_tags:
        flags.append(f"[deploy: {', '.join(change.deploy_tags)}]")
    files = ", ".join(change.files[:SHOWN_FILES])
    if len(change.files) > SHOWN_FILES:
        files += f" (+{len(change.files) - SHOWN_FILES} more)"
    heading = f"{change.score:.2f}  {_time(change.when)}  {change.commit[:12]}"
    subject = " ".join([change.subject, *flags])
    return [
        "",
        f"{heading}  {change.author}  {subject}",
        f"      services: {', '.join(change.services)}; repository: "
        f"{change.repository}",
        f"      files: {files}",
    ]


def _time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
