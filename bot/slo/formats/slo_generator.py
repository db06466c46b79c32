"""Google slo-generator SLO documents (`apiVersion: sre.google.com/v2`).

Goals are fractions (`0.999`). The documents carry no window, because windows belong
to slo-generator's error budget policy, so warroom uses 28 days, the longest step of
slo-generator's sample policy.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.slo.model import Slo, Window
from bot.slo.reading import DocumentReader

API_VERSION = "sre.google.com/v2"
DEFAULT_WINDOW = timedelta(days=28)
GOAL_HINT = "slo-generator goals are fractions, e.g. 0.999."


def is_slo_generator(data: dict[str, Any]) -> bool:
    return str(data.get("apiVersion", "")).startswith("sre.google.com/")


def title(data: dict[str, Any]) -> str:
    name = (data.get("metadata") or {}).get("name", "?")
    return f'slo-generator {data.get("kind", "?")} "{name}"'


def read(reader: DocumentReader) -> list[Slo]:
    check_kind(reader, API_VERSION)
    labels = reader.mapping("metadata.labels", required=False)
    name = reader.text("metadata.name")
    service = labels.get("service_name") or labels.get("service") or name
    sli = labels.get("slo_name") or name
    slo = Slo(
        service=str(service),
        name=str(sli),
        objective=reader.ratio("spec.goal", scale=1, hint=GOAL_HINT),
        window=Window(rolling=True, length=DEFAULT_WINDOW),
        description=reader.text("spec.description", default=""),
        source=reader.source,
    )
    return [slo]


def check_kind(reader: DocumentReader, expected: str) -> None:
    """Reject other versions and kinds than `expected` ServiceLevelObjective."""
    version = reader.text("apiVersion")
    kind = reader.text("kind")
    if version != expected:
        problem = f'unsupported version "{version}"'
        raise reader.fail("apiVersion", problem, f"warroom reads {expected}.")
    if kind != "ServiceLevelObjective":
        hint = "warroom reads the kind ServiceLevelObjective."
        raise reader.fail("kind", f'unsupported kind "{kind}"', hint)
