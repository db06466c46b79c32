"""The system under investigation as the Slack flows see it: sources, graph, names.

Every command reads the sources again, so a changed compose file or catalogue is
seen without a restart.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import UserError
from bot.investigate import ServiceGraph, Sources
from bot.investigate import load_service_graph as load_graph_from
from bot.investigate import resolve_sources as resolve_sources_of
from bot.runtime import Runtime
from bot.slack import api
from bot.slack.blocks import escape_mrkdwn

# Names of an argument are separated by spaces or commas: "checkout, payments".
NAME_SEPARATOR = re.compile(r"[\s,]+")
CLOSE_MATCHES = 3
# The list of known names in an error message stops after this many.
MAX_KNOWN_NAMES = 30

NO_SERVICES = (
    "No services are known. Add a `services` catalogue to warroom.yaml, or set "
    "`investigation.repository` to a checkout with a compose file or "
    "`investigation.kubernetes` to its manifests."
)


@dataclass(frozen=True)
class System:
    """The resolved source folders and the service graph read from them."""

    sources: Sources
    graph: ServiceGraph


NO_SYSTEM = (
    "warroom does not know where the system's code and manifests are. Set "
    "investigation.repository (and the services catalogue) in the warroom.yaml "
    "named by WARROOM_CONFIG."
)


def resolve_sources(runtime: Runtime) -> Sources:
    """Resolve the system's folders; without a configured one there is nothing to read.

    The command line may fall back to the current folder, but the bot's current
    folder is wherever it was started, which is not the system under investigation.
    """
    settings = runtime.settings
    config = settings.config
    if (
        settings.config_path is None
        and config.investigation.repository is None
        and not config.services
    ):
        raise UserError(NO_SYSTEM)
    return resolve_sources_of(config, settings.config_path)


def runbook_sources(runtime: Runtime) -> Sources:
    """Resolve where runbooks are read; the docs repository alone is enough."""
    docs = runtime.settings.docs_repo
    try:
        return resolve_sources(runtime)
    except UserError:
        if docs is None:
            raise
        return Sources(base=docs, repository=docs, config_file="warroom.yaml")


def load_system(runtime: Runtime) -> System:
    """Read the configured sources; raises InvestigationError naming a bad source."""
    sources = resolve_sources(runtime)
    return System(sources, load_graph_from(runtime.settings.config, sources))


def split_names(argument: str) -> list[str]:
    """Return the names of an argument once each, in the order given."""
    names = [name for name in NAME_SEPARATOR.split(argument) if name]
    return list(dict.fromkeys(names))


def resolve_names(graph: ServiceGraph, names: Sequence[str]) -> tuple[str, ...]:
    """Return the graph's spelling of each name; raise UserError for unknown names.

    Names match regardless of case. The error lists close matches for each
    unknown name and the names the graph contains.
    """
    if not graph.services:
        raise UserError(NO_SERVICES)
    by_lower = {service.lower(): service for service in graph.services}
    found = []
    problems = []
    for name in names:
        service = by_lower.get(name.lower())
        if service is not None:
            found.append(service)
            continue
        problems.append(_unknown(name, by_lower))
    if problems:
        raise UserError(" ".join(problems) + " " + known_services(graph))
    return tuple(dict.fromkeys(found))


def _unknown(name: str, by_lower: dict[str, str]) -> str:
    quoted = escape_mrkdwn(name)
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=CLOSE_MATCHES)
    if not close:
        return f'"{quoted}" is not a known service.'
    suggestions = " or ".join(f"`{by_lower[match]}`" for match in close)
    return f'"{quoted}" is not a known service. Did you mean {suggestions}?'


def known_services(graph: ServiceGraph) -> str:
    """Return a sentence listing the graph's services, cut after a few dozen."""
    names = sorted(graph.services)
    listed = ", ".join(escape_mrkdwn(name) for name in names[:MAX_KNOWN_NAMES])
    if len(names) > MAX_KNOWN_NAMES:
        listed += f" and {len(names) - MAX_KNOWN_NAMES} more"
    return f"Known services: {listed}."


def share_file(
    runtime: Runtime, channel: str, filename: str, title: str, content: bytes
) -> str:
    """Upload a file to `channel` and return its name.

    Channel errors such as not_in_channel become a UserError saying what to do.
    """
    api.call(
        "files upload",
        lambda: api.upload_file(
            runtime.client,
            channel=channel,
            filename=filename,
            title=title,
            content=content,
        ),
        channel=channel,
    )
    return filename
