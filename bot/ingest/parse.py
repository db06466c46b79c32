"""Parse a webhook body from any supported source into signals."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from bot.ingest.alertmanager import parse_alertmanager, parse_grafana
from bot.ingest.datadog import parse_datadog
from bot.ingest.pagerduty import parse_pagerduty
from bot.ingest.services import ServiceMapping
from bot.ingest.signal import AlertSignal, PayloadError

Parser = Callable[[Mapping[str, Any], ServiceMapping], list[AlertSignal]]

PARSERS: dict[str, Parser] = {
    "alertmanager": parse_alertmanager,
    "grafana": parse_grafana,
    "pagerduty": parse_pagerduty,
    "datadog": parse_datadog,
}


def parse_body(source: str, body: bytes, services: ServiceMapping) -> list[AlertSignal]:
    """Parse a raw webhook body; raise PayloadError naming the field at fault."""
    parser = PARSERS.get(source)
    if parser is None:
        raise PayloadError(f'unknown alert source "{source}".')
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(f"the body is not JSON: {error}.") from error
    if not isinstance(payload, dict):
        raise PayloadError("the body must be a JSON object.")
    return parser(payload, services)
