"""Drive the running bot as Slack would: signed commands, clicks and events."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from fakeslack import FakeSlack
from slack_signing import interactive_body, slash_command_body

from bot.store.models import Incident, TimelineEvent

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
COMMANDER = "U0FAKEUSER1"
_counter = itertools.count(1)


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
