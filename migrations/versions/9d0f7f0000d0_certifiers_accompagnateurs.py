"""certifiers and accompagnateurs

Revision ID: 9d0f7f0000d0
Revises: 9c9e6e0000c9
Create Date: 2026-12-01 15:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9d0f7f0000d0"
down_revision = "9c9e6e0000c9"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # A native enum on PostgreSQL (a plain VARCHAR on SQLite): one more value.
        op.execute("ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'coach'")  # Role.ACCOMPAGNATEUR
    op.create_table(
        "certifiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("signatory_name", sa.String(length=200), nullable=False),
        sa.Column("signatory_title", sa.String(length=200), nullable=False),
        sa.Column("letter_mentions", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifiers")),
        sa.UniqueConstraint("code", name=op.f("uq_certifiers_code")),
    )
    op.create_table(
        "staff_certifiers",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("certifier_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_staff_certifiers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["certifier_id"],
            ["certifiers.id"],
            name=op.f("fk_staff_certifiers_certifier_id_certifiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "certifier_id", name=op.f("pk_staff_certifiers")),
    )
    with op.batch_alter_table("staff_certifiers") as batch:
        batch.create_index(batch.f("ix_staff_certifiers_certifier_id"), ["certifier_id"])
    for table in ("certifications", "jury_members"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("certifier_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                batch.f(f"fk_{table}_certifier_id_certifiers"),
                "certifiers",
                ["certifier_id"],
                ["id"],
            )
            batch.create_index(batch.f(f"ix_{table}_certifier_id"), ["certifier_id"])

    op.create_table(
        "accompaniments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("invited_by_id", sa.Uuid(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("structure", sa.String(length=200), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accompagnateur_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_accompaniments_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_accompaniments_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["accompagnateur_id"],
            ["users.id"],
            name=op.f("fk_accompaniments_accompagnateur_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accompaniments")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_accompaniments_token_sha256")),
    )
    with op.batch_alter_table("accompaniments") as batch:
        batch.create_index("ix_accompaniments_dossier", ["dossier_id", "revoked_at"])
        batch.create_index("ix_accompaniments_accompagnateur", ["accompagnateur_id", "revoked_at"])
    op.create_table(
        "accompaniment_comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("target", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_accompaniment_comments_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_accompaniment_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accompaniment_comments")),
    )
    with op.batch_alter_table("accompaniment_comments") as batch:
        batch.create_index("ix_accompaniment_comments_dossier", ["dossier_id", "created_at"])


def downgrade() -> None:
    op.drop_table("accompaniment_comments")
    op.drop_table("accompaniments")
    for table in ("jury_members", "certifications"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_certifier_id"))
            batch.drop_constraint(batch.f(f"fk_{table}_certifier_id_certifiers"), "foreignkey")
            batch.drop_column("certifier_id")
    op.drop_table("staff_certifiers")
    op.drop_table("certifiers")
    # PostgreSQL cannot drop one value of an enum: the type keeps « coach », unused.
