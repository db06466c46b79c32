"""`warroom slo check`, `report` and `advise`: SLO files and budgets in a terminal."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.errors import UserError
from bot.settings import Settings
from bot.slo.accounting import budget_status
from bot.slo.advice_text import advice_lines
from bot.slo.advise import DEFAULT_WINDOWS, advise, earliest_window_start
from bot.slo.durations import DurationError, parse_duration
from bot.slo.loader import default_slo_path, load_slo_file, load_slo_files
from bot.slo.model import SloCatalog
from bot.slo.text import describe_slo, report_lines

# Bounds that keep window arithmetic inside the years datetime can represent.
MAX_WINDOWS = 120
EARLIEST_NOW = 1971
LATEST_NOW = 9000


def add_commands(commands: Any) -> None:
    """Register `slo check`, `slo report` and `slo advise` as top-level commands."""
    slo = commands.add_parser("slo", help="error budgets and SLO files")
    actions = slo.add_subparsers(required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate SLO files and list their SLOs")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.set_defaults(run=check_files)
    report = actions.add_parser(
        "report", help="print each SLO's budget, consumption and burn rate"
    )
    report.add_argument(
        "--window",
        help="rolling window to report instead of each SLO's own, e.g. 7d or 30d",
    )
    report.add_argument("--team", help="Slack team id; default: every workspace")
    report.set_defaults(run=print_report)

    advise = actions.add_parser(
        "advise",
        help="propose SLO adjustments from the incidents of each SLO's last windows",
    )
    advise.add_argument(
        "--windows",
        type=_window_count,
        default=DEFAULT_WINDOWS,
        help=f"how many of each SLO's windows to judge, ending now "
        f"(default {DEFAULT_WINDOWS})",
    )
    advise.add_argument("--team", help="Slack team id; default: every workspace")
    advise.add_argument(
        "--now",
        type=_moment,
        help="judge as if it were this ISO 8601 time with an offset, e.g. "
        "2026-12-01T00:00+00:00; for reproducing earlier advice (default: now)",
    )
    advise.set_defaults(run=print_advice)


def check_files(settings: Settings, args: argparse.Namespace) -> int:
    catalog = load_slo_files(args.files)
    for slo in catalog.slos:
        print(f"{describe_slo(slo)}  [{slo.source}]")
    for windows in catalog.alert_windows:
        print(f"alert windows for {windows.period.days}d SLOs  [{windows.source}]")
    for skipped in catalog.skipped:
        print(f"skipped {skipped}: it defines no objective")
    for warning in catalog.warnings:
        print(f"warning: {warning}")
    count = len(catalog.slos)
    files = len(args.files)
    print(
        f"warroom: {count} SLOs in {files} file{'s' if files != 1 else ''} are valid."
    )
    return 0


def print_report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store.db import make_engine, make_session_factory
    from bot.store.slo import impacts_since

    window = _window(args.window)
    catalog = _catalog(settings)
    now = datetime.now(UTC)
    since = min(
        now - window if window else slo.window.bounds(now)[0] for slo in catalog.slos
    )
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            impacts = impacts_since(session, since, now, args.team)
    finally:
        engine.dispose()
    statuses = [budget_status(slo, impacts, now, window) for slo in catalog.slos]
    print("\n".join(report_lines(statuses)))
    return 0


def print_advice(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store.db import make_engine, make_session_factory
    from bot.store.slo import dismissed_alerts, evidence_since, records_start

    catalog = _catalog(settings)
    now = args.now or datetime.now(UTC)
    since = earliest_window_start(catalog, now, args.windows)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            history = evidence_since(session, since, now, args.team)
            dismissed = dismissed_alerts(session, since, args.team)
            started = records_start(session, args.team)
    finally:
        engine.dispose()
    advices = advise(
        catalog,
        history,
        dismissed,
        now=now,
        records_since=started,
        window_count=args.windows,
    )
    print("\n".join(advice_lines(advices)))
    return 0


def _window_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_WINDOWS:
        raise argparse.ArgumentTypeError(
            f'"{text}" is not a whole number from 1 to {MAX_WINDOWS}'
        )
    return count


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f'"{text}" is not an ISO 8601 time such as 2026-12-01T00:00+00:00'
        ) from error
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f'"{text}" has no offset; add one, e.g. +00:00 for UTC'
        )
    if not EARLIEST_NOW <= moment.astimezone(UTC).year <= LATEST_NOW:
        raise argparse.ArgumentTypeError(
            f'"{text}" is too far from today to judge SLO windows ending then'
        )
    return moment.astimezone(UTC)


def _window(text: str | None) -> timedelta | None:
    if text is None:
        return None
    try:
        length, _ = parse_duration(text, months=False)
    except DurationError as error:
        raise UserError(f"--window: {error}. {error.hint}") from error
    return length


def _catalog(settings: Settings) -> SloCatalog:
    path = default_slo_path(settings.config.slo_file, settings.docs_repo)
    if path is None:
        raise UserError(
            "No SLO file is configured. Set slo_file in warroom.yaml or "
            "WARROOM_DOCS_REPO to a checkout with slo.yaml."
        )
    catalog = load_slo_file(path)
    if not catalog.slos:
        raise UserError(f"{path} defines no SLOs. Add one; README.md has an example.")
    return catalog
