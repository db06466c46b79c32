"""The Slack app manifests agree with Slack's schema and with the code."""

import ast
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from slack_signing import slash_command_body

from bot.slack import ids

ROOT = Path(__file__).resolve().parents[1]
MANIFESTS = ["slack-app.yaml", "slack-app-socket-mode.yaml"]
REGISTRATIONS = {
    "command": "commands",
    "action": "actions",
    "event": "events",
    "view": "views",
}


def load_manifest(name: str) -> dict:
    return yaml.safe_load((ROOT / "manifests" / name).read_text())


def method_reference(shared: Path, method: str) -> dict:
    return json.loads((shared / "slack" / "methods" / f"{method}.json").read_text())


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_matches_slack_schema(name, shared_dir):
    schema = json.loads((shared_dir / "slack" / "manifest.schema.json").read_text())

    jsonschema.validate(load_manifest(name), schema)


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_scopes_are_used(name, shared_dir):
    granted = set(load_manifest(name)["oauth_config"]["scopes"]["bot"])
    justified = set(ids.EXTRA_SCOPES)
    for method in ids.WEB_API_METHODS:
        allowed = set(method_reference(shared_dir, method)["scope"].get("bot", []))
        if not allowed:
            continue  # auth.test and a few others need no scope.
        assert granted & allowed, f"no granted scope lets the bot call {method}"
        justified |= allowed

    assert granted <= justified, f"scopes nothing uses: {granted - justified}"


def registered_names() -> dict[str, set[str]]:
    """Collect the ids passed to app.command/action/event anywhere in bot/."""
    found: dict[str, set[str]] = {kind: set() for kind in REGISTRATIONS.values()}
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            ):
                continue
            kind = REGISTRATIONS.get(node.func.attr)
            if kind is None or not node.args:
                continue
            found[kind].add(resolve(node.args[0], path))
    return found


def resolve(argument: ast.expr, path: Path) -> object:
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return argument.value
    if isinstance(argument, ast.Name) and hasattr(ids, argument.id):
        return getattr(ids, argument.id)
    if (
        isinstance(argument, ast.Attribute)
        and isinstance(argument.value, ast.Name)
        and argument.value.id == "ids"
    ):
        return getattr(ids, argument.attr)
    raise AssertionError(
        f"{path}:{argument.lineno}: register listeners with a constant from "
        "bot/slack/ids.py so the manifest can be checked against it"
    )


def test_listeners_match_ids():
    found = registered_names()

    assert found["commands"] == {ids.COMMAND}
    assert found["actions"] == set(ids.ACTIONS)
    assert found["events"] == set(ids.EVENTS)
    assert found["views"] == set(ids.VIEWS)


@pytest.mark.parametrize("name", MANIFESTS)
def test_manifest_matches_listeners(name):
    manifest = load_manifest(name)
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    subscriptions = manifest["settings"].get("event_subscriptions", {})
    events = set(subscriptions.get("bot_events", []))

    assert commands == {ids.COMMAND}
    assert events == set(ids.EVENTS)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True


def client_method(node: ast.AST) -> str | None:
    """Return "chat.postMessage" for `client.chat_postMessage`, else None."""
    if not isinstance(node, ast.Attribute) or "_" not in node.attr:
        return None
    owner = node.value
    named_client = isinstance(owner, ast.Name) and owner.id == "client"
    if named_client or (isinstance(owner, ast.Attribute) and owner.attr == "client"):
        return node.attr.replace("_", ".")
    return None


def test_web_api_methods_match_code(shared_dir):
    families = {
        path.name.split(".")[0] for path in (shared_dir / "slack" / "methods").iterdir()
    }
    called = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            method = client_method(node)
            if method is not None and method.split(".")[0] in families:
                called.add(method)

    assert called == set(ids.WEB_API_METHODS)


def test_socket_mode_manifest_has_no_urls():
    manifest = load_manifest("slack-app-socket-mode.yaml")

    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in manifest["settings"]["interactivity"]
    for command in manifest["features"]["slash_commands"]:
        assert "url" not in command


def test_unregistered_command_is_not_handled(running_bot):
    fake = running_bot.fake_slack
    body = slash_command_body(
        "help", command="/other", response_url=fake.response_url()
    )

    status, _, _ = running_bot.post(body, "application/x-www-form-urlencoded")

    assert status == 404
