"""Sloth documents: `version: prometheus/v1` service levels, the Kubernetes
`PrometheusServiceLevel` resource with the same spec, and `AlertWindows`.

Sloth objectives are percentages (`99.9`). The spec has no window of its own, because
Sloth sets it when generating rules (`--default-slo-period`, 30d by default), so
warroom uses a rolling 30 days.
"""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

from bot.slo.model import AlertWindows, BurnRateRule, Slo, Window
from bot.slo.reading import DocumentReader, join

PROMETHEUS_VERSION = "prometheus/v1"
KUBERNETES_VERSION = "sloth.slok.dev/v1"
DEFAULT_PERIOD = timedelta(days=30)
OBJECTIVE_HINT = "Sloth objectives are percentages, e.g. 99.9."
ALERT_KINDS = (
    ("page", "quick"),
    ("page", "slow"),
    ("ticket", "quick"),
    ("ticket", "slow"),
)


def is_sloth(data: dict[str, Any]) -> bool:
    version = str(data.get("version", data.get("apiVersion", "")))
    return version == PROMETHEUS_VERSION or version.startswith("sloth.slok.dev/")


def title(data: dict[str, Any]) -> str:
    if "version" in data:
        return f'Sloth service "{data.get("service", "?")}"'
    name = (data.get("metadata") or {}).get("name", "")
    return f'Sloth {data.get("kind", "?")} "{name}"'.replace(' ""', "")


def is_alert_windows(data: dict[str, Any]) -> bool:
    return "apiVersion" in data and data.get("kind") == "AlertWindows"


def read(reader: DocumentReader) -> list[Slo]:
    """Read a prometheus/v1 document or a PrometheusServiceLevel resource."""
    if "version" in reader.data:
        return _read_spec(reader, "")
    kind = reader.text("kind")
    if kind != "PrometheusServiceLevel":
        hint = "Sloth resources warroom reads: PrometheusServiceLevel, AlertWindows."
        raise reader.fail("kind", f'unsupported kind "{kind}"', hint)
    return _read_spec(reader, "spec")


def _read_spec(reader: DocumentReader, root: str) -> list[Slo]:
    service = reader.text(join(root, "service"))
    window = Window(rolling=True, length=DEFAULT_PERIOD)
    slos = []
    for index, _ in enumerate(reader.items(join(root, "slos"))):
        where = join(join(root, "slos"), index)
        reader.mapping(where)
        events = join(where, "sli.events")
        error_query = total_query = None
        if isinstance(reader.get(events), dict):
            error_query = reader.text(join(events, "error_query"))
            total_query = reader.text(join(events, "total_query"))
        slos.append(
            Slo(
                service=service,
                name=reader.text(join(where, "name")),
                objective=reader.ratio(
                    join(where, "objective"), scale=100, hint=OBJECTIVE_HINT
                ),
                window=window,
                description=reader.text(join(where, "description"), default=""),
                source=reader.source,
                error_query=error_query,
                total_query=total_query,
            )
        )
    return slos


def read_alert_windows(reader: DocumentReader) -> AlertWindows:
    """Read Sloth's AlertWindows: the burn-rate rules for one SLO period."""
    period = reader.length("spec.sloPeriod")
    rules = []
    for severity, speed in ALERT_KINDS:
        where = f"spec.{severity}.{speed}"
        reader.mapping(where)
        share = reader.ratio(
            join(where, "errorBudgetPercent"), scale=100, hint="e.g. 2 for 2%"
        )
        rules.append(
            BurnRateRule(
                name=f"{severity} {speed}",
                budget_share=Fraction(share),
                long_window=reader.length(join(where, "longWindow")),
                short_window=reader.length(join(where, "shortWindow")),
                severity=severity,
            )
        )
    return AlertWindows(period=period, rules=tuple(rules), source=reader.source)
