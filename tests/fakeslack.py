"""A fake Slack Web API on 127.0.0.1 that records and checks every call.

``FakeSlack`` runs a real HTTP server, so the bot talks to it through slack_sdk's own
HTTP client, exactly as it talks to Slack. The ``fake_slack`` fixture starts one per
test and fails the test when the bot sent a call that Slack would reject.

Module layout: ``fakeslack_checks`` checks arguments and Block Kit content,
``fakeslack_workspace`` stores channels, messages, users and views, and
``fakeslack_methods`` handles the methods that depend on that state.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import json
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
from fakeslack_checks import (
    MAX_MESSAGE_BLOCKS,
    MethodSpec,
    argument_problems,
    block_kit_problems,
    blocks_problems,
    decode_json_argument,
    length_problems,
    load_method_specs,
)
from fakeslack_methods import HANDLERS
from fakeslack_workspace import ApiResponse, Workspace, error, ok

logger = logging.getLogger(__name__)

API_PATH = "/api/"
RESPONSE_URL_PATH = "/response/"
UPLOAD_PATH = "/upload/"
RESPONSE_TYPES = frozenset({"in_channel", "ephemeral"})
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# (status, headers, body) of an HTTP response.
HttpResponse = tuple[int, dict[str, str], bytes]


@dataclass
class Call:
    """One Web API call as the fake received it.

    ``args`` contains the query string and body arguments as sent: strings for form
    bodies, JSON values for JSON bodies. Header names are lowercased.
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]

    def json_arg(self, name: str) -> Any:
        """Return a JSON argument such as ``blocks`` parsed, or None if not sent.

        Raises json.JSONDecodeError when a string value is not JSON.
        """
        if name not in self.args:
            return None
        return decode_json_argument(self.args[name])


@dataclass
class DecodedBody:
    """Arguments decoded from a request, with the problems found on the way."""

    args: dict[str, Any]
    is_json: bool = False
    problems: tuple[str, ...] = ()
    error_code: str = "invalid_form_data"


def decode_arguments(content_type: str, body: bytes, query: str) -> DecodedBody:
    """Merge the query string and a form-encoded or JSON body into arguments."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";")[0].strip().lower()
    if not body:
        return DecodedBody(args)
    if media_type == "application/json":
        return decode_json_body(args, body)
    if media_type in ("", "application/x-www-form-urlencoded"):
        return decode_form_body(args, body)
    # NOTE: multipart bodies are rejected. slack_sdk sends them only to upload file
    # content with files.upload, which the fake does not emulate.
    return DecodedBody(args, problems=(f"unsupported Content-Type {content_type!r}",))


def decode_json_body(args: dict[str, Any], body: bytes) -> DecodedBody:
    try:
        decoded = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = f"body is not valid JSON: {exc}"
        return DecodedBody(args, True, (problem,), "invalid_json")
    if not isinstance(decoded, dict):
        problem = f"JSON body must be an object, not {type(decoded).__name__}"
        return DecodedBody(args, True, (problem,), "invalid_json")
    return DecodedBody({**args, **decoded}, is_json=True)


def decode_form_body(args: dict[str, Any], body: bytes) -> DecodedBody:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError as exc:
        return DecodedBody(args, problems=(f"form body is not UTF-8: {exc}",))
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = tuple(f"argument {name!r} sent more than once" for name in repeated)
    return DecodedBody({**args, **dict(pairs)}, problems=problems)


def rejection(code: str, problems: Iterable[str], **fields: Any) -> ApiResponse:
    """Build an error response that lists the problems as Slack's error messages do."""
    messages = [f"[ERROR] {problem}" for problem in problems]
    return error(code, **fields, response_metadata={"messages": messages})


class FakeSlack:
    """A Slack Web API double on 127.0.0.1 that records calls and checks arguments.

    Every call is checked against Slack's method references in
    ``<shared_dir>/slack/methods/``: the method must exist, every argument must be
    documented, required arguments must be present and the token must match. Block
    Kit content must pass slack_sdk's models. A failed check is recorded in
    ``violations`` and the call is rejected with the error Slack would send.

    State rules:

    - Channels made by conversations.create get ids C0FAKE0001, C0FAKE0002, and so
      on. Names follow Slack's rules (lowercase letters, digits, hyphens and
      underscores, at most 80 characters) and stay taken after archiving.
    - Any id of the form C…, G… or D… that the fake has not seen is an existing
      conversation named after its lowercased id, with the bot as its only member.
      ``add_channel`` gives one a name and members, and ``forget_channel`` makes it
      fail with channel_not_found from then on.
    - chat.postMessage to a user id (U… or W…) posts into the bot's DM with that user.
      A channel name, with or without "#", is accepted for a channel the fake stores.
    - Only messages the fake stored can be updated, pinned or reacted to. Use
      ``add_message`` for messages written by people.
    - users.info knows the bot user and the users added with ``add_user``, while
      conversations.invite and conversations.open accept any well-formed user id.
    - Responses programmed with ``fail`` and ``rate_limit`` are used up in order, only
      by calls that pass the checks, and the calls they fail change no state.
    """

    def __init__(self, shared_dir: Path, token: str = "xoxb-fake-bot-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.responses: list[dict[str, Any]] = []
        shared_dir = Path(shared_dir)
        self._specs = load_method_specs(shared_dir / "slack" / "methods")
        self._workspace = Workspace(shared_dir / "slack" / "responses")
        self._programmed: dict[str, deque[ApiResponse]] = {}
        # (monotonic end, response) while every call fails, set by ``outage``.
        self._outage: tuple[float, ApiResponse] | None = None
        self._lock = threading.Lock()
        self._server: FakeSlackServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("FakeSlack is already running.")
        self._server = FakeSlackServer(self)
        self._workspace.upload_base = f"{self._origin()}{UPLOAD_PATH}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-slack",
            daemon=True,
        )
        self._thread.start()
        logger.debug("Fake Slack listening on %s", self.url)

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Web API base URL with a trailing slash, for ``WebClient(base_url=...)``."""
        return f"{self._origin()}{API_PATH}"

    def response_url(self, name: str = "default") -> str:
        """Return a URL that records JSON posted to it, like Slack's response_url."""
        return f"{self._origin()}{RESPONSE_URL_PATH}{quote(name, safe='')}"

    def _origin(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running. Call start() first.")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # ---- inspection --------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    @property
    def team_id(self) -> str:
        return self._workspace.team_id

    @property
    def bot_user_id(self) -> str:
        return self._workspace.bot_user_id

    def channel(self, channel_id: str) -> dict[str, Any]:
        """Return the channel as conversations.info would, plus its ``members``.

        Raises KeyError for a forgotten channel or a value that is not a channel id.
        """
        with self._lock:
            channel = self._workspace.find_channel(channel_id)
            if channel is None:
                raise KeyError(f"No channel {channel_id!r} in the fake workspace.")
            conversation = self._workspace.conversation(channel)
            conversation["members"] = list(channel.members)
            return conversation

    def messages(self, channel_id: str) -> list[dict[str, Any]]:
        """Return the stored messages of a channel, oldest first."""
        with self._lock:
            channel = self._workspace.find_channel(channel_id)
            if channel is None:
                raise KeyError(f"No channel {channel_id!r} in the fake workspace.")
            return copy.deepcopy(list(channel.messages.values()))

    def wait_for(self, predicate: Callable[[], object], timeout: float = 5.0) -> None:
        """Poll ``predicate`` until it returns a true value.

        A predicate that raises LookupError, such as ``calls_to(m)[0]`` before the
        first call, counts as not yet true. Raises AssertionError after ``timeout``
        seconds, naming the predicate and the calls received so far.
        """
        deadline = time.monotonic() + timeout
        last_error: LookupError | None = None
        while True:
            try:
                if predicate():
                    return
            except LookupError as exc:
                last_error = exc
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)

        with self._lock:
            methods = [call.method for call in self.calls]
            violations = list(self.violations)
        detail = f" Last error: {last_error!r}." if last_error else ""
        raise AssertionError(
            f"Condition {describe(predicate)} was still false after {timeout} s."
            f"{detail} Web API calls so far: {methods}. Violations: {violations}."
        )

    # ---- test setup --------------------------------------------------------------

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """Make the next ``times`` calls to ``method`` return ``{"ok": false}``."""
        response = ApiResponse({"ok": False, "error": error})
        self._program(method, response, times)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Make the next ``times`` calls to ``method`` fail with HTTP 429."""
        if retry_after < 0:
            raise ValueError(
                f"retry_after must be 0 or more seconds, not {retry_after}."
            )
        response = ApiResponse(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(retry_after)},
        )
        self._program(method, response, times)

    def outage(self, seconds: float, *, status: int, retry_after: int = 1) -> None:
        """Fail every Web API call with HTTP ``status`` for the next ``seconds``.

        429 responses carry ``Retry-After`` and Slack's ``ratelimited`` error, and
        other statuses the ``internal_error`` error. Like ``fail``, an outage answers
        only calls that pass the checks, and those calls change no state. Responses
        programmed with ``fail`` and ``rate_limit`` wait until the outage ends.
        """
        if seconds <= 0:
            raise ValueError(f"seconds must be more than 0, not {seconds}.")
        if status == 429:
            body = {"ok": False, "error": "ratelimited"}
            headers = {"Retry-After": str(retry_after)}
        elif 500 <= status <= 599:
            body = {"ok": False, "error": "internal_error"}
            headers = {}
        else:
            raise ValueError(f"status must be 429 or 5xx, not {status}.")
        response = ApiResponse(body, status=status, headers=headers)
        with self._lock:
            self._outage = (time.monotonic() + seconds, response)

    @property
    def in_outage(self) -> bool:
        """Whether an outage set by ``outage`` is still failing calls."""
        with self._lock:
            return self._outage is not None and time.monotonic() < self._outage[0]

    def _program(self, method: str, response: ApiResponse, times: int) -> None:
        if method not in self._specs:
            raise ValueError(f"Unknown Web API method {method!r}. Check the spelling.")
        if times < 1:
            raise ValueError(f"times must be 1 or more, not {times}.")
        with self._lock:
            queue = self._programmed.setdefault(method, deque())
            queue.extend([response] * times)

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        tz: str = "UTC",
        is_bot: bool = False,
        email: str | None = None,
    ) -> None:
        """Add a user for users.info. ``tz`` is an IANA zone such as "Europe/Berlin"."""
        with self._lock:
            self._workspace.add_user(
                user_id, name=name, tz=tz, is_bot=is_bot, email=email
            )

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        members: Iterable[str] = (),
    ) -> None:
        """Add an existing channel with the bot and ``members`` in it."""
        with self._lock:
            self._workspace.add_channel(
                channel_id, name=name, is_private=is_private, members=members
            )

    def add_user_group(self, group_id: str, members: Iterable[str]) -> None:
        """Add a user group, such as "S0ONCALL01", for usergroups.users.list."""
        with self._lock:
            self._workspace.user_groups[group_id] = list(members)

    def forget_channel(self, channel_id: str) -> None:
        """Make every later call naming ``channel_id`` fail with channel_not_found."""
        with self._lock:
            self._workspace.forget_channel(channel_id)

    def add_message(
        self, channel_id: str, *, text: str, user: str, thread_ts: str | None = None
    ) -> str:
        """Store a message written by ``user`` and return its ts."""
        with self._lock:
            return self._workspace.add_message(
                channel_id, text=text, user=user, thread_ts=thread_ts
            )

    def uploaded(self, file_id: str) -> dict[str, Any]:
        """Return a file's record: name, title, content and where it is shared."""
        with self._lock:
            return copy.deepcopy(self._workspace.files[file_id])

    def set_reactions(
        self, channel_id: str, ts: str, name: str, users: Iterable[str]
    ) -> None:
        """Set who reacted to a stored message with emoji `name`, as people do."""
        with self._lock:
            channel = self._workspace.find_channel(channel_id)
            if channel is None or ts not in channel.messages:
                raise KeyError(f"No message {ts} in {channel_id}.")
            reactions = channel.messages[ts].setdefault("reactions", [])
            reactions[:] = [r for r in reactions if r["name"] != name]
            people = list(users)
            if people:
                reactions.append({"name": name, "users": people, "count": len(people)})

    # ---- request handling --------------------------------------------------------

    def handle(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> HttpResponse:
        """Handle one HTTP request. The server calls this on its request threads."""
        url = urlsplit(target)
        if url.path.startswith(API_PATH):
            method = unquote(url.path.removeprefix(API_PATH))
            decoded = decode_arguments(headers.get("content-type", ""), body, url.query)
            with self._lock:
                call = Call(method, decoded.args, headers)
                self.calls.append(call)
                response = self._respond(call, decoded)
            return encode_response(response)
        if url.path.startswith(RESPONSE_URL_PATH) and verb == "POST":
            name = unquote(url.path.removeprefix(RESPONSE_URL_PATH))
            return self._record_response(name, headers, body)
        if url.path.startswith(UPLOAD_PATH) and verb == "POST":
            file_id = unquote(url.path.removeprefix(UPLOAD_PATH))
            with self._lock:
                if file_id not in self._workspace.files:
                    self._add_violations(f"POST {url.path}", ["unknown upload URL"])
                    return text_response(404, "not_found")
                self._workspace.files[file_id]["content"] = body
            return text_response(200, f"OK - {len(body)}")
        self._add_violations(f"{verb} {url.path}", ["no such path on the fake"])
        return text_response(404, "not_found")

    def _respond(self, call: Call, decoded: DecodedBody) -> ApiResponse:
        spec = self._specs.get(call.method)
        if spec is None:
            problem = "unknown Web API method, which Slack does not document"
            return self._reject(
                call, "unknown_method", [problem], req_method=call.method
            )
        if decoded.problems:
            return self._reject(call, decoded.error_code, decoded.problems)
        auth_error = self._auth_error(call, decoded.is_json)
        if auth_error is not None:
            return self._reject(call, *auth_error)
        rejected = self._check_arguments(spec, call, decoded.is_json)
        if rejected is not None:
            return rejected
        self._add_violations(call.method, length_problems(call.method, call.args))

        if self._outage is not None and time.monotonic() < self._outage[0]:
            return self._outage[1]
        queue = self._programmed.get(call.method)
        if queue:
            return queue.popleft()
        handler = HANDLERS.get(call.method)
        if handler is None:
            return ok()
        return handler(self._workspace, call.args)

    def _auth_error(self, call: Call, is_json: bool) -> tuple[str, list[str]] | None:
        """Return the error code and problem when the call's token is wrong."""
        authorization = call.headers.get("authorization", "")
        token = authorization.removeprefix("Bearer ") if authorization else None
        if token is None and "token" in call.args:
            if is_json:
                problem = "token sent in a JSON body, where Slack ignores it"
                return "not_authed", [problem + ". Send an Authorization header"]
            token = str(call.args["token"])
        if token is None:
            return "not_authed", ["missing token. Send an Authorization: Bearer header"]
        if token != self.token:
            return "invalid_auth", ["the token is not the fake workspace's bot token"]
        return None

    def _check_arguments(
        self, spec: MethodSpec, call: Call, is_json: bool
    ) -> ApiResponse | None:
        if is_json and not spec.accepts_json:
            problem = "JSON body sent, but this method accepts only form data"
            return self._reject(call, "invalid_arguments", [problem])
        problems = argument_problems(spec, call.args)
        if problems:
            return self._reject(call, "invalid_arguments", problems)
        problems = block_kit_problems(call.method, call.args)
        if not problems:
            return None
        if call.method.startswith("views."):
            return self._reject(call, "invalid_arguments", problems)
        return self._reject(call, "invalid_blocks", problems, errors=problems)

    def _reject(
        self, call: Call, code: str, problems: Iterable[str], **fields: Any
    ) -> ApiResponse:
        problems = list(problems)
        self._add_violations(call.method, problems)
        return rejection(code, problems, **fields)

    def _add_violations(self, where: str, problems: Iterable[str]) -> None:
        for problem in problems:
            logger.warning("Fake Slack violation in %s: %s", where, problem)
            self.violations.append(f"{where}: {problem}")

    def _record_response(
        self, name: str, headers: dict[str, str], body: bytes
    ) -> HttpResponse:
        """Record JSON posted to a response URL, as Slack's response_url accepts it."""
        where = f"response URL {name!r}"
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            payload, problems = None, [f"body is not valid JSON: {exc}"]
        else:
            problems = response_problems(headers, payload)
        with self._lock:
            if problems:
                self._add_violations(where, problems)
                return text_response(400, "invalid_payload")
            self.responses.append({**payload, "_response_url": name})
        return text_response(200, "ok")


def response_problems(headers: dict[str, str], payload: Any) -> list[str]:
    """List what Slack's response_url would reject in a decoded JSON payload."""
    content_type = headers.get("content-type", "")
    if not content_type.lower().startswith("application/json"):
        return [f"Content-Type must be application/json, not {content_type!r}"]
    if not isinstance(payload, dict):
        return [f"payload must be a JSON object, not {type(payload).__name__}"]
    problems = []
    if payload.get("blocks") is not None:
        problems += blocks_problems(
            payload["blocks"], where="blocks", max_blocks=MAX_MESSAGE_BLOCKS
        )
    response_type = payload.get("response_type")
    if response_type is not None and response_type not in RESPONSE_TYPES:
        problems.append(
            f"response_type must be in_channel or ephemeral, not {response_type!r}"
        )
    return problems


def encode_response(response: ApiResponse) -> HttpResponse:
    body = json.dumps(response.body).encode("utf-8")
    headers = {"Content-Type": JSON_CONTENT_TYPE, **response.headers}
    return response.status, headers, body


def text_response(status: int, text: str) -> HttpResponse:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode("utf-8")


def describe(predicate: Callable[[], object]) -> str:
    """Return the source of a predicate for error messages, or its name."""
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return getattr(predicate, "__qualname__", repr(predicate))


class FakeSlackServer(ThreadingHTTPServer):
    """HTTP server on a free port of 127.0.0.1 that forwards requests to a fake."""

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), FakeSlackRequestHandler)
        self.fake = fake


class FakeSlackRequestHandler(BaseHTTPRequestHandler):
    server: FakeSlackServer

    def do_GET(self) -> None:
        self.respond()

    def do_POST(self) -> None:
        self.respond()

    def respond(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            status, response_headers, payload = self.server.fake.handle(
                self.command, self.path, headers, body
            )
        except Exception as exc:
            # A bug in the fake must fail the test instead of hanging the client.
            logger.exception("Fake Slack failed on %s %s", self.command, self.path)
            self.server.fake.violations.append(
                f"{self.command} {self.path}: the fake itself failed: {exc!r}"
            )
            status, response_headers, payload = text_response(500, "fake_failed")

        self.send_response(status)
        for name, value in response_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("Fake Slack %s: " + format, self.address_string(), *args)


def default_shared_dir() -> Path:
    """Return ``$WARROOM_SHARED_DIR``, or the ``shared`` folder beside the checkout."""
    configured = os.environ.get("WARROOM_SHARED_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared"


def fail_on_violations(fake: FakeSlack) -> None:
    """Fail the current test if the fake recorded any violation."""
    if not fake.violations:
        return
    listed = "\n".join(f"  - {violation}" for violation in fake.violations)
    pytest.fail(
        f"Fake Slack recorded {len(fake.violations)} violation(s), calls that "
        f"Slack would reject or change:\n{listed}",
        pytrace=False,
    )


@contextlib.contextmanager
def checked_fake_slack(shared_dir: Path | None = None) -> Iterator[FakeSlack]:
    """Run a FakeSlack and fail the current test if it recorded violations."""
    fake = FakeSlack(shared_dir or default_shared_dir())
    with fake:
        yield fake
    fail_on_violations(fake)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """Run a FakeSlack for one test and fail the test on any violation."""
    with checked_fake_slack() as fake:
        yield fake
