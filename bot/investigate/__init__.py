"""Investigation: service graph, blast radius, recent changes, runbooks and history.

Reads warroom.yaml, compose files, Kubernetes manifests, git and Markdown; writes
nothing. The usual sequence for an incident on `failing`:

    sources = resolve_sources(config, config_path)
    graph = load_service_graph(config, sources)
    radius = blast_radius(graph, failing)
    report = find_changes(
        config, sources, graph, [failing], impact_start=start, until=now
    )
    scan = load_runbooks(config, sources, docs_repo)
    matches = match_runbooks(scan.runbooks, services=[failing], alerts=[alert])
    stored = from_records(incidents_from_database, severity_names)
    past = suggest_past_incidents(
        [failing], [*stored, *read_incident_index(docs_repo)]
    )
"""

from bot.investigate.changes import Change, ChangeQuery, ChangeReport, Deploy
from bot.investigate.errors import InvestigationError
from bot.investigate.graph import BlastRadius, ServiceGraph, blast_radius
from bot.investigate.history import (
    PastIncident,
    PastIncidentMatch,
    from_records,
    read_incident_index,
    suggest_past_incidents,
)
from bot.investigate.render import format_blast_radius, format_graph, to_dot
from bot.investigate.runbooks import Runbook, RunbookMatch, match_runbooks
from bot.investigate.system import (
    Sources,
    find_changes,
    load_runbooks,
    load_service_graph,
    resolve_sources,
    suspects,
)

__all__ = [
    "BlastRadius",
    "Change",
    "ChangeQuery",
    "ChangeReport",
    "Deploy",
    "InvestigationError",
    "PastIncident",
    "PastIncidentMatch",
    "Runbook",
    "RunbookMatch",
    "ServiceGraph",
    "Sources",
    "blast_radius",
    "find_changes",
    "format_blast_radius",
    "format_graph",
    "from_records",
    "load_runbooks",
    "load_service_graph",
    "match_runbooks",
    "read_incident_index",
    "resolve_sources",
    "suggest_past_incidents",
    "suspects",
    "to_dot",
]
