"""The `warroom` command line: serve the bot, migrate the database, check settings."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot import __version__
from bot.cli_slo import add_commands as add_slo_commands
from bot.errors import UserError, WarroomError
from bot.investigate.commands import add_commands as add_investigation_commands
from bot.investigate.diagnosis_commands import add_commands as add_diagnosis_commands
from bot.logs import LOG_FORMATS, configure_logging, hide_secrets, log_format_from_env
from bot.settings import Settings, settings_from_env
from bot.store.db import make_engine, upgrade


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        log_format = args.log_format or log_format_from_env(os.environ)
        configure_logging(args.log_level, log_format)
        settings = settings_from_env()
        hide_secrets(
            [
                settings.slack_bot_token,
                settings.slack_signing_secret,
                settings.slack_app_token,
            ]
        )
        return int(args.run(settings, args))
    except WarroomError as error:
        print(f"warroom: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="warroom", description="Incident-response bot for Slack."
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="lowest level of log lines to print (default INFO)",
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        help="text, or json for one JSON object per line (default: LOG_FORMAT, "
        "else text)",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate the database and run the bot")
    serve.set_defaults(run=_serve)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(required=True, metavar="ACTION")
    db_upgrade = db_commands.add_parser("upgrade", help="migrate to the newest schema")
    db_upgrade.set_defaults(run=_db_upgrade)

    postmortem = commands.add_parser(
        "postmortem", help="print an incident's postmortem draft as Markdown"
    )
    postmortem.add_argument("incident", help="the incident, e.g. INC-12")
    postmortem.add_argument(
        "--team", help="Slack team id, needed when several workspaces are stored"
    )
    postmortem.add_argument(
        "--write",
        action="store_true",
        help="also write it into WARROOM_DOCS_REPO and commit it there",
    )
    postmortem.set_defaults(run=_postmortem)

    tag = commands.add_parser(
        "tag", help="mark a line of code with an INCIDENT-<date> comment and commit it"
    )
    tag.add_argument("incident", help="the incident, e.g. INC-12")
    tag.add_argument("location", help="file and line, e.g. services/pool.py:42")
    tag.add_argument("text", nargs="*", help="the comment (default: the title)")
    tag.add_argument(
        "--repo", help="git checkout holding the file (default: WARROOM_DOCS_REPO)"
    )
    tag.add_argument(
        "--team", help="Slack team id, needed when several workspaces are stored"
    )
    tag.set_defaults(run=_tag)
    add_slo_commands(commands)

    _add_report_parser(commands)

    check = commands.add_parser(
        "check-config", help="validate the environment and warroom.yaml, then exit"
    )
    check.set_defaults(run=_check_config)
    add_investigation_commands(commands)
    add_diagnosis_commands(commands)
    return parser


def _add_report_parser(commands: Any) -> None:
    from bot.report.periods import PERIOD_KINDS

    report = commands.add_parser(
        "report", help="print incident trends as tables and optionally PNG charts"
    )
    report.add_argument(
        "--since",
        default="90d",
        help="window start: days (90d), weeks (12w) or a date (2026-09-01); "
        "default 90d",
    )
    report.add_argument(
        "--period",
        choices=PERIOD_KINDS,
        default="month",
        help="group by calendar month or ISO week in `timezone` (default month)",
    )
    report.add_argument("--png", metavar="DIR", help="also write PNG charts into DIR")
    report.add_argument(
        "--team", help="Slack team id, needed when several workspaces are stored"
    )
    report.set_defaults(run=_report)


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli_report import run_report

    engine = make_engine(settings.database_url)
    try:
        return run_report(settings, engine, args)
    finally:
        engine.dispose()


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import create_app
    from bot.server import serve

    settings.check_slack_credentials()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    serve(create_app(settings, engine=engine))
    return 0


def _db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    print("warroom: the database schema is up to date.")
    return 0


def _postmortem(settings: Settings, args: argparse.Namespace) -> int:
    from bot.docs.postmortem import context_for, render
    from bot.docs.review import review
    from bot.store.db import make_session_factory
    from bot.templating import make_environment

    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            incident = _find_incident(session, args.incident, args.team)
            context = context_for(session, incident, settings)
        markdown = render(make_environment(settings.templates_dir), context)
        print(markdown)
        _print_findings(review(context, incident.severity))
        if args.write:
            _write_postmortem(settings, incident, context, markdown)
    finally:
        engine.dispose()
    return 0


def _find_incident(session: Any, reference: str, team: str | None) -> Any:
    from bot.incidents.naming import parse_incident_reference
    from bot.store.incidents import MAX_NUMBER
    from bot.store.models import Incident

    number = parse_incident_reference(reference)
    if number is None:
        raise UserError(f'"{reference}" is not an incident reference such as INC-12.')
    if number > MAX_NUMBER:
        raise UserError(f"There is no incident INC-{number}.")
    query = session.query(Incident).filter_by(number=number)
    if team:
        query = query.filter_by(team_id=team)
    found = query.all()
    if not found:
        raise UserError(f"There is no incident INC-{number}.")
    if len(found) > 1:
        teams = ", ".join(sorted(i.team_id for i in found))
        raise UserError(f"INC-{number} exists in {teams}; choose one with --team.")
    return found[0]


def _tag(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from bot.docs.tagging import parse_location, tag_line
    from bot.incidents.naming import incident_reference
    from bot.store.db import make_session_factory

    location = parse_location(args.location)
    root = Path(args.repo) if args.repo else settings.docs_repo
    if root is None:
        raise UserError("Name the checkout with --repo, or set WARROOM_DOCS_REPO.")
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            incident = _find_incident(session, args.incident, args.team)
            reference = incident_reference(incident.number)
            zone = ZoneInfo(settings.config.timezone)
            day = incident.declared_at.astimezone(zone).date()
            text = " ".join(args.text) or f"{reference} {incident.title}"
    finally:
        engine.dispose()
    tagged = tag_line(root, location, day, text, reference)
    if not tagged.added:
        print(f"warroom: {tagged.path} already has that comment.", file=sys.stderr)
        return 0
    print(tagged.comment)
    print(
        f"warroom: added it at {tagged.path}:{tagged.line} in commit "
        f"{tagged.commit[:12]}; push it when you are ready.",
        file=sys.stderr,
    )
    return 0


def _print_findings(findings: Sequence[Any]) -> None:
    if not findings:
        print("warroom: the blameless review found nothing.", file=sys.stderr)
        return
    count = f"{len(findings)} issue" + ("" if len(findings) == 1 else "s")
    print(f"warroom: the blameless review found {count}:", file=sys.stderr)
    for finding in findings:
        print(f"- {finding.section}: {finding.message}", file=sys.stderr)


def _write_postmortem(
    settings: Settings, incident: Any, context: dict[str, Any], markdown: str
) -> None:
    from bot.docs.publishing import publish_to_docs
    from bot.templating import make_environment

    if settings.docs_repo is None:
        raise UserError("Set WARROOM_DOCS_REPO to the docs checkout to use --write.")
    published = publish_to_docs(
        settings.docs_repo,
        make_environment(settings.templates_dir),
        context,
        markdown,
        services=list(incident.services),
        remote=settings.config.docs_remote,
    )
    for path in (published.postmortem, *published.runbooks):
        print(f"warroom: wrote {path}", file=sys.stderr)
    print(f"warroom: in commit {published.commit[:12]}.", file=sys.stderr)


def _check_config(settings: Settings, args: argparse.Namespace) -> int:
    settings.check_slack_credentials()
    make_engine(settings.database_url).dispose()  # validates the URL, no connection
    slo = _check_slo_file(settings)
    for warning in _setup_warnings(settings):
        print(f"warroom: warning: {warning}", file=sys.stderr)
    where = settings.config_path or "defaults (WARROOM_CONFIG is not set)"
    print(f"warroom: settings are valid; configuration from {where}; {slo}.")
    return 0


def _check_slo_file(settings: Settings) -> str:
    """Load the SLO file the bot would read; a broken one fails the check."""
    from bot.slo.loader import default_slo_path, load_slo_file

    path = default_slo_path(settings.config.slo_file, settings.docs_repo)
    if path is None or (settings.config.slo_file is None and not path.exists()):
        return "no SLO file"
    if not path.exists():
        raise UserError(f"slo_file {path} does not exist. Write it or fix slo_file.")
    catalog = load_slo_file(path)
    return f"{len(catalog.slos)} SLOs from {path}"


def _setup_warnings(settings: Settings) -> list[str]:
    """Name settings that are valid but leave a feature without what it needs."""
    config = settings.config
    warnings = []
    if config.docs_remote is not None and settings.docs_repo is None:
        warnings.append("docs.remote is set, but WARROOM_DOCS_REPO is not.")
    if config.investigation.repository is not None:
        base = settings.config_path.parent if settings.config_path else Path.cwd()
        if not (base / config.investigation.repository).is_dir():
            warnings.append(
                f"investigation.repository {config.investigation.repository} is not "
                f"a folder (read from {base})."
            )
    for source, credentials in config.alerts.sources.items():
        for variable in credentials.variables():
            if not os.environ.get(variable):
                warnings.append(
                    f"alerts.sources.{source} names {variable}, which is not set, so "
                    f"every /alerts/{source} request gets 401."
                )
    return warnings


if __name__ == "__main__":
    sys.exit(main())
