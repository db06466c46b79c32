"""Webhook authentication: PagerDuty signatures, HMAC secrets and bearer tokens."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.ingest.auth import Credentials, authentication_problem

BODY = b'{"event": {"id": "1"}}'


def digest(secret: str, body: bytes = BODY) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        (f"v1={digest('pd')}", True),
        (f"v1={digest('old')},v1={digest('pd')}", True),
        (f"v1={digest('old')}, v1={digest('pd').upper()}", True),
        (f"v1={digest('old')}", False),
        (f"v2={digest('pd')}", False),
        ("v1=é", False),
        ("", False),
    ],
    ids=[
        "one",
        "second-of-two",
        "space-and-case",
        "wrong",
        "version",
        "non-ascii",
        "empty",
    ],
)
def test_pagerduty_signature(header, accepted):
    credentials = Credentials(signing_secret="pd")
    headers = {"x-pagerduty-signature": header}

    problem = authentication_problem(credentials, headers, BODY)

    assert (problem is None) is accepted


def test_pagerduty_signature_covers_exact_body():
    credentials = Credentials(signing_secret="pd")
    headers = {"x-pagerduty-signature": f"v1={digest('pd')}"}

    assert authentication_problem(credentials, headers, BODY + b" ") is not None


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (f"sha256={digest('hs')}", True),
        (digest("hs"), True),
        (digest("other"), False),
    ],
    ids=["prefixed", "bare", "wrong"],
)
def test_hmac_signature(value, accepted):
    credentials = Credentials(hmac_secret="hs", signature_header="X-Hook-Signature")

    problem = authentication_problem(credentials, {"x-hook-signature": value}, BODY)

    assert (problem is None) is accepted


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("Bearer token-1", True),
        ("bearer token-1", True),
        ("Bearer token-2", False),
        ("token-1", False),
        ("", False),
    ],
    ids=["exact", "scheme-case", "wrong", "no-scheme", "missing"],
)
def test_bearer_token(header, accepted):
    problem = authentication_problem(
        Credentials(bearer_token="token-1"), {"authorization": header}, BODY
    )

    assert (problem is None) is accepted


def test_no_credential_rejects_everything():
    problem = authentication_problem(Credentials(), {"authorization": "Bearer x"}, BODY)

    assert problem == "no credential is configured for this source"
