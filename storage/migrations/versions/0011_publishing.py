"""publishing: rate-limit pauses and backlog notices shared by every process, post claims,
card marks

Revision ID: 0009_publishing
Revises: 0009_roles
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0009_publishing"
down_revision = "0009_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_channel_state",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("posts_paused_until", UTCDateTime(), nullable=True),
        sa.Column("updates_paused_until", UTCDateTime(), nullable=True),
        sa.Column("backlog_notice_ts", sa.String(length=32), nullable=True),
        sa.Column("backlog_waiting", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("backlog_since", UTCDateTime(), nullable=True),
        sa.Column("backlog_noticed_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", name="pk_slack_channel_state"),
    )
    with op.batch_alter_table("post") as batch:
        batch.add_column(sa.Column("slack_claimed_until", UTCDateTime(), nullable=True))
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("card_dirty_at", UTCDateTime(), nullable=True))
    op.create_index("ix_case_card_dirty_at", "case", ["card_dirty_at"])
    op.create_index(
        "ix_post_slack_pending",
        "post",
        ["case_id", "created_at"],
        postgresql_where=sa.text("slack_ts IS NULL"),
        sqlite_where=sa.text("slack_ts IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_post_slack_pending", table_name="post")
    op.drop_index("ix_case_card_dirty_at", table_name="case")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("card_dirty_at")
    with op.batch_alter_table("post") as batch:
        batch.drop_column("slack_claimed_until")
    op.drop_table("slack_channel_state")
