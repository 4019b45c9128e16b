"""knowledge: post embeddings, saved replies, team settings, customer tags, notes and links

Revision ID: 0008
Revises: 0007

Where the PostgreSQL server offers pgvector, also the `post_vector` table with its HNSW
index (storage/vectors.py); elsewhere the similar-case lookup reads `post_embedding`.
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime
from storage.vectors import VECTOR_TABLE, enable_pgvector

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # What a customer wrote after our reply (their reaction) and their history.
    op.create_index("ix_post_customer_id", "post", ["customer_id"])
    op.create_table(
        "post_embedding",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"], name="fk_post_embedding_post_id_post"),
        sa.PrimaryKeyConstraint("post_id", name="pk_post_embedding"),
    )
    op.create_table(
        "saved_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=75), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("intent", sa.String(length=16), nullable=True),
        sa.Column("network", sa.String(length=16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_reply"),
    )
    op.create_index("ix_saved_reply_active", "saved_reply", ["active"])
    op.create_table(
        "team_setting",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_team_setting"),
    )
    op.create_table(
        "customer_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=32), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name="fk_customer_tag_customer_id_customer"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_customer_tag"),
        sa.UniqueConstraint("customer_id", "tag", name="uq_customer_tag_tag"),
    )
    op.create_index("ix_customer_tag_customer_id", "customer_tag", ["customer_id"])
    op.create_table(
        "customer_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name="fk_customer_note_customer_id_customer"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_customer_note"),
    )
    op.create_index("ix_customer_note_customer_id", "customer_note", ["customer_id"])
    op.create_table(
        "identity_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("other_customer_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=32), nullable=False),
        sa.Column("linked_at", UTCDateTime(), nullable=False),
        sa.Column("unlinked_by", sa.String(length=32), nullable=True),
        sa.Column("unlinked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name="fk_identity_link_customer_id_customer"
        ),
        sa.ForeignKeyConstraint(
            ["other_customer_id"],
            ["customer.id"],
            name="fk_identity_link_other_customer_id_customer",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_identity_link"),
    )
    op.create_index("ix_identity_link_customer_id", "identity_link", ["customer_id"])
    op.create_index("ix_identity_link_other_customer_id", "identity_link", ["other_customer_id"])
    enable_pgvector(op.get_bind())


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {VECTOR_TABLE}")
    for table in (
        "identity_link",
        "customer_note",
        "customer_tag",
        "team_setting",
        "saved_reply",
        "post_embedding",
    ):
        op.drop_table(table)
    op.drop_index("ix_post_customer_id", table_name="post")
