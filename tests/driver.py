"""Drive the running bot as Slack would: signed commands, clicks and events."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass
from typing import Any

from fakeslack import FakeSlack
from slack_signing import interactive_body, slash_command_body

from bot.store.models import Incident, TimelineEvent

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
COMMANDER = "U0FAKEUSER1"
_counter = itertools.count(1)


@dataclass(frozen=True)
class SentCommand:
    """A slash command posted to the bot, before its reply arrives."""

    reply_name: str
    trigger_id: str
    status: int
    seconds: float  # from sending the request until the HTTP response arrived


@dataclass
class Driver:
    bot: Any  # conftest.RunningBot
    fake: FakeSlack

    def command(
        self,
        text: str,
        *,
        channel: str = "C0FAKECHAN1",
        user: str = COMMANDER,
        wait: bool = True,
    ) -> dict[str, Any] | None:
        """Run `/incident <text>` and return the bot's reply to the response URL."""
        name = f"command-{next(_counter)}"
        body = slash_command_body(
            text,
            channel_id=channel,
            user_id=user,
            response_url=self.fake.response_url(name),
            trigger_id=f"{next(_counter)}.1111.trigger{next(_counter)}",
        )
        status, _, _ = self.bot.post(body, FORM)
        assert status == 200
        if not wait:
            return None
        self.fake.wait_for(lambda: self.reply_to(name), timeout=15)
        return self.reply_to(name)

    def post_command(
        self, text: str, *, channel: str = "C0FAKECHAN1", user: str = COMMANDER
    ) -> SentCommand:
        """Post `/incident <text>` and time the response, but not wait for a reply."""
        name = f"command-{next(_counter)}"
        trigger_id = f"{next(_counter)}.3333.trigger{next(_counter)}"
        body = slash_command_body(
            text,
            channel_id=channel,
            user_id=user,
            response_url=self.fake.response_url(name),
            trigger_id=trigger_id,
        )
        started = time.monotonic()
        status, _, _ = self.bot.post(body, FORM)
        return SentCommand(name, trigger_id, status, time.monotonic() - started)

    def submit(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any] | None]:
        """Post an interactivity payload and return the status and the JSON body."""
        status, _, body = self.bot.post(interactive_body(payload), FORM)
        if not body:
            return status, None
        return status, json.loads(body)

    def post_event(self, body: dict[str, Any], *, retry: int | None = None) -> int:
        """Post an Events API body unchanged. `retry` sets X-Slack-Retry-Num."""
        headers = None
        if retry is not None:
            headers = {
                "X-Slack-Retry-Num": str(retry),
                "X-Slack-Retry-Reason": "http_timeout",
            }
        status, _, _ = self.bot.post(json.dumps(body).encode(), JSON, headers=headers)
        return status

    def reply_to(self, name: str) -> dict[str, Any] | None:
        for reply in self.fake.responses:
            if reply["_response_url"] == name:
                return reply
        return None

    def declare(self, title: str, **kwargs: Any) -> Incident:
        reply = self.command(f"declare {title}", **kwargs)
        assert reply is not None and "Declared" in reply["text"], reply
        incident = self.latest_incident()
        self.fake.wait_for(lambda: self.incident(incident.id).severity_prompt_ts)
        return self.incident(incident.id)

    def latest_incident(self) -> Incident:
        with self.bot.app.runtime.sessions() as session:
            incidents = session.query(Incident).order_by(Incident.id.desc()).all()
        assert incidents, "no incident was stored"
        return incidents[0]

    def incident(self, incident_id: int) -> Incident:
        with self.bot.app.runtime.sessions() as session:
            incident = session.get(Incident, incident_id)
            assert incident is not None
            return incident

    def events(self, incident_id: int, kind: str | None = None) -> list[TimelineEvent]:
        with self.bot.app.runtime.sessions() as session:
            query = session.query(TimelineEvent).filter_by(incident_id=incident_id)
            if kind is not None:
                query = query.filter_by(kind=kind)
            return query.order_by(TimelineEvent.id).all()

    def click(
        self, message_ts: str, channel: str, action: dict[str, Any], *, user: str
    ) -> tuple[int, dict[str, Any] | None]:
        name = f"click-{next(_counter)}"
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "someone", "team_id": self.fake.team_id},
            "api_app_id": "A0FAKEAPP1",
            "token": "FAKEverificationTOKEN00000",
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": f"{next(_counter)}.2222.click{next(_counter)}",
            "team": {"id": "T0FAKETEAM", "domain": "acme-sre"},
            "channel": {"id": channel, "name": "incident"},
            "message": {"type": "message", "ts": message_ts, "text": ""},
            "response_url": self.fake.response_url(name),
            "actions": [
                {**action, "action_ts": f"{time.time():.6f}", "type": "button"}
            ],
        }
        status, _, _ = self.bot.post(interactive_body(payload), FORM)
        if status != 200:
            return status, None
        self.fake.wait_for(lambda: self.reply_to(name), timeout=15)
        return status, self.reply_to(name)

    def event(
        self, event: dict[str, Any], *, event_id: str, retry: int | None = None
    ) -> int:
        body = {
            "token": "FAKEverificationTOKEN00000",
            "team_id": "T0FAKETEAM",
            "api_app_id": "A0FAKEAPP1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
        }
        headers = {}
        if retry is not None:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "x"}
        status, _, _ = self.bot.post(
            json.dumps(body).encode(), JSON, headers=headers or None
        )
        return status


def severity_buttons(fake: FakeSlack, channel: str, ts: str) -> list[dict[str, Any]]:
    for message in fake.messages(channel):
        if message["ts"] == ts:
            for block in message.get("blocks", []):
                if block["type"] == "actions":
                    return list(block["elements"])
            return []
    raise AssertionError(f"no message {ts} in {channel}")


def view_submission(
    view: dict[str, Any],
    values: dict[str, dict[str, Any]],
    *,
    user: str = COMMANDER,
    view_id: str = "V0FAKEVIEW1",
    view_hash: str = "1717171740.FAKEhash",
) -> dict[str, Any]:
    """Build the view_submission payload Slack sends when `view` is submitted.

    `values` maps block ids to the state of their input element, in Slack's
    `view.state.values` shape without the action id level, which this adds from the
    block's element.
    """
    action_ids = {
        block["block_id"]: block["element"]["action_id"]
        for block in view["blocks"]
        if block.get("type") == "input"
    }
    state = {
        block_id: {action_ids[block_id]: element}
        for block_id, element in values.items()
    }
    submitted = {
        **view,
        "id": view_id,
        "team_id": "T0FAKETEAM",
        "state": {"values": state},
        "hash": view_hash,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": "A0FAKEAPP1",
        "external_id": "",
        "app_installed_team_id": "T0FAKETEAM",
        "bot_id": "B0FAKEBOT1",
    }
    return {
        "type": "view_submission",
        "team": {"id": "T0FAKETEAM", "domain": "acme-sre"},
        "user": {
            "id": user,
            "username": "jane.doe",
            "name": "jane.doe",
            "team_id": "T0FAKETEAM",
        },
        "api_app_id": "A0FAKEAPP1",
        "token": "FAKEverificationTOKEN00000",
        "trigger_id": f"{next(_counter)}.4444.submit{next(_counter)}",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def event_body(event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    """Wrap `event` in the Events API envelope Slack posts."""
    return {
        "token": "FAKEverificationTOKEN00000",
        "team_id": "T0FAKETEAM",
        "api_app_id": "A0FAKEAPP1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
    }


class ListenerRuns:
    """Tracks the listener runs Bolt starts and the work they queue.

    Bolt submits each listener to its executor before it sends the HTTP response,
    and a listener queues its work on the bot's work executor before it returns. So
    once a request has its response, `wait` also waits for everything it started. A
    test can then check that a request changed nothing without sleeping.
    """

    def __init__(self, *executors: ThreadPoolExecutor) -> None:
        self._futures: list[Future[Any]] = []
        self._lock = threading.Lock()
        for executor in executors:
            self._track(executor)

    def _track(self, executor: ThreadPoolExecutor) -> None:
        submit = executor.submit

        def tracked_submit(
            function: Callable[..., Any], /, *args: Any, **kwargs: Any
        ) -> Future[Any]:
            future = submit(function, *args, **kwargs)
            with self._lock:
                self._futures.append(future)
            return future

        executor.submit = tracked_submit  # type: ignore[method-assign]

    def wait(self, timeout: float = 15.0) -> None:
        """Wait until every run started so far, and any work it queued, has finished."""
        deadline = time.monotonic() + timeout
        seen = -1
        while True:
            with self._lock:
                futures = list(self._futures)
            if len(futures) == seen:
                return
            seen = len(futures)
            remaining = max(0.0, deadline - time.monotonic())
            _, pending = wait_for_futures(futures, timeout=remaining)
            assert not pending, (
                f"{len(pending)} listener runs still going after {timeout} s"
            )
