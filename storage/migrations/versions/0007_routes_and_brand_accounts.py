"""routing: a case's routed channel and move lease; network names wide enough for accounts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 09:00:00

Several brand accounts on one network are connected as networks of their own ("x" and
"x:ar"), so the network name columns grow from 16 to 40 characters. A case remembers the
channel routing chose (`route_channel`) and, while a person moves it to another team,
since when (`moving_since`). Cases stored before keep no route: their thread stays where
it is, and the publisher sends a case without a route to the default channel.
"""

import sqlalchemy as sa
from alembic import op

import storage.models

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NETWORK_COLUMNS = ("brand_account", "customer", "case", "post", "poll_checkpoint")


def upgrade() -> None:
    for table in NETWORK_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "network",
                existing_type=sa.String(length=16),
                type_=sa.String(length=40),
                existing_nullable=False,
            )
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("route_channel", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("moving_since", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_column("moving_since")
        batch.drop_column("route_channel")
    for table in reversed(NETWORK_COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "network",
                existing_type=sa.String(length=40),
                type_=sa.String(length=16),
                existing_nullable=False,
            )
