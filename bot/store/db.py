"""Engines, sessions and schema migrations."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import StoreError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; replicas only need to agree on it.
MIGRATION_LOCK_ID = 0x5741_5252  # "WARR"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
CONNECT_TIMEOUT_SECONDS = 10
READY_TIMEOUT_SECONDS = 3
LOCK_LOG_INTERVAL_SECONDS = 10
_probe_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ready-probe")


def normalize_url(url: str) -> str:
    """Map plain postgresql:// URLs to the psycopg 3 driver that warroom installs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine for `url`; SQLite gets foreign keys and a busy timeout."""
    try:
        parsed = make_url(normalize_url(url))
    except Exception as error:  # SQLAlchemy raises ArgumentError or ValueError here.
        raise StoreError(
            f'DATABASE_URL "{_redact(url)}" is not a valid database URL ({error}). '
            "Use a URL such as sqlite:///warroom.db or "
            "postgresql://user@host:5432/warroom."
        ) from error
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise StoreError(
            f'DATABASE_URL "{_redact(url)}" names {backend}; warroom supports '
            "sqlite:///path.db and postgresql://user@host:5432/name."
        )
    if backend == "sqlite":
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    options.setdefault("pool_pre_ping", True)
    connect_args = options.setdefault("connect_args", {})
    connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    # A server that accepts the connection but stops responding fails after this,
    # instead of holding the request thread until the kernel gives up.
    connect_args.setdefault("tcp_user_timeout", CONNECT_TIMEOUT_SECONDS * 1000)
    return create_engine(parsed, **options)


def _configure_sqlite_connection(connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event open transactions instead of the sqlite3 module.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts.

    Two deferred transactions that both read and then write can fail with "database
    is locked" instead of waiting; taking the lock up front makes the second wait for
    the busy timeout. SQLite serialises writers anyway, so little is lost.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # Unparsable: show it unless it may contain a password.
        return url.split(":", 1)[0] + "://…" if "@" in url else url


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session whose work is committed on success and rolled back on error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the schema to `revision`, one replica at a time on PostgreSQL."""
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                _take_migration_lock(connection)
            try:
                config = alembic_config(engine)
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                connection.commit()
            finally:
                if engine.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:id)"),
                        {"id": MIGRATION_LOCK_ID},
                    )
                    connection.commit()
    except SQLAlchemyError as error:
        raise StoreError(
            f"Could not migrate the database at {engine.url!r}: {error}"
        ) from error
    log.info("database schema is up to date (%s)", current_revision(engine))


def _take_migration_lock(connection: Connection) -> None:
    """Wait for other replicas' migrations, saying so while waiting."""
    started = time.monotonic()
    logged = started
    query = text("SELECT pg_try_advisory_lock(:id)")
    while not connection.execute(query, {"id": MIGRATION_LOCK_ID}).scalar_one():
        connection.commit()
        if time.monotonic() - logged >= LOCK_LOG_INTERVAL_SECONDS:
            waited = time.monotonic() - started
            log.info("waiting %.0f s for another replica's migration", waited)
            logged = time.monotonic()
        time.sleep(0.5)
    connection.commit()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _select_one(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def is_reachable(engine: Engine, timeout: float = READY_TIMEOUT_SECONDS) -> bool:
    """Return whether a trivial query succeeds within `timeout`, for /readyz.

    The query runs on one dedicated thread, so a stalled database makes probes fail
    fast instead of tying up the threads that serve Slack.
    """
    try:
        _probe_pool.submit(_select_one, engine).result(timeout=timeout)
    except FutureTimeout:
        log.warning("database query timed out after %s s", timeout)
        return False
    except SQLAlchemyError as error:
        log.warning("database is not reachable: %s", error.__class__.__name__)
        return False
    return True


def insert_if_absent(
    session: Session, model: type[Any], values: dict[str, Any]
) -> bool:
    """Insert a row unless its key exists; return whether this call inserted it.

    The database decides through ON CONFLICT DO NOTHING, so two replicas inserting
    the same key at the same moment cannot both succeed.
    """
    dialect = session.get_bind().dialect.name
    statement: postgresql.Insert | sqlite.Insert
    if dialect == "postgresql":
        statement = postgresql.insert(model).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(model).on_conflict_do_nothing()
    else:
        raise StoreError(f"warroom supports SQLite and PostgreSQL, not {dialect}.")
    key = inspect(model).primary_key[0]
    inserted = statement.values(values).returning(key)
    return session.execute(inserted).first() is not None
