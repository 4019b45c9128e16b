"""service levels: deadline watcher state, exactly-once SLA events, listening health

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 12:00:00

Cases get the watcher's next check (indexed, so a run reads only the cases due) and the
state the card shows; SLA events and listening problems are recorded once each by unique
constraints. Open cases are due for a first look right after the upgrade.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(
            sa.Column(
                "waiting_on_customer", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(
            sa.Column("sla_next_check_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("sla_state", sa.JSON(), nullable=True))
        batch.create_index("ix_case_sla_next_check_at", ["sla_next_check_at"])
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("asks_customer", sa.Boolean(), nullable=True))
    with op.batch_alter_table("poll_checkpoint") as batch:
        batch.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "sla_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("due_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("announced_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name="fk_sla_event_case_id_case"),
        sa.PrimaryKeyConstraint("id", name="pk_sla_event"),
        sa.UniqueConstraint("case_id", "target", "occurrence", "kind", name="uq_sla_event_once"),
    )
    op.create_index("ix_sla_event_case_id", "sla_event", ["case_id"])
    op.create_index("ix_sla_event_created_at", "sla_event", ["created_at"])
    op.create_table(
        "listening_problem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("opened_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("alerted_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recovery_noted_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_listening_problem"),
        sa.UniqueConstraint("key", "episode", name="uq_listening_problem_episode"),
    )
    # Open cases get their first look from the watcher right away.
    case = sa.table(
        "case",
        sa.column("status", sa.String()),
        sa.column("sla_next_check_at", storage.models.UTCDateTime(timezone=True)),
    )
    op.execute(
        case.update()
        .where(case.c.status != "closed")
        .values(sla_next_check_at=datetime(2000, 1, 1, tzinfo=UTC))
    )


def downgrade() -> None:
    op.drop_table("listening_problem")
    op.drop_index("ix_sla_event_created_at", table_name="sla_event")
    op.drop_index("ix_sla_event_case_id", table_name="sla_event")
    op.drop_table("sla_event")
    with op.batch_alter_table("poll_checkpoint") as batch:
        batch.drop_column("failures")
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("asks_customer")
    with op.batch_alter_table("case") as batch:
        batch.drop_index("ix_case_sla_next_check_at")
        batch.drop_column("sla_state")
        batch.drop_column("sla_next_check_at")
        batch.drop_column("waiting_on_customer")
