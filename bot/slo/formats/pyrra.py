"""Pyrra ServiceLevelObjective documents (`apiVersion: pyrra.dev/v1alpha1`).

Targets are percentages written as text (`'99.9'`), and `window` is a Prometheus
duration such as `2w`.
"""

from __future__ import annotations

from typing import Any

from bot.slo.formats.slo_generator import check_kind
from bot.slo.model import Slo, Window
from bot.slo.reading import DocumentReader

API_VERSION = "pyrra.dev/v1alpha1"
TARGET_HINT = "Pyrra targets are percentages written as text, e.g. '99.9'."


def is_pyrra(data: dict[str, Any]) -> bool:
    return str(data.get("apiVersion", "")).startswith("pyrra.dev/")


def title(data: dict[str, Any]) -> str:
    name = (data.get("metadata") or {}).get("name", "?")
    return f'Pyrra {data.get("kind", "?")} "{name}"'


def read(reader: DocumentReader) -> list[Slo]:
    check_kind(reader, API_VERSION)
    labels = reader.mapping("metadata.labels", required=False)
    name = reader.text("metadata.name")
    # Pyrra has no service field; a `service` label, then the namespace, name it.
    service = labels.get("service") or reader.get("metadata.namespace") or name
    target = reader.get("spec.target")
    if not isinstance(target, str):
        problem = f"expected the target as text such as '99.9', got {target!r}"
        raise reader.fail("spec.target", problem, TARGET_HINT)
    ratio = reader.mapping("spec.indicator.ratio", required=False)
    slo = Slo(
        service=str(service),
        name=name,
        objective=reader.ratio("spec.target", scale=100, hint=TARGET_HINT),
        window=Window(rolling=True, length=reader.length("spec.window")),
        description=reader.text("spec.description", default=""),
        source=reader.source,
        error_query=_rate(ratio.get("errors")),
        total_query=_rate(ratio.get("total")),
    )
    return [slo]


def _rate(value: Any) -> str | None:
    """Return a rate query with Sloth's `{{.window}}` placeholder for the range."""
    if isinstance(value, dict) and isinstance(value.get("metric"), str):
        return f"sum(rate({value['metric']}[{{{{.window}}}}]))"
    return None
