"""Jinja2 environment for Slack messages and documents.

Templates are looked up first in the user's folder (WARROOM_TEMPLATES), then in the
templates/ folder shipped with warroom. Undefined variables raise, so a typo in a
template fails loudly instead of printing an empty string.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def make_environment(user_templates: Path | None = None) -> jinja2.Environment:
    folders = [BUILTIN_TEMPLATES]
    if user_templates is not None:
        folders.insert(0, user_templates)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
