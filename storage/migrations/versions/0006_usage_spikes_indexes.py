"""metrics: network usage per day, spike alert episodes, indexes for time-window queries

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 09:00:00

The metrics read posts, replies and audit events by time window, and App Home reads an
agent's own cases: without these indexes, 1,000,000 cases take seconds instead of
milliseconds (bench/metrics_bench.py). `network_usage` counts what the bot read and wrote
per network and UTC day for the X cost meter; `spike_alert` keeps one row per spike
episode with its one Slack message.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_case_owner_status", "case", ["owner_slack_id", "status"]),
    ("ix_post_created_at", "post", ["created_at"]),
    ("ix_audit_event_action_created", "audit_event", ["action", "created_at"]),
    ("ix_audit_event_actor_action", "audit_event", ["actor", "action"]),
    ("ix_draft_posted_at", "draft", ["posted_at"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.create_table(
        "network_usage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_usage")),
        sa.UniqueConstraint("day", "network", "kind", name="uq_network_usage_day_kind"),
    )
    op.create_table(
        "spike_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("peak_posts", sa.Integer(), nullable=False),
        sa.Column("peak_negative", sa.Integer(), nullable=False),
        sa.Column("baseline_posts", sa.Float(), nullable=False),
        sa.Column("baseline_negative", sa.Float(), nullable=False),
        sa.Column("slack_channel", sa.String(length=32), nullable=True),
        sa.Column("slack_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brand_account.id"],
            name=op.f("fk_spike_alert_brand_id_brand_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spike_alert")),
    )
    op.create_index(op.f("ix_spike_alert_brand_id"), "spike_alert", ["brand_id"])
    op.create_index(op.f("ix_spike_alert_ended_at"), "spike_alert", ["ended_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_spike_alert_ended_at"), table_name="spike_alert")
    op.drop_index(op.f("ix_spike_alert_brand_id"), table_name="spike_alert")
    op.drop_table("spike_alert")
    op.drop_table("network_usage")
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
