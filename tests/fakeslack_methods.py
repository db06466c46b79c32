"""Handlers for the Web API methods whose responses depend on the fake's state.

Each handler takes the workspace and the decoded arguments of a call that already
passed the argument checks, and returns the response that Slack would send. Error codes
and response shapes follow Slack's method references.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from fakeslack_checks import channel_name_error, decode_json_argument
from fakeslack_workspace import (
    USER_ID,
    ApiResponse,
    Channel,
    Workspace,
    error,
    flag,
    id_list,
    ok,
)

Handler = Callable[[Workspace, Mapping[str, Any]], ApiResponse]

# conversations.setTopic and conversations.setPurpose fail with too_long above this.
MAX_TOPIC = 250
# chat.update fails with msg_too_long when `text` exceeds 4,000 characters.
MAX_UPDATE_TEXT = 4_000
# conversations.open fails with too_many_users above 8 users.
MAX_GROUP_DM_USERS = 8

NO_NEXT_PAGE = {"next_cursor": ""}


# ---- auth and users --------------------------------------------------------------


def auth_test(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    return ApiResponse(dict(workspace.auth_body), headers=dict(workspace.auth_headers))


def users_info(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    user = workspace.users.get(args["user"])
    if user is None:
        return error("user_not_found")
    return ok(user=copy.deepcopy(user))


def users_lookup_by_email(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    wanted = str(args["email"]).lower()
    for user in workspace.users.values():
        if str(user["profile"].get("email", "")).lower() == wanted:
            return ok(user=copy.deepcopy(user))
    return error("users_not_found")


def users_list(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    members = [copy.deepcopy(user) for user in workspace.users.values()]
    return ok(
        members=members, cache_ts=int(time.time()), response_metadata=NO_NEXT_PAGE
    )


# ---- messages --------------------------------------------------------------------


def has_content(args: Mapping[str, Any]) -> bool:
    names = ("text", "blocks", "attachments", "markdown_text")
    return any(args.get(name) for name in names)


def post_target(workspace: Workspace, value: Any) -> Channel | ApiResponse:
    """Resolve chat.postMessage's ``channel``: an id, a name, or a user for a DM."""
    if isinstance(value, str) and USER_ID.fullmatch(value):
        channel, _ = workspace.open_direct_message([value])
        return channel
    if isinstance(value, str) and workspace.find_channel(value) is None:
        named = workspace.channel_named(value.removeprefix("#"))
        if named is not None:
            value = named.id
    return workspace.writable_channel(value)


def chat_post_message(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    channel = post_target(workspace, args["channel"])
    if isinstance(channel, ApiResponse):
        return channel
    if not has_content(args):
        return error("no_text")
    if args.get("markdown_text") and (args.get("text") or args.get("blocks")):
        return error("markdown_text_conflict")

    message = workspace.bot_message(args)
    ts = workspace.store_message(channel, message)
    return ok(channel=channel.id, ts=ts, message=copy.deepcopy(message))


def chat_post_ephemeral(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    # Ephemeral messages are seen only by their user, so the fake does not store them.
    channel = workspace.writable_channel(args["channel"])
    if isinstance(channel, ApiResponse):
        return channel
    if not has_content(args):
        return error("no_text")
    return ok(message_ts=workspace.next_ts())


def find_message(
    workspace: Workspace, channel_id: Any, ts: Any
) -> tuple[Channel, dict[str, Any]] | ApiResponse:
    channel = workspace.find_channel(channel_id)
    if channel is None:
        return error("channel_not_found")
    message = channel.messages.get(ts) if isinstance(ts, str) else None
    if message is None:
        return error("message_not_found")
    return channel, message


def chat_update(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    found = find_message(workspace, args["channel"], args["ts"])
    if isinstance(found, ApiResponse):
        return found
    channel, message = found
    if message.get("bot_id") != workspace.bot_id:
        return error("cant_update_message")
    text = args.get("text")
    if isinstance(text, str) and len(text) > MAX_UPDATE_TEXT:
        return error("msg_too_long")

    if text is not None:
        message["text"] = text
    if args.get("blocks") is not None:
        message["blocks"] = decode_json_argument(args["blocks"])
    message["edited"] = {"user": workspace.bot_user_id, "ts": workspace.next_ts()}
    return ok(
        channel=channel.id,
        ts=message["ts"],
        text=message["text"],
        message=copy.deepcopy(message),
    )


def chat_get_permalink(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    found = find_message(workspace, args["channel"], args["message_ts"])
    if isinstance(found, ApiResponse):
        return found
    channel, message = found
    team_url = workspace.auth_body["url"].rstrip("/")
    ts_digits = message["ts"].replace(".", "")
    permalink = f"{team_url}/archives/{channel.id}/p{ts_digits}"
    return ok(channel=channel.id, permalink=permalink)


def pins_add(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    if not args.get("timestamp"):
        return error("no_item_specified")
    found = find_message(workspace, args["channel"], args["timestamp"])
    if isinstance(found, ApiResponse):
        return found
    channel, message = found
    if message["ts"] in channel.pins:
        return error("already_pinned")
    channel.pins[message["ts"]] = int(time.time())
    return ok()


def pins_list(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    channel = workspace.find_channel(args["channel"])
    if channel is None:
        return error("channel_not_found")
    items = [
        {
            "type": "message",
            "channel": channel.id,
            "created": pinned_at,
            "created_by": workspace.bot_user_id,
            "message": copy.deepcopy(channel.messages[ts]),
        }
        for ts, pinned_at in channel.pins.items()
    ]
    return ok(items=items)


def reactions_add(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    found = find_message(workspace, args["channel"], args["timestamp"])
    if isinstance(found, ApiResponse):
        return found
    channel, message = found
    if channel.is_archived:
        return error("is_archived")

    reactions = message.setdefault("reactions", [])
    reaction = next((r for r in reactions if r["name"] == args["name"]), None)
    if reaction is None:
        reaction = {"name": args["name"], "users": [], "count": 0}
        reactions.append(reaction)
    if workspace.bot_user_id in reaction["users"]:
        return error("already_reacted")
    reaction["users"].append(workspace.bot_user_id)
    reaction["count"] += 1
    return ok()


def files_get_upload_url_external(
    workspace: Workspace, args: Mapping[str, Any]
) -> ApiResponse:
    file_id = f"F0FAKE{len(workspace.files) + 1:04d}"
    workspace.files[file_id] = {
        "name": str(args["filename"]),
        "length": int(args["length"]),
        "content": None,
        "title": None,
        "channels": [],
    }
    return ok(upload_url=f"{workspace.upload_base}{file_id}", file_id=file_id)


def files_complete_upload_external(
    workspace: Workspace, args: Mapping[str, Any]
) -> ApiResponse:
    files = args["files"]
    entries = json.loads(files) if isinstance(files, str) else files
    shared = []
    for entry in entries:
        record = workspace.files.get(entry.get("id"))
        if record is None or record["content"] is None:
            return error("file_not_found")
        if len(record["content"]) != record["length"]:
            return error("file_upload_size_mismatch")
        record["title"] = entry.get("title") or record["name"]
        if args.get("channel_id"):
            record["channels"].append(args["channel_id"])
        shared.append({"id": entry["id"], "title": record["title"]})
    return ok(files=shared)


def reactions_get(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    found = find_message(workspace, args["channel"], args["timestamp"])
    if isinstance(found, ApiResponse):
        return found
    channel, message = found
    return ok(type="message", channel=channel.id, message=copy.deepcopy(message))


# ---- conversations ---------------------------------------------------------------


def conversations_create(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    name = args["name"]
    problem = channel_name_error(name)
    if problem is not None:
        return error(problem)
    if workspace.channel_named(name) is not None:
        return error("name_taken")

    channel = Channel(
        id=workspace.next_id("C"),
        name=name,
        created=int(time.time()),
        creator=workspace.bot_user_id,
        is_private=flag(args, "is_private"),
        members=[workspace.bot_user_id],
    )
    workspace.channels[channel.id] = channel
    return ok(channel=workspace.conversation(channel))


def conversations_info(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    channel = workspace.find_channel(args["channel"])
    if channel is None:
        return error("channel_not_found")
    conversation = workspace.conversation(channel)
    if flag(args, "include_num_members"):
        conversation["num_members"] = len(channel.members)
    return ok(channel=conversation)


def conversations_archive(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    channel = workspace.find_channel(args["channel"])
    if channel is None:
        return error("channel_not_found")
    if channel.is_im:
        return error("method_not_supported_for_channel_type")
    if channel.is_archived:
        return error("already_archived")
    channel.is_archived = True
    return ok()


def conversations_unarchive(
    workspace: Workspace, args: Mapping[str, Any]
) -> ApiResponse:
    channel = workspace.find_channel(args["channel"])
    if channel is None:
        return error("channel_not_found")
    if not channel.is_archived:
        return error("not_archived")
    channel.is_archived = False
    return ok()


def conversations_rename(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    channel = workspace.writable_channel(args["channel"])
    if isinstance(channel, ApiResponse):
        return channel
    name = args["name"]
    problem = channel_name_error(name)
    if problem is not None:
        return error(problem)
    holder = workspace.channel_named(name)
    if holder is not None and holder is not channel:
        return error("name_taken")

    if name != channel.name:
        channel.previous_names.append(channel.name)
        channel.name = name
    return ok(channel=workspace.conversation(channel))


def set_topic_or_purpose(
    workspace: Workspace, args: Mapping[str, Any], argument: str
) -> ApiResponse:
    channel = workspace.writable_channel(args["channel"])
    if isinstance(channel, ApiResponse):
        return channel
    value = str(args[argument])
    if len(value) > MAX_TOPIC:
        return error("too_long")

    setting = {
        "value": value,
        "creator": workspace.bot_user_id,
        "last_set": int(time.time()),
    }
    setattr(channel, argument, setting)
    return ok(channel=workspace.conversation(channel))


def conversations_set_topic(
    workspace: Workspace, args: Mapping[str, Any]
) -> ApiResponse:
    return set_topic_or_purpose(workspace, args, "topic")


def conversations_set_purpose(
    workspace: Workspace, args: Mapping[str, Any]
) -> ApiResponse:
    return set_topic_or_purpose(workspace, args, "purpose")


def invite_error(workspace: Workspace, channel: Channel, user_id: str) -> str | None:
    if not USER_ID.fullmatch(user_id):
        return "user_not_found"
    if user_id == workspace.bot_user_id:
        return "cant_invite_self"
    if user_id in channel.members:
        return "already_in_channel"
    return None


def conversations_invite(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    """Invite users. Without ``force``, one failing user makes the whole call fail."""
    channel = workspace.writable_channel(args["channel"])
    if isinstance(channel, ApiResponse):
        return channel
    if channel.is_im:
        return error("method_not_supported_for_channel_type")
    user_ids = id_list(args["users"])
    if not user_ids:
        return error("no_user")

    failures: list[dict[str, Any]] = []
    for user_id in user_ids:
        code = invite_error(workspace, channel, user_id)
        if code is not None:
            failures.append({"user": user_id, "ok": False, "error": code})
    if failures and not flag(args, "force"):
        # Slack lists per-user errors only when several users were invited.
        details = {"errors": failures} if len(user_ids) > 1 else {}
        return error(failures[0]["error"], **details)

    failed = {failure["user"] for failure in failures}
    channel.members.extend(user for user in user_ids if user not in failed)
    details = {"errors": failures} if failures else {}
    return ok(channel=workspace.conversation(channel), **details)


def conversations_members(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    channel = workspace.find_channel(args["channel"])
    if channel is None:
        return error("channel_not_found")
    return ok(members=list(channel.members), response_metadata=NO_NEXT_PAGE)


def usergroups_users_list(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    members = workspace.user_groups.get(str(args["usergroup"]))
    if members is None:
        return error("no_such_subteam")
    return ok(users=list(members))


def conversation_type(channel: Channel) -> str:
    if channel.is_im:
        return "im"
    if channel.is_mpim:
        return "mpim"
    return "private_channel" if channel.is_private else "public_channel"


def conversations_list(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    # NOTE: every channel comes back in one page, because `limit` and `cursor` are
    # ignored.
    types = set(id_list(args.get("types") or "public_channel"))
    exclude_archived = flag(args, "exclude_archived")
    channels = [
        workspace.conversation(channel)
        for channel in workspace.channels.values()
        if conversation_type(channel) in types
        and not (exclude_archived and channel.is_archived)
    ]
    return ok(channels=channels, response_metadata=NO_NEXT_PAGE)


def conversations_history(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    """Channel messages newest first; thread replies stay in their threads."""
    channel = workspace.find_channel(args["channel"])
    if channel is None:
        return error("channel_not_found")
    top_level = [
        message
        for message in channel.messages.values()
        if message.get("thread_ts", message["ts"]) == message["ts"]
    ]
    selected = in_time_range(top_level, args)[::-1]
    limit = int(args.get("limit") or 100)
    return ok(
        messages=copy.deepcopy(selected[:limit]),
        has_more=len(selected) > limit,
        pin_count=len(channel.pins),
        response_metadata=NO_NEXT_PAGE,
    )


def conversations_replies(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    """The thread holding `ts`, parent first, as Slack returns it for any of its ts."""
    channel = workspace.find_channel(args["channel"])
    if channel is None:
        return error("channel_not_found")
    target = channel.messages.get(str(args["ts"]))
    if target is None:
        return error("thread_not_found")
    parent = target.get("thread_ts", target["ts"])
    thread = [
        message
        for message in channel.messages.values()
        if message["ts"] == parent or message.get("thread_ts") == parent
    ]
    return ok(
        messages=copy.deepcopy(in_time_range(thread, args)),
        has_more=False,
        response_metadata=NO_NEXT_PAGE,
    )


def in_time_range(
    messages: list[dict[str, Any]], args: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Filter by `oldest` and `latest` (exclusive unless `inclusive`), oldest first."""
    inclusive = flag(args, "inclusive")
    oldest = float(args["oldest"]) if args.get("oldest") else None
    latest = float(args["latest"]) if args.get("latest") else None

    def keep(message: dict[str, Any]) -> bool:
        ts = float(message["ts"])
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            return False
        return latest is None or ts < latest or (ts == latest and inclusive)

    return sorted((m for m in messages if keep(m)), key=lambda m: float(m["ts"]))


def conversations_open(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    if args.get("channel"):
        channel = workspace.find_channel(args["channel"])
        if channel is None:
            return error("channel_not_found")
        already_open = True
    else:
        user_ids = id_list(args.get("users"))
        if not user_ids:
            return error("users_list_not_supplied")
        if len(user_ids) > MAX_GROUP_DM_USERS:
            return error("too_many_users")
        if not all(USER_ID.fullmatch(user_id) for user_id in user_ids):
            return error("user_not_found")
        channel, already_open = workspace.open_direct_message(user_ids)

    rendered = workspace.conversation(channel)
    if not flag(args, "return_im"):
        rendered = {"id": channel.id}
    if already_open:
        return ok(no_op=True, already_open=True, channel=rendered)
    return ok(channel=rendered)


# ---- views -----------------------------------------------------------------------


def render_view(
    workspace: Workspace, view: dict[str, Any], view_id: str, root_view_id: str
) -> dict[str, Any]:
    """Render a view as Slack returns it, with a fresh hash."""
    rendered: dict[str, Any] = {
        "id": view_id,
        "team_id": workspace.team_id,
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "clear_on_close": False,
        "notify_on_close": False,
        "previous_view_id": None,
    }
    rendered.update(copy.deepcopy(view))
    rendered.update(
        id=view_id,
        state={"values": {}},
        hash=f"{int(time.time())}.{secrets.token_hex(4)}",
        root_view_id=root_view_id,
        app_id=workspace.app_id,
        bot_id=workspace.bot_id,
    )
    return rendered


def external_id_taken(workspace: Workspace, view: dict[str, Any], own_id: str) -> bool:
    external_id = view.get("external_id")
    if not external_id:
        return False
    return any(
        stored["external_id"] == external_id and stored_id != own_id
        for stored_id, stored in workspace.views.items()
    )


def store_new_view(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    view = decode_json_argument(args["view"])
    view_id = workspace.next_id("V")
    if external_id_taken(workspace, view, view_id):
        return error("duplicate_external_id")
    stored = render_view(workspace, view, view_id, root_view_id=view_id)
    workspace.views[view_id] = stored
    return ok(view=copy.deepcopy(stored))


def views_open(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    return store_new_view(workspace, args)


def views_push(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    # NOTE: a pushed view is its own root, because the fake cannot tell from the
    # trigger which modal it was pushed onto.
    return store_new_view(workspace, args)


def find_view(workspace: Workspace, args: Mapping[str, Any]) -> dict[str, Any] | None:
    if args.get("view_id"):
        return workspace.views.get(args["view_id"])
    external_id = args.get("external_id")
    for stored in workspace.views.values():
        if external_id and stored["external_id"] == external_id:
            return stored
    return None


def views_update(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    stored = find_view(workspace, args)
    if stored is None:
        return error("not_found")
    if args.get("hash") and args["hash"] != stored["hash"]:
        return error("hash_conflict")
    view = decode_json_argument(args["view"])
    if external_id_taken(workspace, view, stored["id"]):
        return error("duplicate_external_id")

    updated = render_view(workspace, view, stored["id"], stored["root_view_id"])
    workspace.views[stored["id"]] = updated
    return ok(view=copy.deepcopy(updated))


def views_publish(workspace: Workspace, args: Mapping[str, Any]) -> ApiResponse:
    """Publish a user's Home tab, keeping its view id across publishes."""
    previous = workspace.home_views.get(args["user_id"])
    if previous is not None and args.get("hash") and args["hash"] != previous["hash"]:
        return error("hash_conflict")
    view_id = previous["id"] if previous is not None else workspace.next_id("V")
    view = decode_json_argument(args["view"])
    published = render_view(workspace, view, view_id, root_view_id=view_id)
    workspace.home_views[args["user_id"]] = published
    return ok(view=copy.deepcopy(published))


HANDLERS: Mapping[str, Handler] = {
    "auth.test": auth_test,
    "chat.getPermalink": chat_get_permalink,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "conversations.archive": conversations_archive,
    "conversations.create": conversations_create,
    "conversations.history": conversations_history,
    "reactions.get": reactions_get,
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
    "users.lookupByEmail": users_lookup_by_email,
    "conversations.replies": conversations_replies,
    "conversations.info": conversations_info,
    "conversations.invite": conversations_invite,
    "conversations.list": conversations_list,
    "conversations.members": conversations_members,
    "conversations.open": conversations_open,
    "conversations.rename": conversations_rename,
    "conversations.setPurpose": conversations_set_purpose,
    "conversations.setTopic": conversations_set_topic,
    "conversations.unarchive": conversations_unarchive,
    "pins.add": pins_add,
    "pins.list": pins_list,
    "reactions.add": reactions_add,
    "usergroups.users.list": usergroups_users_list,
    "users.info": users_info,
    "users.list": users_list,
    "views.open": views_open,
    "views.publish": views_publish,
    "views.push": views_push,
    "views.update": views_update,
}
