"""client keys on concerns and replies

A concern or reply sent again (the network dropped before the answer came back, or a draft
saved on the phone is resent) carries the key its form was given: the database keeps one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("concern", "reply"):
        op.add_column(
            table,
            sa.Column("client_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        )
        op.create_index(
            f"uq_{table}_author_client_key", table, ["author_id", "client_key"], unique=True
        )


def downgrade() -> None:
    for table in ("concern", "reply"):
        op.drop_index(f"uq_{table}_author_client_key", table_name=table)
        op.drop_column(table, "client_key")
