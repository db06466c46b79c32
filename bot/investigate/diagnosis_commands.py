"""The `warroom trace` and `warroom check-deps` commands."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from bot.errors import UserError
from bot.investigate.commands import parse_time
from bot.investigate.deps import TracedIncident, check_dependencies, format_check
from bot.investigate.system import load_service_graph, resolve_sources
from bot.investigate.trace import TraceQuery, trace, trace_sources
from bot.investigate.trace_format import format_trace
from bot.settings import Settings

DIFFERENT = 1


def add_commands(commands: Any) -> None:
    """Register `trace` and `check-deps` on the `warroom` subcommand parsers."""
    tracer = commands.add_parser(
        "trace", help="find where an error is raised, logged or handled"
    )
    tracer.add_argument(
        "text", help='the error text, an exception name, or "-" to read a stack trace'
    )
    tracer.add_argument(
        "--since",
        help="mark lines changed after this time (default now minus lookback)",
    )
    tracer.add_argument("--until", default="now", help="window end (default now)")
    tracer.add_argument(
        "--repo", type=Path, help="checkout of the system (default from warroom.yaml)"
    )
    tracer.set_defaults(run=run_trace)

    check = commands.add_parser(
        "check-deps",
        help="compare declared dependencies with manifests and incidents; exit 1 "
        "when they differ",
    )
    check.add_argument(
        "--repo", type=Path, help="checkout of the system (default from warroom.yaml)"
    )
    check.add_argument(
        "--skip-incidents",
        action="store_true",
        help="compare with the manifests only, without reading DATABASE_URL",
    )
    check.add_argument("--team", help="Slack team id whose incidents to read")
    check.set_defaults(run=run_check_deps)


def run_trace(settings: Settings, args: argparse.Namespace) -> int:
    config = settings.config
    text = args.text
    if text == "-":
        # Pasted logs may hold bytes of another encoding; they cannot match code.
        text = sys.stdin.buffer.read().decode("utf-8", "replace")
    sources = resolve_sources(config, settings.config_path, args.repo)
    graph = load_service_graph(config, sources)
    repositories, targets = trace_sources(config, sources, graph)
    now = datetime.now(UTC)
    zone = ZoneInfo(config.timezone)
    until = parse_time(args.until, "--until", now, zone)
    since = (
        parse_time(args.since, "--since", now, zone)
        if args.since
        else until - config.investigation.lookback
    )
    query = TraceQuery(text, since, until, config.investigation.change_date)
    report = trace(repositories, targets, query)
    sys.stdout.write(format_trace(report))
    for warning in report.warnings:
        print(f"warroom: {warning}", file=sys.stderr)
    return 0


def run_check_deps(settings: Settings, args: argparse.Namespace) -> int:
    config = settings.config
    sources = resolve_sources(config, settings.config_path, args.repo)
    graph = load_service_graph(config, sources)
    incidents = [] if args.skip_incidents else read_incidents(settings, args.team)
    check = check_dependencies(graph, config.services, incidents)
    sys.stdout.write(format_check(check))
    return 0 if check.agrees else DIFFERENT


def read_incidents(settings: Settings, team: str | None) -> list[TracedIncident]:
    from sqlalchemy.engine import make_url

    from bot.store.db import make_engine, make_session_factory
    from bot.store.hypotheses import traced_incidents

    url = make_url(settings.database_url)
    sqlite_file = url.database if url.get_backend_name() == "sqlite" else None
    # Connecting to a SQLite file that does not exist would create an empty one.
    if sqlite_file and sqlite_file != ":memory:" and not Path(sqlite_file).exists():
        raise UserError(
            f"There is no database at {url.database}. Set DATABASE_URL to the "
            "bot's database, or pass --skip-incidents to compare with the "
            "manifests only."
        )
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return traced_incidents(session, team)
    except SQLAlchemyError as error:
        raise UserError(
            f"Could not read incidents from DATABASE_URL ({type(error).__name__}). "
            "Run `warroom db upgrade`, or pass --skip-incidents to compare with the "
            "manifests only."
        ) from error
    finally:
        engine.dispose()
