"""a concern's first official answer, kept on the concern

`first_answer_id`: the earliest official reply that is not hidden. The summary joined it by
looking among every concern's replies, once per concern; now it joins one row by its key.
Found here for the concerns there are.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIRST_ANSWER = """
UPDATE concern SET first_answer_id = (
    SELECT reply.id FROM reply
    WHERE reply.concern_id = concern.id AND reply.official AND NOT reply.hidden
    ORDER BY reply.created_at, reply.id
    LIMIT 1
)
"""


def upgrade() -> None:
    with op.batch_alter_table("concern") as concern:
        concern.add_column(sa.Column("first_answer_id", sa.Integer(), nullable=True))
    op.execute(FIRST_ANSWER)


def downgrade() -> None:
    with op.batch_alter_table("concern") as concern:
        concern.drop_column("first_answer_id")
