"""Signed requests to the bot's Slack endpoint, built the way Slack builds them.

Slack signs ``v0:<timestamp>:<raw body>`` with HMAC-SHA256 and the app's signing
secret, and sends the result as ``X-Slack-Signature: v0=<hex>`` together with
``X-Slack-Request-Timestamp``. The signature covers the exact bytes, so the body
builders here reproduce Slack's encoding byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

# Defaults match the recorded slash command, so a body built with them signs like it.
DEFAULT_TRIGGER_ID = "1234567890123.1111111111.fakeTRIGGERhash0000000000000000"
DEFAULT_VERIFICATION_TOKEN = "FAKEverificationTOKEN00000"


def sign(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Return the ``v0=<hex>`` signature that Slack sends for this body."""
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    digest = hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256)
    return "v0=" + digest.hexdigest()


def post_signed(
    url: str,
    body: bytes | str,
    *,
    signing_secret: str,
    content_type: str,
    timestamp: int | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """POST a signed body and return the status, headers and body of the response.

    ``timestamp`` defaults to now. Pass an old one to test replay protection.
    ``headers`` are sent as well and can override the signature headers. A 4xx or
    5xx response is returned like any other instead of raising.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    sent_at = str(int(time.time()) if timestamp is None else timestamp)
    request_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": sent_at,
        "X-Slack-Signature": sign(signing_secret, sent_at, raw),
        **(headers or {}),
    }
    request = urllib.request.Request(
        url, data=raw, headers=request_headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as failure:
        with failure:
            return failure.code, dict(failure.headers.items()), failure.read()


def slash_command_body(
    text: str,
    *,
    command: str = "/incident",
    team_id: str = "T0FAKETEAM",
    channel_id: str = "C0FAKECHAN1",
    user_id: str = "U0FAKEUSER1",
    response_url: str,
    trigger_id: str = DEFAULT_TRIGGER_ID,
    team_domain: str = "acme-sre",
    channel_name: str = "ops",
    user_name: str = "jane.doe",
    api_app_id: str = "A0FAKEAPP1",
    token: str = DEFAULT_VERIFICATION_TOKEN,
) -> bytes:
    """Build a slash command body, form-encoded in Slack's field order."""
    fields = {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(fields).encode("ascii")


def interactive_body(payload: dict[str, Any]) -> bytes:
    """Build an interactivity body: ``payload=`` and the percent-encoded JSON.

    Slack serialises the payload without spaces and leaves "/" unescaped.
    """
    serialised = json.dumps(payload, separators=(",", ":"))
    return ("payload=" + quote(serialised, safe="/")).encode("ascii")
