"""Authentication of alert webhooks: bearer tokens and HMAC-SHA256 signatures.

Every comparison runs in constant time, so response times reveal nothing about how
much of a token or signature matched.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

PAGERDUTY_SIGNATURE_HEADER = "X-PagerDuty-Signature"
DEFAULT_SIGNATURE_HEADER = "X-Warroom-Signature"


@dataclass(frozen=True)
class Credentials:
    """The secrets one source authenticates with, read from the environment.

    `signing_secret` is PagerDuty's webhook secret; `hmac_secret` signs the body in
    `signature_header` for other sources. A request passes when any configured
    credential matches.
    """

    bearer_token: str | None = None
    hmac_secret: str | None = None
    signature_header: str = DEFAULT_SIGNATURE_HEADER
    signing_secret: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.bearer_token or self.hmac_secret or self.signing_secret)


def authentication_problem(
    credentials: Credentials, headers: Mapping[str, str], body: bytes
) -> str | None:
    """Return why the request is not authenticated, or None when it is.

    `headers` must have lower-case names.
    """
    if not credentials.configured:
        return "no credential is configured for this source"
    if credentials.signing_secret is not None:
        header = headers.get(PAGERDUTY_SIGNATURE_HEADER.lower(), "")
        if pagerduty_signature_valid(credentials.signing_secret, body, header):
            return None
    if credentials.hmac_secret is not None:
        header = headers.get(credentials.signature_header.lower(), "")
        if hmac_signature_valid(credentials.hmac_secret, body, header):
            return None
    if credentials.bearer_token is not None:
        header = headers.get("authorization", "")
        if bearer_token_valid(credentials.bearer_token, header):
            return None
    return "the token or signature does not match"


def pagerduty_signature_valid(secret: str, body: bytes, header: str) -> bool:
    """Check `X-PagerDuty-Signature`: "v1=<hex>" entries separated by commas.

    PagerDuty sends one entry per active secret while a secret is rotated, so any
    matching v1 entry is enough.
    """
    expected = _hex_hmac(secret, body)
    for entry in header.split(","):
        version, _, signature = entry.strip().partition("=")
        if version == "v1" and _same(signature, expected):
            return True
    return False


def hmac_signature_valid(secret: str, body: bytes, header: str) -> bool:
    """Check a hex HMAC-SHA256 of the body, with or without a "sha256=" prefix."""
    signature = header.strip().removeprefix("sha256=").lower()
    return bool(signature) and _same(signature, _hex_hmac(secret, body))


def bearer_token_valid(token: str, header: str) -> bool:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), token.encode())


def _same(signature: str, expected: str) -> bool:
    # Bytes, because compare_digest raises TypeError on non-ASCII strings.
    return hmac.compare_digest(signature.strip().lower().encode(), expected.encode())


def _hex_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
