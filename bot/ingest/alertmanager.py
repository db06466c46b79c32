"""Alertmanager (webhook version 4) and Grafana Alerting payloads.

Both send a notification group: one `groupKey` and a list of alerts, each with its
own status, labels, annotations, `startsAt`, `endsAt` and fingerprint. Grafana adds
`dashboardURL`, `panelURL`, `silenceURL` and `values` to each alert.
"""

from __future__ import annotations

import hashlib
import json
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
    parse_optional_end,
    parse_time,
    stable_key,
    string_labels,
)

SUMMARY_ANNOTATIONS = ("summary", "message", "description")
RUNBOOK_ANNOTATIONS = ("runbook_url", "runbook")
DASHBOARD_ANNOTATIONS = ("dashboard_url", "dashboard")


def parse_alertmanager(
    payload: Mapping[str, Any], services: ServiceMapping
) -> list[AlertSignal]:
    return _parse_group(payload, services, "alertmanager")


def parse_grafana(
    payload: Mapping[str, Any], services: ServiceMapping
) -> list[AlertSignal]:
    return _parse_group(payload, services, "grafana")


def _parse_group(
    payload: Mapping[str, Any], services: ServiceMapping, source: str
) -> list[AlertSignal]:
    alerts = payload.get("alerts")
    if not isinstance(alerts, list):
        raise PayloadError("alerts: expected a list of alerts.")
    group_key = payload.get("groupKey")
    if not isinstance(group_key, str):
        raise PayloadError("groupKey: expected a string.")
    if source == "grafana":
        # Grafana's default grouping sends "{}:{}" for every rule of an
        # organisation, so the receiver is part of the group.
        group_key = (
            f"{payload.get('orgId', '')}:{payload.get('receiver', '')}:{group_key}"
        )
    common = string_labels(mapping_field(payload, "commonAnnotations", ""))
    return [
        _parse_alert(alert, f"alerts[{index}]", group_key, common, services, source)
        for index, alert in enumerate(alerts)
    ]


def _parse_alert(
    alert: object,
    where: str,
    group_key: str,
    common_annotations: Mapping[str, str],
    services: ServiceMapping,
    source: str,
) -> AlertSignal:
    if not isinstance(alert, dict):
        raise PayloadError(f"{where}: expected an object.")
    status = alert.get("status")
    if status not in (FIRING, RESOLVED):
        raise PayloadError(f'{where}.status: expected "firing" or "resolved".')
    labels = string_labels(mapping_field(alert, "labels", where))
    annotations = {
        **common_annotations,
        **string_labels(mapping_field(alert, "annotations", where)),
    }
    name = labels.get("alertname", "").strip()
    if not name:
        raise PayloadError(f"{where}.labels.alertname: expected a non-empty string.")
    return AlertSignal(
        source=source,
        name=name,
        fingerprint=_fingerprint(alert, labels),
        group_key=stable_key(group_key),
        status=status,
        starts_at=parse_time(alert.get("startsAt"), f"{where}.startsAt"),
        ends_at=_end(alert, where, status),
        severity=labels.get("severity") or None,
        service=services.service_for(labels),
        summary=_first(annotations, SUMMARY_ANNOTATIONS) or name,
        runbook_url=_first(annotations, RUNBOOK_ANNOTATIONS),
        dashboard_url=optional_text(alert, "dashboardURL")
        or optional_text(alert, "panelURL")
        or _first(annotations, DASHBOARD_ANNOTATIONS),
        source_url=optional_text(alert, "generatorURL"),
        labels=labels,
    )


def _end(alert: Mapping[str, Any], where: str, status: str) -> Any:
    ends_at = parse_optional_end(alert.get("endsAt"), f"{where}.endsAt")
    # A firing alert's endsAt is the time Alertmanager would consider it resolved
    # if no new notification came, not an observed end, so only resolved ones keep it.
    return ends_at if status == RESOLVED else None


def _fingerprint(alert: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    fingerprint = optional_text(alert, "fingerprint")
    if fingerprint:
        return stable_key(fingerprint)
    # Without a fingerprint in the payload, the label set identifies the alert.
    encoded = json.dumps(sorted(labels.items())).encode()
    return hashlib.sha256(encoded).hexdigest()


def _first(annotations: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = annotations.get(key, "").strip()
        if value:
            return value
    return None
