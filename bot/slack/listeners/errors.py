"""Turn failures into one message for the person who caused the request.

Each unexpected failure gets a short id that appears both in the message and in the
log line with the traceback, so a report from a user can be matched to the log.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from slack_bolt import App
from slack_bolt.context.respond import Respond
from slack_sdk.errors import SlackApiError

from bot.errors import UserError, WarroomError
from bot.metrics import counting
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def new_error_id() -> str:
    return secrets.token_hex(4)


def report(respond: Respond | None, error: Exception) -> str:
    """Log `error`, tell the user what went wrong once, and return the error id."""
    error_id = new_error_id()
    if isinstance(error, UserError):
        # The message may quote what the person typed, so it stays out of info lines.
        log.info("request rejected [%s]", error_id)
        log.debug("request rejected [%s]: %s", error_id, error)
        text = str(error)
    elif isinstance(error, WarroomError):
        log.warning("request failed [%s]: %s", error_id, error)
        text = f"{error} (error id {error_id})"
    elif isinstance(error, SlackApiError):
        code = error.response.get("error", "unknown_error")
        log.warning("request failed [%s]: Slack error %s", error_id, code)
        text = (
            f"Slack rejected a call warroom made ({code}). What was recorded is "
            f"kept; try again in a moment. (error id {error_id})"
        )
    else:
        log.error("request failed [%s]", error_id, exc_info=error)
        text = (
            "Sorry, something went wrong on warroom's side and nothing was changed. "
            f"Please try again; if it keeps failing, give your admin the error id "
            f"{error_id}."
        )
    if respond is None:
        return error_id
    try:
        respond(text=text, response_type="ephemeral", replace_original=False)
    except Exception as reply_error:  # The user may be unreachable; the log has it.
        log.warning("could not reply with error [%s]: %s", error_id, reply_error)
    return error_id


@contextmanager
def reported(respond: Respond | None) -> Iterator[None]:
    """Report any failure of the block to the user instead of raising it.

    Listeners acknowledge first and work afterwards. Bolt 1.30 can lose that
    acknowledgement when the listener raises later (the HTTP response becomes 404),
    so listeners turn their own failures into messages here, at the edge.
    """
    try:
        yield
    except Exception as error:  # The edge: every failure becomes one message.
        report(respond, error)


def register(app: App) -> None:
    def on_error(error: Exception) -> None:
        # Failures outside listeners (middleware, parsing) are only logged: the
        # request may not be verified yet, so its response_url is not trusted.
        report(None, error)

    app.error(on_error)


def run_reported(respond: Respond | None, work: Callable[[], object]) -> None:
    """Run queued work, turning its failure into a message like `reported` does."""
    with reported(respond):
        work()


def queue_reported(
    runtime: Runtime,
    respond: Respond | None,
    work: Callable[[], object],
    action: str | None,
) -> None:
    """Queue `work` on the work pool, counting its outcome under `action` if given."""

    def counted() -> object:
        with counting(runtime.metrics.actions, action=str(action)):
            return work()

    runtime.work.submit(run_reported, respond, work if action is None else counted)


def answer(respond: Respond, text: str) -> None:
    """Reply to the person who pressed a button, without replacing the message."""
    respond(text=text, response_type="ephemeral", replace_original=False)
