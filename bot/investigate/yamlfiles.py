"""Read the YAML files of discovery sources; errors name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.investigate.errors import InvestigationError


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise InvestigationError(
            f"{path} does not exist. Fix the path in warroom.yaml under investigation."
        ) from error
    except UnicodeDecodeError as error:
        raise InvestigationError(
            f"{path}: not UTF-8 text (invalid byte at offset {error.start}). "
            "Save the file as UTF-8."
        ) from error
    except OSError as error:
        raise InvestigationError(f"Could not read {path}: {error.strerror}.") from error


def load_documents(path: Path) -> list[Any]:
    """Return every YAML document of `path`, skipping empty ones."""
    text = read_text(path)
    try:
        return [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise InvestigationError(f"{where}: invalid YAML: {problem}.") from error


def describe(path: Path, root: Path) -> str:
    """Return `path` relative to `root` when inside it, else `path` as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
