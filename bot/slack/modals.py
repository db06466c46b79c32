"""The declare form, and reading its submission back into a DeclareRequest."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.config import WarroomConfig
from bot.flows.actions import NewItem
from bot.flows.declare import DeclareRequest
from bot.incidents.actions import (
    CATEGORIES,
    DEFAULT_PRIORITY,
    EFFORT_SIZES,
    PHASE_NAMES,
    PRIORITIES,
)
from bot.slack import ids

TITLE_LIMIT = 150


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def declare_modal(config: WarroomConfig, *, origin_channel: str) -> dict[str, Any]:
    severity_options = [
        {
            "text": plain(f"{s.name}: {s.description}"[:75]),
            "value": str(s.level),
        }
        for s in config.severities
    ]
    blocks: list[dict[str, Any]] = [
        _input(
            ids.DECLARE_TITLE,
            "Title",
            {"type": "plain_text_input", "max_length": TITLE_LIMIT},
        ),
        _input(
            ids.DECLARE_DESCRIPTION,
            "What is happening?",
            {"type": "plain_text_input", "multiline": True, "max_length": 3000},
            optional=True,
        ),
        _input(
            ids.DECLARE_SEVERITY,
            "Severity (best guess)",
            {"type": "static_select", "options": severity_options},
            optional=True,
        ),
        _services_input(config),
        _input(
            ids.DECLARE_PRIVATE,
            "Visibility",
            {
                "type": "checkboxes",
                "options": [
                    {"text": plain("Private incident channel"), "value": "private"}
                ],
            },
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.DECLARE_VIEW,
        "private_metadata": origin_channel,
        "title": plain("Declare an incident"),
        "submit": plain("Declare"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def _services_input(config: WarroomConfig) -> dict[str, Any]:
    element: dict[str, Any]
    if config.services:
        options = [
            {"text": plain(service.name[:75]), "value": service.name[:150]}
            for service in config.services[:100]
        ]
        element = {"type": "multi_static_select", "options": options}
    else:
        element = {
            "type": "plain_text_input",
            "placeholder": plain("checkout, payments"),
        }
    return _input(ids.DECLARE_SERVICES, "Affected services", element, optional=True)


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": {**element, "action_id": block_id},
        "optional": optional,
    }


def submitted(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    """Return the state of an input; block id and action id are equal in these forms."""
    values = view["state"]["values"]
    return dict(values.get(block_id, {}).get(block_id, {}))


def read_declare_submission(view: dict[str, Any]) -> DeclareRequest:
    def element(block_id: str) -> dict[str, Any]:
        return submitted(view, block_id)

    severity = (element(ids.DECLARE_SEVERITY).get("selected_option") or {}).get("value")
    services_element = element(ids.DECLARE_SERVICES)
    if "selected_options" in services_element:
        services = [o["value"] for o in services_element["selected_options"] or []]
    else:
        typed = services_element.get("value") or ""
        services = [name.strip() for name in typed.split(",") if name.strip()]
    private = any(
        option.get("value") == "private"
        for option in element(ids.DECLARE_PRIVATE).get("selected_options") or []
    )
    return DeclareRequest(
        title=(element(ids.DECLARE_TITLE).get("value") or "").strip(),
        description=element(ids.DECLARE_DESCRIPTION).get("value") or "",
        severity=int(severity) if severity else None,
        services=tuple(services),
        private=private,
    )


def action_modal(*, incident_channel: str, owner: str) -> dict[str, Any]:
    """Build the form that `/incident action` opens when given no text."""

    def options(values: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"text": plain(value), "value": value} for value in values]

    priorities = options(PRIORITIES)
    blocks = [
        _input(
            ids.ACTION_TEXT,
            "What needs to be done?",
            {"type": "plain_text_input", "multiline": True, "max_length": 3000},
        ),
        _input(
            ids.ACTION_OWNER, "Owner", {"type": "users_select", "initial_user": owner}
        ),
        _input(ids.ACTION_DUE, "Due date", {"type": "datepicker"}, optional=True),
        _input(
            ids.ACTION_PRIORITY,
            "Priority",
            {
                "type": "static_select",
                "options": priorities,
                "initial_option": priorities[PRIORITIES.index(DEFAULT_PRIORITY)],
            },
        ),
        _input(
            ids.ACTION_CATEGORY,
            "Category",
            {"type": "static_select", "options": options(CATEGORIES)},
            optional=True,
        ),
        _input(
            ids.ACTION_EFFORT,
            "Effort",
            {"type": "static_select", "options": options(EFFORT_SIZES)},
            optional=True,
        ),
        _input(
            ids.ACTION_PHASE,
            "Improves",
            {"type": "static_select", "options": options(PHASE_NAMES)},
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.ACTION_VIEW,
        "private_metadata": incident_channel,
        "title": plain("Add an action item"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def read_action_submission(view: dict[str, Any]) -> NewItem:
    def element(block_id: str) -> dict[str, Any]:
        return submitted(view, block_id)

    due = element(ids.ACTION_DUE).get("selected_date")
    priority = (element(ids.ACTION_PRIORITY).get("selected_option") or {}).get("value")
    category = (element(ids.ACTION_CATEGORY).get("selected_option") or {}).get("value")
    effort = (element(ids.ACTION_EFFORT).get("selected_option") or {}).get("value")
    phase = (element(ids.ACTION_PHASE).get("selected_option") or {}).get("value")
    return NewItem(
        text=(element(ids.ACTION_TEXT).get("value") or "").strip(),
        owner=str(element(ids.ACTION_OWNER).get("selected_user") or ""),
        due=date.fromisoformat(due) if due else None,
        priority=priority if priority in PRIORITIES else DEFAULT_PRIORITY,
        category=category if category in CATEGORIES else None,
        effort=effort if effort in EFFORT_SIZES else None,
        phase=phase if phase in PHASE_NAMES else None,
    )
