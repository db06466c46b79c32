"""Checks that the fake Slack Web API applies to the arguments of every call.

The argument lists come from Slack's method references, one JSON file per method with
an argument JSON Schema under ``args``. Block Kit content is checked with slack_sdk's
own models. Every check returns problems as sentences, and the server records each one
as a violation and rejects the call with the error that Slack would send.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Slack's documented Block Kit limits: 50 blocks in a message, 100 in a modal or the
# Home tab.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100

# chat.postMessage truncates `text` after 40,000 characters and documents a limit of
# 12,000 characters for `markdown_text`.
MAX_MESSAGE_TEXT = 40_000
MAX_MARKDOWN_TEXT = 12_000

# Channel names: lowercase letters, digits, hyphens and underscores, at most 80
# characters (Slack's conversations.create and conversations.rename rules).
MAX_CHANNEL_NAME = 80
CHANNEL_NAME = re.compile(r"[a-z0-9_-]+")
CHANNEL_NAME_PUNCTUATION = re.compile(r"[_-]+")

# Arguments that the method schemas mark optional but of which Slack requires one.
ONE_OF_REQUIRED: Mapping[str, tuple[str, ...]] = {
    "views.open": ("trigger_id", "interactivity_pointer"),
    "views.push": ("trigger_id", "interactivity_pointer"),
    "views.update": ("view_id", "external_id"),
}

# Errors that slack_sdk's Block Kit models raise: SlackObjectFormationError for a
# broken limit, the others when a dict has the wrong shape for the model.
MODEL_ERRORS = (SlackObjectFormationError, TypeError, ValueError, AttributeError)

ModelT = TypeVar("ModelT", bound=JsonObject)


@dataclass(frozen=True)
class MethodSpec:
    """Argument rules of one Web API method, read from its method reference."""

    name: str
    arguments: frozenset[str]
    required: tuple[str, ...]
    accepts_json: bool


@functools.cache
def load_method_specs(methods_dir: Path) -> Mapping[str, MethodSpec]:
    """Read every ``<method>.json`` reference in ``methods_dir``.

    Raises FileNotFoundError when the folder contains no references, because every
    call would otherwise be rejected as an unknown method.
    """
    specs: dict[str, MethodSpec] = {}
    for path in sorted(methods_dir.glob("*.json")):
        reference = json.loads(path.read_text(encoding="utf-8"))
        schema = reference["args"]
        specs[path.stem] = MethodSpec(
            name=path.stem,
            arguments=frozenset(schema.get("properties", {})),
            required=tuple(schema.get("required", [])),
            accepts_json=reference.get("json_input_supported") is True,
        )
    if not specs:
        raise FileNotFoundError(
            f"No Slack method references (*.json) found in {methods_dir}. "
            "Set WARROOM_SHARED_DIR to the folder that contains slack/methods/."
        )
    return MappingProxyType(specs)


def decode_json_argument(value: Any) -> Any:
    """Parse an argument that Slack takes as JSON.

    Form bodies carry such arguments as JSON strings and JSON bodies carry them as
    values, so a string is parsed and anything else is returned unchanged.
    """
    if isinstance(value, str):
        return json.loads(value)
    return value


def argument_problems(spec: MethodSpec, args: Mapping[str, Any]) -> list[str]:
    """List arguments that the method does not document or that are missing.

    ``token`` is left to the authentication check, because slack_sdk sends it in the
    Authorization header instead of as an argument.
    """
    problems = []
    for name in args:
        if name not in spec.arguments:
            known = ", ".join(sorted(spec.arguments))
            problems.append(
                f"unknown argument {name!r} (documented arguments: {known})"
            )
    for name in spec.required:
        if name != "token" and name not in args:
            problems.append(f"missing required argument {name!r}")
    alternatives = ONE_OF_REQUIRED.get(spec.name, ())
    if alternatives and not any(name in args for name in alternatives):
        names = " or ".join(repr(name) for name in alternatives)
        problems.append(f"missing required argument: one of {names}")
    return problems


def block_kit_problems(method: str, args: Mapping[str, Any]) -> list[str]:
    """List the problems in ``blocks`` and, for views.* methods, in ``view``."""
    problems = []
    if args.get("blocks") is not None:
        problems += blocks_problems(
            args["blocks"], where="blocks", max_blocks=MAX_MESSAGE_BLOCKS
        )
    if method.startswith("views.") and args.get("view") is not None:
        problems += view_problems(args["view"])
    return problems


def length_problems(method: str, args: Mapping[str, Any]) -> list[str]:
    """List text over Slack's documented limits that Slack truncates or ignores.

    Slack still accepts such a call, so these problems become violations without
    changing the response.
    """
    problems = []
    text = args.get("text")
    is_post = method == "chat.postMessage"
    if is_post and isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        problems.append(
            f"text has {len(text)} characters and Slack truncates it "
            f"after {MAX_MESSAGE_TEXT}"
        )
    markdown_text = args.get("markdown_text")
    if isinstance(markdown_text, str) and len(markdown_text) > MAX_MARKDOWN_TEXT:
        problems.append(
            f"markdown_text has {len(markdown_text)} characters, "
            f"more than the maximum of {MAX_MARKDOWN_TEXT}"
        )
    return problems


def blocks_problems(value: Any, *, where: str, max_blocks: int) -> list[str]:
    """Check a ``blocks`` value, sent as a JSON string or a list, block by block."""
    try:
        blocks = decode_json_argument(value)
    except json.JSONDecodeError as error:
        return [f"{where} is not valid JSON: {error}"]
    if not isinstance(blocks, list):
        return [f"{where} must be a JSON array, not {type(blocks).__name__}"]
    if len(blocks) > max_blocks:
        return [f"{where} has {len(blocks)} blocks, more than the maximum {max_blocks}"]

    problems = []
    for index, block in enumerate(blocks):
        problem = block_problem(block)
        if problem is not None:
            problems.append(f"{where}[{index}]: {problem}")
    return problems


def block_problem(block: Any) -> str | None:
    """Return why one block would be rejected, or None when it is valid."""
    if not isinstance(block, dict):
        return f"a block must be a JSON object, not {type(block).__name__}"
    block_type = block.get("type")
    parsed, problem = build_model(Block.parse, block)
    if problem is not None:
        return f"{block_type} block is invalid: {problem}"
    if parsed is None:
        return f"unknown block type {block_type!r}"

    # slack_sdk drops keys it does not know, so without this check a typo such as
    # "txt" would pass unnoticed. NOTE: keys that Slack added after the installed
    # slack_sdk release are flagged too.
    unknown = sorted(set(block) - set(parsed.attributes))
    if unknown:
        return f"{block_type} block has unknown keys: {', '.join(unknown)}"
    return None


def view_problems(value: Any) -> list[str]:
    """Check a view object: its blocks first, then the view's own limits."""
    try:
        view = decode_json_argument(value)
    except json.JSONDecodeError as error:
        return [f"view is not valid JSON: {error}"]
    if not isinstance(view, dict):
        return [f"view must be a JSON object, not {type(view).__name__}"]

    problems = blocks_problems(
        view.get("blocks", []), where="view.blocks", max_blocks=MAX_VIEW_BLOCKS
    )
    if problems:
        # The view model parses the blocks again, so it would repeat these problems.
        return problems
    _, problem = build_model(lambda data: View(**data), view)
    if problem is not None:
        return [f"view is invalid: {problem}"]
    return []


def build_model(
    factory: Callable[[dict[str, Any]], ModelT | None], data: dict[str, Any]
) -> tuple[ModelT | None, str | None]:
    """Build a slack_sdk model and validate it with its nested objects.

    Returns the model and None, or None and the reason the data is invalid.
    ``to_dict`` runs the validators of every nested element, which ``validate_json``
    alone does not.
    """
    try:
        model = factory(data)
        if model is not None:
            model.validate_json()
            model.to_dict()
    except MODEL_ERRORS as error:
        return None, str(error) or type(error).__name__
    return model, None


def channel_name_error(name: Any) -> str | None:
    """Return the Slack error code for an invalid channel name, or None if valid."""
    if not isinstance(name, str) or not name:
        return "invalid_name_required"
    if len(name) > MAX_CHANNEL_NAME:
        return "invalid_name_maxlength"
    if not CHANNEL_NAME.fullmatch(name):
        return "invalid_name_specials"
    if CHANNEL_NAME_PUNCTUATION.fullmatch(name):
        return "invalid_name_punctuation"
    return None
