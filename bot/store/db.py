"""Engines, sessions and schema migrations."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import StoreError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; replicas only need to agree on it.
MIGRATION_LOCK_ID = 0x5741_5252  # "WARR"


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
    if parsed.get_backend_name() == "sqlite":
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **options)


def _enable_sqlite_foreign_keys(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


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
                # Replicas starting together wait here instead of racing the DDL.
                connection.execute(
                    text("SELECT pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
                connection.commit()
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
    log.info("database schema is at revision %s", revision)


def is_reachable(engine: Engine) -> bool:
    """Return whether a trivial query succeeds, for the readiness probe."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("database is not reachable: %s", error.__class__.__name__)
        return False
    return True
