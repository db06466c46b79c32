"""`/incident slo`: what the incident cost each SLO of its services, with a chart."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from bot.docs.budget import cost_figures
from bot.errors import UserError
from bot.flows.base import Actor, Reply, post, require_incident, utc_now
from bot.runtime import Runtime
from bot.slack import api, views
from bot.slack.blocks import fit_blocks, paragraphs
from bot.slo.accounting import IncidentCost, incident_costs, services_without_slo
from bot.slo.budget import seconds
from bot.slo.chart import impacts_png
from bot.slo.impact import IncidentImpact
from bot.slo.loader import default_slo_path, load_slo_file
from bot.slo.model import SloCatalog, format_period
from bot.slo.policy import SloFinding, policy_findings
from bot.slo.text import (
    format_objective,
    format_rate,
    format_seconds,
    format_share,
    format_time,
)
from bot.store.slo import impact_for, impacts_since
from bot.text import counted

log = logging.getLogger(__name__)

NO_SLO_FILE = (
    "There is no SLO file{where}. Write slo.yaml in the docs repository (README.md, "
    "section Error budgets, has an example) or set slo_file in warroom.yaml."
)


def load_catalog(runtime: Runtime) -> SloCatalog:
    """Read the configured SLO file, or explain how to add one."""
    settings = runtime.settings
    path = default_slo_path(settings.config.slo_file, settings.docs_repo)
    if path is None or not path.exists():
        where = (
            f" at {path}"
            if path
            else " (neither slo_file nor WARROOM_DOCS_REPO is set)"
        )
        raise UserError(NO_SLO_FILE.format(where=where))
    return load_slo_file(path)


def show(runtime: Runtime, actor: Actor, argument: str, reply: Reply) -> None:
    """Post the incident's error-budget account and one burn-down chart per SLO."""
    catalog = load_catalog(runtime)
    now = utc_now()
    with runtime.sessions() as session:
        incident = require_incident(session, actor)
        impact = impact_for(session, incident, now)
        history = impacts_since(
            session, _history_start(catalog, impact), now, actor.team_id
        )
        has_p0 = any(item.priority == "P0" for item in incident.action_items)

    if not impact.services:
        raise UserError(
            f"{impact.reference} names no affected services, so no SLO applies. "
            "Add them with `/incident services add <name>`."
        )
    costs = incident_costs(catalog, impact, history)
    uncovered = services_without_slo(catalog, impact.services)
    findings = policy_findings(costs, uncovered, has_p0_action=has_p0)
    text = render(runtime, impact, costs, findings)

    assert incident.channel_id is not None
    for cost in costs:
        api.upload_file(
            runtime.client,
            channel=incident.channel_id,
            filename=f"error-budget-{impact.reference}-{_slug(cost.slo.label)}.png",
            title=f"Error budget of {cost.slo.label}",
            content=impacts_png(
                cost.slo, [*history, impact], cost.window_start, cost.window_end
            ),
        )

    post(
        runtime, incident.channel_id, views.Message(text, fit_blocks(paragraphs(text)))
    )
    log.info("incident %s: posted the error budget of %d SLOs", incident.id, len(costs))
    slos = counted(len(costs), "SLO")
    reply(f"Posted the error budget of {impact.reference} for {slos}.")


def _history_start(catalog: SloCatalog, impact: IncidentImpact) -> datetime:
    starts = [
        slo.window.bounds(impact.end)[0]
        for service in impact.services
        for slo in catalog.for_service(service)
    ]
    return min(starts, default=impact.start)


def render(
    runtime: Runtime,
    impact: IncidentImpact,
    costs: list[IncidentCost],
    findings: list[SloFinding],
) -> str:
    template = runtime.templates.get_template("slack/slo.md.j2")
    ratio = impact.error_ratio
    note = ""
    if ratio is not None:
        duration = format_seconds(seconds(impact.end - impact.start))
        errors = format_objective(ratio)
        note = f"{errors} errors for {duration}, from {impact.ratio_source}"
        if impact.ongoing:
            note += ", still going on"
    return template.render(
        reference=impact.reference,
        impact_note=note,
        costs=[_cost_view(cost) for cost in costs],
        findings=findings,
    )


def _cost_view(cost: IncidentCost) -> dict[str, Any]:
    alerts = []
    for timing in cost.alerts:
        rule = timing.rule
        if timing.fires_at is None:
            continue
        alerts.append(
            f"The {rule.name} alert ({format_rate(timing.burn_rate)} over "
            f"{format_period(rule.long_window)} and "
            f"{format_period(rule.short_window)}) would have fired at "
            f"{format_time(timing.fires_at)}."
        )
    if cost.share is not None:
        alerts.append(f"Detected at {format_time(cost.impact.detected_at)}.")
    overspent = format_share(-cost.remaining) if cost.remaining < 0 else ""
    return {
        **cost_figures(cost),
        "exhaustion": _exhaustion(cost),
        "overspent": overspent,
        "alerts": alerts,
    }


def _slug(label: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in label.lower()).strip("-")


def _exhaustion(cost: IncidentCost) -> str:
    if cost.exhaustion_seconds is None:
        return ""
    return format_seconds(cost.exhaustion_seconds)
