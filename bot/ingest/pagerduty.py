"""PagerDuty webhook (v3) payloads: one event about one PagerDuty incident.

Only incident events become signals. The PagerDuty incident id is the fingerprint,
so every event about one PagerDuty incident updates the same signal, and signals are
grouped per PagerDuty service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.ingest.services import ServiceMapping
from bot.ingest.signal import (
    FIRING,
    RESOLVED,
    AlertSignal,
    PayloadError,
    mapping_field,
    optional_text,
    parse_time,
    stable_key,
    text_field,
)

INCIDENT_RESOURCE = "incident"
# Events that end a PagerDuty incident; every other incident event leaves it open.
RESOLVING_EVENTS = frozenset({"incident.resolved"})


def parse_pagerduty(
    payload: Mapping[str, Any], services: ServiceMapping
) -> list[AlertSignal]:
    """Parse one v3 event; events about other resources return no signal."""
    event = mapping_field(payload, "event", "")
    if not event:
        raise PayloadError("event: expected the v3 event object.")
    event_type = text_field(event, "event_type", "event")
    if event.get("resource_type") != INCIDENT_RESOURCE:
        return []
    data = mapping_field(event, "data", "event")
    incident_id = text_field(data, "id", "event.data")
    occurred_at = parse_time(event.get("occurred_at"), "event.occurred_at")
    resolved = event_type in RESOLVING_EVENTS or data.get("status") == RESOLVED
    service = mapping_field(data, "service", "event.data")
    service_name = optional_text(service, "summary")
    labels = _labels(data, service, event_type)
    return [
        AlertSignal(
            source="pagerduty",
            name=text_field(data, "title", "event.data"),
            fingerprint=stable_key(incident_id),
            group_key=stable_key(optional_text(service, "id") or incident_id),
            status=RESOLVED if resolved else FIRING,
            starts_at=_start(data, occurred_at),
            ends_at=occurred_at if resolved else None,
            severity=_severity(data),
            service=services.rename(service_name) if service_name else None,
            summary=text_field(data, "title", "event.data"),
            source_url=optional_text(data, "html_url"),
            labels=labels,
        )
    ]


def _start(data: Mapping[str, Any], occurred_at: Any) -> Any:
    if data.get("created_at") in (None, ""):
        return occurred_at
    return parse_time(data.get("created_at"), "event.data.created_at")


def _severity(data: Mapping[str, Any]) -> str | None:
    """Return the priority name (P1 …) when set, otherwise the urgency."""
    priority = data.get("priority")
    if isinstance(priority, dict):
        name = optional_text(priority, "summary")
        if name:
            return name
    return optional_text(data, "urgency")


def _labels(
    data: Mapping[str, Any], service: Mapping[str, Any], event_type: str
) -> dict[str, str]:
    labels = {"event_type": event_type}
    for key, value in (
        ("incident_number", data.get("number")),
        ("incident_key", data.get("incident_key")),
        ("urgency", data.get("urgency")),
        ("service_id", service.get("id")),
    ):
        if isinstance(value, str | int) and not isinstance(value, bool):
            labels[key] = str(value)
    return labels
