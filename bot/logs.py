"""Log formatting: text by default, one JSON object per line with LOG_FORMAT=json.

Every line carries the ids of what it is about: the Slack request, the team and the
incident. Listeners and flows set them with `bind_ids`, and `ContextExecutor` carries
them to the threads that do the work, because Python's context variables do not
follow a task into a thread pool by themselves. Slack tokens and the secrets the entry
point registers with `hide_secrets` are replaced before a line is written.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TextIO, TypeVar

from bot.errors import ConfigError

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
REDACTED = "[redacted]"
# Slack bot, user and app-level tokens: xoxb-…, xoxp-…, xapp-….
SLACK_TOKEN = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+")
CONTEXT_FIELDS = ("request_id", "team_id", "incident_id")

_ids: dict[str, contextvars.ContextVar[str | None]] = {
    name: contextvars.ContextVar(name, default=None) for name in CONTEXT_FIELDS
}
_secrets: set[str] = set()
_secrets_lock = threading.Lock()

T = TypeVar("T")


def new_request_id() -> str:
    return secrets.token_hex(6)


def bind_ids(
    *,
    request_id: str | None = None,
    team_id: str | None = None,
    incident_id: int | str | None = None,
) -> None:
    """Attach ids to the log lines written from here on in the current context.

    Callers run inside a context of their own: a request, a task submitted to a
    `ContextExecutor`, or a scheduler job, so the ids end with it.
    """
    given = {"request_id": request_id, "team_id": team_id, "incident_id": incident_id}
    for name, value in given.items():
        if value is not None:
            _ids[name].set(str(value))


def current_ids() -> dict[str, str]:
    """Return the ids bound in the current context."""
    found = {name: variable.get() for name, variable in _ids.items()}
    return {name: value for name, value in found.items() if value is not None}


def run_in_new_context(function: Callable[[], T]) -> T:
    """Run `function` with no ids bound, so what it binds ends when it returns."""
    return contextvars.Context().run(function)


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run with the log ids of the code that queued them."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        context = contextvars.copy_context()
        return super().submit(context.run, fn, *args, **kwargs)


def hide_secrets(values: Iterable[str | None]) -> None:
    """Replace these values (tokens, signing secrets) in every later log line."""
    with _secrets_lock:
        # Very short values would replace ordinary words, and never are secrets.
        _secrets.update(value for value in values if value and len(value) >= 8)


def redact(text: str) -> str:
    text = SLACK_TOKEN.sub(REDACTED, text)
    with _secrets_lock:
        hidden = list(_secrets)
    for value in hidden:
        text = text.replace(value, REDACTED)
    return text


class TextFormatter(logging.Formatter):
    """The classic one-line format, with the bound ids appended as key=value."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        ids = current_ids()
        if ids:
            line += " " + " ".join(f"{name}={value}" for name, value in ids.items())
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ids, error."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            **current_ids(),
        }
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["error"] = redact(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)


def log_format_from_env(environ: Mapping[str, str]) -> str:
    """Return LOG_FORMAT (text or json), raising ConfigError for another value."""
    value = environ.get("LOG_FORMAT", "").strip().lower() or "text"
    if value not in LOG_FORMATS:
        raise ConfigError(
            f'LOG_FORMAT "{environ["LOG_FORMAT"]}" is invalid. Set it to text or '
            "json, or leave it unset for text."
        )
    return value


def configure_logging(
    level: str, log_format: str, stream: TextIO | None = None
) -> logging.Handler:
    """Send every log line at `level` or above to `stream` (standard error)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter = JsonFormatter() if log_format == "json" else TextFormatter()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler logs every run of the reminder ticks at info level; its warnings
    # (missed or failed runs) still show.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    return handler
