"""attempts, for limits that hold across workers and app instances

Failed logins are counted in the database, per account and per client, so that every
process and every app instance sees the same count.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attempt_key", "attempt", ["action", "key", "at"])
    op.create_index("ix_attempt_at", "attempt", ["at"])


def downgrade() -> None:
    op.drop_index("ix_attempt_at", table_name="attempt")
    op.drop_index("ix_attempt_key", table_name="attempt")
    op.drop_table("attempt")
