"""Alembic environment: runs migrations on the connection warroom hands over."""

from alembic import context

from bot.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("warroom runs migrations with `warroom db upgrade`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # SQLite can roll back DDL too; without this an interrupted migration leaves
    # tables behind that the next attempt trips over.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
