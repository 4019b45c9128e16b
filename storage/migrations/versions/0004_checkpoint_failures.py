"""poll checkpoints record how a stream is failing: retryable or not, and since when

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 09:00:00

Admin alerts read a stream's state from its checkpoint: the last error's words were
there already; whether it passes by itself and when the failing began are added, so an
alert is sent once per run of failures instead of once per poll.
"""

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("poll_checkpoint") as batch:
        batch.add_column(sa.Column("last_error_retryable", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("failing_since", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("poll_checkpoint") as batch:
        batch.drop_column("failing_since")
        batch.drop_column("last_error_retryable")
