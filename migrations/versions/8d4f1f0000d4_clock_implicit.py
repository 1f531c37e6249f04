"""the two-month clock and implicit decisions

Revision ID: 8d4f1f0000d4
Revises: 8c3e0e0000c3
Create Date: 2026-12-01 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8d4f1f0000d4"
down_revision = "8c3e0e0000c3"
branch_labels = None
depends_on = None

OLD_KINDS = ("incomplete", "recevable", "non_recevable")
NEW_KINDS = (*OLD_KINDS, "implicit", "implicit_withdrawn")


def _kind(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="decision_kind", native_enum=False, create_constraint=True, length=30
    )


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_clock_started_on", sa.Date(), nullable=True))
    with op.batch_alter_table("dossier_decisions", schema=None) as batch_op:
        batch_op.alter_column(
            "kind", existing_type=_kind(OLD_KINDS), type_=_kind(NEW_KINDS), existing_nullable=False
        )
        batch_op.alter_column("decided_by_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.create_check_constraint(
            "implicit_decided_by_nobody", "(kind = 'implicit') = (decided_by_id IS NULL)"
        )
    op.execute(
        "UPDATE dossiers SET decision_clock_started_on = "
        "(SELECT MAX(CAST(s.submitted_at AS DATE)) FROM dossier_submissions s "
        "WHERE s.dossier_id = dossiers.id) WHERE decision_due IS NOT NULL"
    )
    op.create_table(
        "deadline_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("threshold > 0", name=op.f("ck_deadline_digests_threshold_positive")),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_deadline_digests_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_digests")),
        sa.UniqueConstraint(
            "dossier_id",
            "threshold",
            "due_on",
            name=op.f("uq_deadline_digests_dossier_id_threshold_due_on"),
        ),
    )


def downgrade() -> None:
    op.drop_table("deadline_digests")
    op.execute("DELETE FROM dossier_decisions WHERE kind IN ('implicit', 'implicit_withdrawn')")
    with op.batch_alter_table("dossier_decisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("ck_dossier_decisions_implicit_decided_by_nobody"), type_="check"
        )
        batch_op.alter_column("decided_by_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.alter_column(
            "kind", existing_type=_kind(NEW_KINDS), type_=_kind(OLD_KINDS), existing_nullable=False
        )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("decision_clock_started_on")
