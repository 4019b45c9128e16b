"""roles: the worker lease (with its fencing epoch), the process registry, and who claimed
each send

Revision ID: 0009_roles
Revises: 0009_metricsfix
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_roles"
down_revision = "0009_metricsfix"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lease",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=True),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("acquired_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_lease"),
    )
    op.create_table(
        "bot_process",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("heartbeat_at", sa.Float(), nullable=False),
        sa.Column("stopped_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bot_process"),
    )
    op.create_index("ix_bot_process_heartbeat_at", "bot_process", ["heartbeat_at"])
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("send_claimed_by", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("send_claimed_by")
    op.drop_index("ix_bot_process_heartbeat_at", table_name="bot_process")
    op.drop_table("bot_process")
    op.drop_table("lease")
