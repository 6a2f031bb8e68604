"""photos on concerns, erased accounts

A concern may carry a photo (the unguessable name of its re-encoded files, a description,
the size of its phone-sized version). An erased account keeps its row, without name, email
or password, so that the posts it leaves keep their author: a former member.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("concern") as concern:
        concern.add_column(sa.Column("photo", sqlmodel.AutoString(length=64), nullable=True))
        concern.add_column(sa.Column("photo_alt", sqlmodel.AutoString(length=300), nullable=True))
        concern.add_column(sa.Column("photo_width", sa.Integer(), nullable=True))
        concern.add_column(sa.Column("photo_height", sa.Integer(), nullable=True))
        concern.create_unique_constraint("uq_concern_photo", ["photo"])
    with op.batch_alter_table("user") as user:
        user.add_column(sa.Column("erased_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user") as user:
        user.drop_column("erased_at")
    with op.batch_alter_table("concern") as concern:
        concern.drop_constraint("uq_concern_photo", type_="unique")
        for column in ("photo_height", "photo_width", "photo_alt", "photo"):
            concern.drop_column(column)
