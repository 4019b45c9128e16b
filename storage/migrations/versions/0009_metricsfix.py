"""metrics: reports delivered exactly once; indexes for per-case look-ups

Revision ID: 0009_metricsfix
Revises: 0008

`report_delivery` holds one row per scheduled report (daily or weekly) and due time: the
process that inserts it posts the report, so two processes or a restart never post it
twice (bot/reports/delivery.py).

The per-agent table looks up, for each reply of the period, the previous reply and the
oldest customer post of its case in a time range (bot/metrics/aggregates.py): (case, time)
indexes answer both from the index however long the conversation.
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0009_metricsfix"
down_revision = "0008"
branch_labels = None
depends_on = None


INDEXES = [
    ("ix_post_case_created", "post", ["case_id", "created_at"]),
    ("ix_draft_case_posted", "draft", ["case_id", "posted_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "report_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("slack_channel", sa.String(length=32), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_delivery")),
        sa.UniqueConstraint("kind", "due_at", name="uq_report_delivery_once"),
    )


def downgrade() -> None:
    op.drop_table("report_delivery")
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
