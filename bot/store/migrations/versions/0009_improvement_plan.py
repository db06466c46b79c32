"""add effort and phase to action items, and decisions on proposed items

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effort", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("phase", sa.String(length=12), nullable=True))
    op.create_table(
        "proposal_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("proposal_key", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action_item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_item_id"],
            ["action_items.id"],
            name=op.f("fk_proposal_decisions_action_item_id_action_items"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_proposal_decisions_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_decisions")),
        sa.UniqueConstraint(
            "incident_id",
            "proposal_key",
            name=op.f("uq_proposal_decisions_incident_id_proposal_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("proposal_decisions")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_column("phase")
        batch_op.drop_column("effort")
