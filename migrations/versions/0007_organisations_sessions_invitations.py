"""organisations as data, sessions kept on the server, invitations, password resets

A partner's organisation was free text on the person; it becomes a row (a name and a kind)
that the person points at. Each distinct name becomes an organisation of technology
providers (an administrator can change the kind). The moderation log can hold what concerns
no single region (a new topic or organisation), so its region may be empty, and what the
operator did from the `forum` command, so its actor may be empty too.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = "the moderation log is append-only"


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    _organisations_from_names()
    _tokens_and_sessions()
    _log_without_region()


def _organisations_from_names() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; copying the table of people (as
        # Alembic's batch mode would) is not needed.
        op.execute(
            'ALTER TABLE "user" ADD COLUMN organisation_id INTEGER REFERENCES organisation (id)'
        )
    else:
        op.add_column("user", sa.Column("organisation_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "user_organisation_id_fkey",
            "user",
            "organisation",
            ["organisation_id"],
            ["id"],
        )
    op.create_index("ix_user_organisation_id", "user", ["organisation_id"])
    names = bind.execute(
        sa.text('SELECT DISTINCT organisation FROM "user" WHERE organisation IS NOT NULL')
    ).scalars()
    found: dict[str, int] = {}
    for name in names:
        key = unicodedata.normalize("NFKC", name).casefold()
        if key not in found:
            found[key] = bind.execute(
                sa.text(
                    "INSERT INTO organisation (name, name_key, kind, created_at) "
                    "VALUES (:name, :key, 'technology_provider', CURRENT_TIMESTAMP) RETURNING id"
                ),
                {"name": name, "key": key},
            ).scalar_one()
        bind.execute(
            sa.text('UPDATE "user" SET organisation_id = :id WHERE organisation = :name'),
            {"id": found[key], "name": name},
        )
    if bind.dialect.name == "sqlite":
        op.execute('ALTER TABLE "user" DROP COLUMN organisation')
    else:
        op.drop_column("user", "organisation")


def _tokens_and_sessions() -> None:
    op.create_table(
        "user_session",
        sa.Column("id_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])
    op.create_index("ix_user_session_created_at", "user_session", ["created_at"])
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_invitation_region_id", "invitation", ["region_id"])
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_password_reset_user_id", "password_reset", ["user_id"])


def _log_without_region() -> None:
    """On SQLite the column changes by copying the table, which its append-only triggers
    (migration 0003) go with: they are made again on the copy."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _drop_sqlite_triggers()
    with op.batch_alter_table("moderation_event") as batch_op:
        batch_op.alter_column("region_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=True)
    if sqlite:
        _create_sqlite_triggers()


def _drop_sqlite_triggers() -> None:
    op.execute("DROP TRIGGER IF EXISTS moderation_event_no_update")
    op.execute("DROP TRIGGER IF EXISTS moderation_event_no_delete")


def _create_sqlite_triggers() -> None:
    for change in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER moderation_event_no_{change.lower()} BEFORE {change} "
            f"ON moderation_event BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # Lines about no single region cannot be kept where every line names one: the append-only
    # lock is lifted for that delete alone.
    if sqlite:
        _drop_sqlite_triggers()
    else:
        op.execute("ALTER TABLE moderation_event DISABLE TRIGGER moderation_event_no_change")
    op.execute("DELETE FROM moderation_event WHERE region_id IS NULL OR actor_id IS NULL")
    if not sqlite:
        op.execute("ALTER TABLE moderation_event ENABLE TRIGGER moderation_event_no_change")
    with op.batch_alter_table("moderation_event") as batch_op:
        batch_op.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("actor_id", existing_type=sa.Integer(), nullable=False)
    if sqlite:
        _create_sqlite_triggers()
    op.drop_index("ix_password_reset_user_id", table_name="password_reset")
    op.drop_table("password_reset")
    op.drop_index("ix_invitation_region_id", table_name="invitation")
    op.drop_table("invitation")
    op.drop_index("ix_user_session_created_at", table_name="user_session")
    op.drop_index("ix_user_session_user_id", table_name="user_session")
    op.drop_table("user_session")
    op.add_column("user", sa.Column("organisation", sqlmodel.sql.sqltypes.AutoString(length=120)))
    op.execute(
        'UPDATE "user" SET organisation = '
        '(SELECT name FROM organisation WHERE organisation.id = "user".organisation_id)'
    )
    op.drop_index("ix_user_organisation_id", table_name="user")
    if sqlite:  # a column with a reference goes only by copying the table
        with op.batch_alter_table("user") as batch_op:
            batch_op.drop_column("organisation_id")
    else:
        op.drop_constraint("user_organisation_id_fkey", "user", type_="foreignkey")
        op.drop_column("user", "organisation_id")
    op.drop_table("organisation")
