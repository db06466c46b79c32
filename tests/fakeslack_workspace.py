"""State of the fake Slack workspace: channels, messages, users and views.

The handlers in ``fakeslack_methods`` read and change this state. The server holds a
lock around every call, so nothing here synchronises.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fakeslack_checks import (
    MAX_MESSAGE_TEXT,
    channel_name_error,
    decode_json_argument,
)

# Ids that the fake treats as existing channels or users even if no test added them.
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass
class ApiResponse:
    """HTTP response to one Web API call."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def ok(**fields: Any) -> ApiResponse:
    return ApiResponse({"ok": True, **fields})


def error(code: str, **fields: Any) -> ApiResponse:
    return ApiResponse({"ok": False, "error": code, **fields})


def load_response(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """Read a recorded Slack response, split into its body and its headers."""
    recorded = json.loads(path.read_text(encoding="utf-8"))
    body = {key: value for key, value in recorded.items() if not key.startswith("_")}
    return body, dict(recorded.get("_headers", {}))


def flag(args: Mapping[str, Any], name: str) -> bool:
    """Read a boolean argument sent as JSON or as the form values "true" and "1"."""
    value = args.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def id_list(value: Any) -> list[str]:
    """Split a comma-separated id argument such as ``users``."""
    if isinstance(value, list):
        return [str(item) for item in value]
    if not isinstance(value, str):
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


def empty_topic() -> dict[str, Any]:
    return {"value": "", "creator": "", "last_set": 0}


@dataclass
class Channel:
    """A conversation and the messages, pins and members the fake stores for it."""

    id: str
    name: str
    created: int
    creator: str
    is_private: bool = False
    is_im: bool = False
    is_mpim: bool = False
    is_archived: bool = False
    user: str | None = None
    members: list[str] = field(default_factory=list)
    topic: dict[str, Any] = field(default_factory=empty_topic)
    purpose: dict[str, Any] = field(default_factory=empty_topic)
    previous_names: list[str] = field(default_factory=list)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    pins: dict[str, int] = field(default_factory=dict)


class Workspace:
    """Channels, messages, users and views that persist between calls of one fake.

    Identities (team, bot user, bot, app) come from the recorded auth.test and
    chat.postMessage responses, and channel objects are shaped like the recorded
    conversations.create response.
    """

    def __init__(self, responses_dir: Path) -> None:
        self.auth_body, self.auth_headers = load_response(
            responses_dir / "auth.test.ok.json"
        )
        created, _ = load_response(responses_dir / "conversations.create.ok.json")
        posted, _ = load_response(responses_dir / "chat.postMessage.ok.json")
        self.channel_template: dict[str, Any] = created["channel"]
        self.team_id: str = self.auth_body["team_id"]
        self.bot_user_id: str = self.auth_body["user_id"]
        self.bot_id: str = self.auth_body["bot_id"]
        self.app_id: str = posted["message"]["app_id"]

        self.channels: dict[str, Channel] = {}
        self.forgotten: set[str] = set()
        self.users: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.direct_messages: dict[frozenset[str], str] = {}
        # Files of the external upload flow, by id: name, title, content, shares.
        self.files: dict[str, dict[str, Any]] = {}
        # User group id → the ids of its members, for usergroups.users.list.
        self.user_groups: dict[str, list[str]] = {}
        self.upload_base = ""
        self.serials: dict[str, itertools.count[int]] = {}
        self.last_ts_micros = 0
        self.add_user(self.bot_user_id, name=self.auth_body["user"], is_bot=True)

    # ---- setup used by tests ------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        tz: str = "UTC",
        is_bot: bool = False,
        email: str | None = None,
    ) -> None:
        zone = ZoneInfo(tz)
        now = datetime.now(zone)
        offset = now.utcoffset()
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "real_name": name,
            "tz": tz,
            # NOTE: Slack returns a long name such as "Pacific Daylight Time" here, but
            # zoneinfo provides only the abbreviation ("PDT").
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {
                **({"email": email} if email else {}),
                "real_name": name,
                "display_name": name,
                "real_name_normalized": name,
                "display_name_normalized": name,
                "team": self.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": int(time.time()),
        }

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        members: Iterable[str] = (),
    ) -> None:
        problem = channel_name_error(name)
        if problem is not None:
            raise ValueError(
                f"Invalid channel name {name!r}: Slack rejects it ({problem})."
            )
        if self.channel_named(name) is not None:
            raise ValueError(f"A channel named {name!r} already exists.")
        if channel_id in self.channels:
            raise ValueError(
                f"Channel {channel_id} is already in use. Add it before the first "
                "call that names it."
            )
        self.forgotten.discard(channel_id)
        self.channels[channel_id] = Channel(
            id=channel_id,
            name=name,
            created=int(time.time()),
            creator="",
            is_private=is_private,
            members=[self.bot_user_id, *members],
        )

    def forget_channel(self, channel_id: str) -> None:
        self.channels.pop(channel_id, None)
        self.forgotten.add(channel_id)

    def add_message(
        self, channel_id: str, *, text: str, user: str, thread_ts: str | None = None
    ) -> str:
        channel = self.find_channel(channel_id)
        if channel is None:
            raise KeyError(
                f"Channel {channel_id} was forgotten or is not a channel id."
            )
        message = {"type": "message", "user": user, "text": text, "team": self.team_id}
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        return self.store_message(channel, message)

    # ---- lookups ------------------------------------------------------------------

    def find_channel(self, value: Any) -> Channel | None:
        """Return the channel with this id, creating it when the id looks valid.

        An id of the form C…, G… or D… that the fake has not seen is treated as an
        existing conversation, unless a test called ``forget_channel`` on it.
        """
        if not isinstance(value, str):
            return None
        if value in self.channels:
            return self.channels[value]
        if value in self.forgotten or not CHANNEL_ID.fullmatch(value):
            return None
        channel = Channel(
            id=value,
            name=value.lower(),
            created=int(time.time()),
            creator="",
            is_private=value.startswith("G"),
            is_im=value.startswith("D"),
            members=[self.bot_user_id],
        )
        self.channels[value] = channel
        return channel

    def channel_named(self, name: str) -> Channel | None:
        for channel in self.channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        return None

    def conversation(self, channel: Channel) -> dict[str, Any]:
        """Render a channel as a Slack conversation object."""
        if channel.is_im:
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.user,
                "last_read": "0000000000.000000",
                "latest": None,
                "unread_count": 0,
                "unread_count_display": 0,
                "is_open": True,
                "priority": 0,
            }
        rendered = copy.deepcopy(self.channel_template)
        rendered.update(
            id=channel.id,
            name=channel.name,
            name_normalized=channel.name,
            is_channel=not channel.is_mpim,
            is_group=channel.id.startswith("G"),
            is_mpim=channel.is_mpim,
            is_private=channel.is_private or channel.is_mpim,
            created=channel.created,
            creator=channel.creator,
            is_archived=channel.is_archived,
            is_member=self.bot_user_id in channel.members,
            topic=dict(channel.topic),
            purpose=dict(channel.purpose),
            previous_names=list(channel.previous_names),
        )
        return rendered

    def next_ts(self) -> str:
        """Return a message timestamp from the clock, later than every earlier one."""
        micros = max(time.time_ns() // 1000, self.last_ts_micros + 1)
        self.last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        """Return an unused id such as C0FAKE0001, numbered per prefix."""
        serial = self.serials.setdefault(prefix, itertools.count(1))
        while True:
            candidate = f"{prefix}0FAKE{next(serial):04d}"
            if candidate not in self.channels:
                return candidate

    def store_message(self, channel: Channel, message: dict[str, Any]) -> str:
        ts = self.next_ts()
        message["ts"] = ts
        channel.messages[ts] = message
        return ts

    def bot_message(self, args: Mapping[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": str(args.get("text") or "")[:MAX_MESSAGE_TEXT],
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "user": self.bot_user_id,
            "team": self.team_id,
        }
        if args.get("blocks") is not None:
            message["blocks"] = decode_json_argument(args["blocks"])
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        return message

    def writable_channel(self, value: Any) -> Channel | ApiResponse:
        """Return the channel, or the error for a missing or archived one."""
        channel = self.find_channel(value)
        if channel is None:
            return error("channel_not_found")
        if channel.is_archived:
            return error("is_archived")
        return channel

    def open_direct_message(self, user_ids: list[str]) -> tuple[Channel, bool]:
        """Return the IM or group DM with these users and whether it already existed."""
        key = frozenset(user_ids)
        existing = self.direct_messages.get(key)
        if existing is not None and existing in self.channels:
            return self.channels[existing], True
        is_im = len(key) == 1
        channel_id = self.next_id("D" if is_im else "G")
        channel = Channel(
            id=channel_id,
            name=channel_id.lower() if is_im else "mpdm-" + "--".join(sorted(key)),
            created=int(time.time()),
            creator=self.bot_user_id,
            is_im=is_im,
            is_mpim=not is_im,
            user=user_ids[0] if is_im else None,
            members=[self.bot_user_id, *sorted(key)],
        )
        self.channels[channel_id] = channel
        self.direct_messages[key] = channel_id
        return channel, False
