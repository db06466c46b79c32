"""Fixtures: a fresh database per test on SQLite and PostgreSQL, and a running bot.

PostgreSQL tests run in a schema of their own that is dropped afterwards, so a run
leaves no tables behind. Set WARROOM_TEST_POSTGRES_URL to another server, or to an
empty string to run the SQLite half only.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
import sqlalchemy
from slack_signing import post_signed

from bot.app import Warroom, create_app
from bot.server import make_http_server, stop_http_server
from bot.settings import Settings
from bot.store.db import make_engine, upgrade

if TYPE_CHECKING:
    from fakeslack import FakeSlack

pytest_plugins = ["fakeslack"]

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("WARROOM_SHARED_DIR", ROOT.parent / "shared"))
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("WARROOM_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
# One prefix per test run, so runs sharing a server do not see each other's schemas.
SCHEMA_PREFIX = f"warroom_test_{uuid.uuid4().hex[:6]}_"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"

ENGINES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _postgres_admin() -> sqlalchemy.Engine:
    engine = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except sqlalchemy.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL at {POSTGRES_URL} is not reachable ({error.orig}). Start it "
            "(.ci/run does) or set WARROOM_TEST_POSTGRES_URL= to skip its half."
        )
    return engine


@pytest.fixture
def shared_dir() -> Path:
    """Return the folder of Slack and alert reference files."""
    return SHARED


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of an empty database, not yet migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'warroom.db'}"
        return
    admin = _postgres_admin()
    schema = SCHEMA_PREFIX + uuid.uuid4().hex[:10]
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    options = quote(f"-csearch_path={schema}")
    try:
        yield f"{POSTGRES_URL}{separator}options={options}"
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[sqlalchemy.Engine]:
    """Return an engine on a fresh, migrated database."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _no_schemas_left_behind() -> Iterator[None]:
    yield
    if not POSTGRES_URL:
        return
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            query = "SELECT nspname FROM pg_namespace WHERE nspname LIKE :prefix"
            rows = connection.execute(
                sqlalchemy.text(query), {"prefix": SCHEMA_PREFIX + "%"}
            )
            left = [row[0] for row in rows]
    except sqlalchemy.exc.OperationalError:
        return  # The database fixture already reported that the server is down.
    finally:
        admin.dispose()
    assert left == [], f"test schemas left behind: {left}"


@dataclass
class RunningBot:
    """The bot serving HTTP on a free port, talking to the fake Slack."""

    url: str
    app: Warroom
    fake_slack: FakeSlack

    def post(
        self, body: bytes, content_type: str, **kwargs: object
    ) -> tuple[int, dict[str, str], bytes]:
        return post_signed(
            self.url + "/slack/events",
            body,
            signing_secret=SIGNING_SECRET,
            content_type=content_type,
            **kwargs,  # type: ignore[arg-type]
        )


def make_settings(
    fake_slack: FakeSlack, database_url: str, **changes: object
) -> Settings:
    settings = Settings(
        slack_bot_token=fake_slack.token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        database_url=database_url,
        host="127.0.0.1",
        port=0,
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return make_settings(fake_slack, database_url)


@pytest.fixture
def running_bot(
    settings: Settings, engine: sqlalchemy.Engine, fake_slack: FakeSlack
) -> Iterator[RunningBot]:
    app = create_app(settings, engine=engine)
    server = make_http_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield RunningBot(f"http://127.0.0.1:{server.effective_port}", app, fake_slack)
    finally:
        # Let listeners and in-flight requests finish before the sockets close.
        app.drain()
        stop_http_server(server)
        thread.join(timeout=5)
        assert not thread.is_alive(), "the HTTP server did not stop"
        app.close()
