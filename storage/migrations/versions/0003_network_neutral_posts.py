"""network-neutral posts: wider ids, post meta, opaque stream cursors, draft target post

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 09:00:00

Ids and URLs of other networks do not fit X's shapes: Bluesky post ids are `at://` URIs,
Facebook ids carry underscores, feed entries are links. A stream's checkpoint becomes an
opaque cursor chosen by the network (a page cursor, a feed's validators), so it is text.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (table, column, old length, new length, nullable)
WIDENED = [
    ("brand_account", "external_id", 64, 300, False),
    ("brand_account", "handle", 64, 200, False),
    ("customer", "external_id", 64, 300, False),
    ("customer", "handle", 64, 200, False),
    ("case", "conversation_id", 64, 300, True),
    ("post", "external_id", 64, 300, False),
    ("post", "url", 300, 2000, False),
    ("post", "conversation_id", 64, 300, True),
    ("post", "in_reply_to_id", 64, 300, True),
    ("draft", "target_id", 64, 300, True),
    ("draft", "external_id", 64, 300, True),
    ("draft", "external_url", 300, 2000, True),
]


def upgrade() -> None:
    for table, column, old, new, nullable in WIDENED:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.String(length=old),
                type_=sa.String(length=new),
                existing_nullable=nullable,
            )
    with op.batch_alter_table("post") as batch:
        batch.add_column(sa.Column("meta", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("poll_checkpoint") as batch:
        batch.alter_column(
            "since_id",
            new_column_name="cursor",
            existing_type=sa.String(length=64),
            type_=sa.Text(),
            existing_nullable=True,
        )
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("target_post_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_draft_target_post_id_post", "post", ["target_post_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_constraint("fk_draft_target_post_id_post", type_="foreignkey")
        batch.drop_column("target_post_id")
    with op.batch_alter_table("poll_checkpoint") as batch:
        batch.alter_column(
            "cursor",
            new_column_name="since_id",
            existing_type=sa.Text(),
            type_=sa.String(length=64),
            existing_nullable=True,
        )
    with op.batch_alter_table("post") as batch:
        batch.drop_column("meta")
    for table, column, old, new, nullable in reversed(WIDENED):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column,
                existing_type=sa.String(length=new),
                type_=sa.String(length=old),
                existing_nullable=nullable,
            )
