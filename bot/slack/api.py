"""Slack operations with Slack's error codes handled by name.

Each function makes its calls through warroom's client and turns the errors a person
can act on into a `UserError` with a clear message; anything else propagates as a
`SlackCallError`. The database is written before these run, so a failure here never
loses what was recorded.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import SlackCallError, UserError
from bot.slack.client import SlackClient

log = logging.getLogger(__name__)

# Suffixes tried after a channel name is taken: name, name-2, … name-20.
CHANNEL_NAME_ATTEMPTS = 20
TOPIC_LIMIT = 250
USER_CACHE_SECONDS = 3600

CHANNEL_ERRORS = {
    "is_archived": "The channel <#{channel}> is archived, so warroom cannot post "
    "there. Unarchive it or choose another channel.",
    "channel_not_found": "warroom cannot see the channel {channel}. Check the id, and "
    "invite warroom to private channels with `/invite @warroom`.",
    "not_in_channel": "warroom is not a member of <#{channel}>. Invite it with "
    "`/invite @warroom` and try again.",
}


def error_code(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown_error"))


def call(method: str, action: Callable[[], Any], channel: str | None = None) -> Any:
    """Run one Web API call, turning channel errors into messages for people."""
    try:
        return action()
    except SlackApiError as error:
        code = error_code(error)
        if channel is not None and code in CHANNEL_ERRORS:
            raise UserError(CHANNEL_ERRORS[code].format(channel=channel)) from error
        raise SlackCallError(method, code) from error


def create_channel(
    client: SlackClient, names: Callable[[int], str], *, private: bool
) -> tuple[str, str]:
    """Create a channel named names(1), or names(2)… while the name is taken."""
    for attempt in range(1, CHANNEL_NAME_ATTEMPTS + 1):
        name = names(attempt)
        try:
            answer = client.conversations_create(name=name, is_private=private)
        except SlackApiError as error:
            code = error_code(error)
            if code == "name_taken":
                continue
            if code == "restricted_action":
                raise UserError(
                    "This workspace does not let warroom create channels. Ask an "
                    "admin to allow apps to create channels, then declare again."
                ) from error
            raise SlackCallError("conversations.create", code) from error
        channel = answer["channel"]
        return str(channel["id"]), str(channel["name"])
    raise UserError(
        f"Channel names {names(1)} to {names(CHANNEL_NAME_ATTEMPTS)} are all taken. "
        "Choose a different title or change channel_name_pattern in warroom.yaml."
    )


def invite(client: SlackClient, channel: str, users: Iterable[str]) -> list[str]:
    """Invite users who are not yet members; return the ids Slack rejected."""
    wanted = sorted(set(users))
    if not wanted:
        return []
    try:
        answer = client.conversations_invite(
            channel=channel, users=",".join(wanted), force=True
        )
    except SlackApiError as error:
        code = error_code(error)
        if code == "already_in_channel":
            return []
        if code in {"cant_invite_self"} and len(wanted) == 1:
            return []
        raise SlackCallError("conversations.invite", code) from error
    rejected = []
    for problem in answer.get("errors") or []:
        if problem.get("error") not in {"already_in_channel", "cant_invite_self"}:
            rejected.append(str(problem.get("user", "?")))
    return rejected


def user_id_for_email(client: SlackClient, email: str) -> str | None:
    """Return the Slack user with this e-mail address, or None when there is none."""
    try:
        answer = client.users_lookupByEmail(email=email)
    except SlackApiError as error:
        if error_code(error) == "users_not_found":
            return None
        raise SlackCallError("users.lookupByEmail", error_code(error)) from error
    return str(answer["user"]["id"])


UPLOAD_TIMEOUT_SECONDS = 30


def upload_file(
    client: SlackClient, *, channel: str, filename: str, title: str, content: bytes
) -> str:
    """Share a file in a channel through Slack's external upload flow; return its id.

    Slack hands out an upload URL, receives the bytes there, and shares the file when
    the upload is completed.
    """
    ticket = client.files_getUploadURLExternal(filename=filename, length=len(content))
    request = urllib.request.Request(
        str(ticket["upload_url"]), data=content, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=UPLOAD_TIMEOUT_SECONDS) as answer:
            answer.read()
    except OSError as error:
        raise SlackCallError("files upload", f"upload failed: {error}") from error
    file_id = str(ticket["file_id"])
    client.files_completeUploadExternal(
        files=[{"id": file_id, "title": title}], channel_id=channel
    )
    return file_id


def cut_topic(text: str) -> str:
    """Return `text` within Slack's 250-character topic and purpose limit."""
    return text if len(text) <= TOPIC_LIMIT else text[: TOPIC_LIMIT - 1] + "…"


def group_members(client: SlackClient, group_id: str) -> list[str]:
    try:
        answer = client.usergroups_users_list(usergroup=group_id)
    except SlackApiError as error:
        log.warning("cannot list members of %s: %s", group_id, error_code(error))
        return []
    return [str(user) for user in answer.get("users") or []]


class UserDirectory:
    """Cache of users.info responses, because time zones and names change rarely."""

    def __init__(self, client: SlackClient) -> None:
        self.client = client
        self._users: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            cached = self._users.get(user_id)
        if cached and time.monotonic() - cached[0] < USER_CACHE_SECONDS:
            return cached[1]
        try:
            user = dict(self.client.users_info(user=user_id)["user"])
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error_code(error))
            return None
        with self._lock:
            self._users[user_id] = (time.monotonic(), user)
        return user

    def timezone(self, user_id: str, default: str) -> str:
        user = self.get(user_id)
        zone = user.get("tz") if user else None
        return str(zone) if zone else default

    def find_by_name(self, name: str) -> str | None:
        """Return the id of the user whose handle or display name is `name`."""
        wanted = name.lower().lstrip("@")
        cursor = None
        while True:
            answer = self.client.users_list(cursor=cursor, limit=200)
            for user in answer.get("members") or []:
                profile = user.get("profile") or {}
                names = {
                    str(user.get("name", "")).lower(),
                    str(profile.get("display_name", "")).lower(),
                    str(profile.get("real_name", "")).lower(),
                }
                if wanted in names and not user.get("deleted"):
                    return str(user["id"])
            cursor = (answer.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
