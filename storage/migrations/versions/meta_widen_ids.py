"""room for Meta's ids: 255 characters for external ids, conversation ids and cursors

Messenger message ids ("m_" + ~90 characters) and Instagram message ids (~150 characters
of base64) do not fit the 64 characters X's numeric ids needed, and a network's opaque
polling cursor may be longer too. PostgreSQL refuses a longer value; SQLite ignores
declared lengths, so there is nothing to change there.

Revision ID: meta_1
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "meta_1"
down_revision = "0002"
branch_labels = None
depends_on = None

WIDENED = {
    "post": ("external_id", "conversation_id", "in_reply_to_id"),
    "case": ("conversation_id",),
    "draft": ("target_id", "external_id"),
    "poll_checkpoint": ("since_id",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in WIDENED.items():
        for column in columns:
            op.alter_column(
                table, column, type_=sa.String(length=255), existing_type=sa.String(length=64)
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in WIDENED.items():
        for column in columns:
            op.alter_column(
                table, column, type_=sa.String(length=64), existing_type=sa.String(length=255)
            )
