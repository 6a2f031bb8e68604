"""moderation log append-only

The database refuses to change or delete a line of the moderation log, whoever asks: a
route, a service, the CLI or a hand-typed SQL statement.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "the moderation log is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION moderation_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER moderation_event_no_change BEFORE UPDATE OR DELETE ON moderation_event "
            "FOR EACH ROW EXECUTE FUNCTION moderation_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER moderation_event_no_truncate BEFORE TRUNCATE ON moderation_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION moderation_event_append_only()"
        )
        return
    for change in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER moderation_event_no_{change.lower()} BEFORE {change} "
            f"ON moderation_event BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER moderation_event_no_truncate ON moderation_event")
        op.execute("DROP TRIGGER moderation_event_no_change ON moderation_event")
        op.execute("DROP FUNCTION moderation_event_append_only()")
        return
    op.execute("DROP TRIGGER moderation_event_no_delete")
    op.execute("DROP TRIGGER moderation_event_no_update")
