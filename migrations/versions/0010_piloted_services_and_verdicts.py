"""piloted services, their words per language, verdicts, and concerns about a service

A region's piloted services (`service`), each with its words in one or more languages
(`service_text`), the verdicts people give on them (`verdict`, one per person per service),
and the service a concern is about (`concern.service_id`, optional). An index lets the
monitoring page count each region's concerns and answer times without reading the table.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString
Moment = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("slug", String(length=64), nullable=False),
        sa.Column("stage", String(length=16), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("updated_at", Moment(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("region_id", "slug"),
    )
    op.create_index("ix_service_region_id", "service", ["region_id"])
    op.create_table(
        "service_text",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("locale", String(length=16), nullable=False),
        sa.Column("name", String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("value_local_administration", sa.Text(), nullable=False),
        sa.Column("value_technology_providers", sa.Text(), nullable=False),
        sa.Column("value_citizens", sa.Text(), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("updated_at", Moment(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("service_id", "locale"),
    )
    op.create_table(
        "verdict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("audience", String(length=32), nullable=False),
        sa.Column("verdict", String(length=16), nullable=False),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column("organisation", String(length=120), nullable=True),
        sa.Column("created_at", Moment(), nullable=False),
        sa.Column("updated_at", Moment(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "user_id"),
    )
    op.create_index("ix_verdict_service_id", "verdict", ["service_id"])
    op.create_index("ix_verdict_user_id", "verdict", ["user_id"])
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; no copy of the concerns needed.
        op.execute("ALTER TABLE concern ADD COLUMN service_id INTEGER REFERENCES service (id)")
    else:
        op.add_column("concern", sa.Column("service_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "concern_service_id_fkey", "concern", "service", ["service_id"], ["id"]
        )
    op.create_index("ix_concern_service_id", "concern", ["service_id"])
    # The monitoring page's counts and answer times, per region, from the index alone.
    op.create_index(
        "ix_concern_region_answered",
        "concern",
        ["region_id", "hidden", "first_official_answer_at", "created_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_concern_region_answered", table_name="concern")
    op.drop_index("ix_concern_service_id", table_name="concern")
    with op.batch_alter_table("concern") as concern:
        if op.get_bind().dialect.name != "sqlite":
            concern.drop_constraint("concern_service_id_fkey", type_="foreignkey")
        concern.drop_column("service_id")
    op.drop_table("verdict")
    op.drop_table("service_text")
    op.drop_table("service")
