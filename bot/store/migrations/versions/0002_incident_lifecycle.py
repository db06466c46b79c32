"""track severity prompts, services and pinned sources

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("severity_prompt_ts", sa.String(length=32), nullable=True)
        )
        # Server defaults fill the new NOT NULL columns of rows that already exist.
        batch_op.add_column(
            sa.Column("services", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column(
                "resolution_summary", sa.Text(), nullable=False, server_default=""
            )
        )
        batch_op.create_index(
            batch_op.f("ix_incidents_team_id_channel_id"),
            ["team_id", "channel_id"],
            unique=False,
        )

    with op.batch_alter_table("timeline_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_key", sa.String(length=200), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_timeline_events_incident_id_source_key"),
            ["incident_id", "source_key"],
        )


def downgrade() -> None:
    with op.batch_alter_table("timeline_events", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_timeline_events_incident_id_source_key"), type_="unique"
        )
        batch_op.drop_column("source_key")

    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_team_id_channel_id"))
        batch_op.drop_column("resolution_summary")
        batch_op.drop_column("services")
        batch_op.drop_column("severity_prompt_ts")
