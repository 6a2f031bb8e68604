"""pages changed: the database says when anything a page shows has changed

Every table whose rows a page shows gets triggers that mark a change, on whatever path the
write comes (a request, the CLI, another app instance, a bulk statement). The pages kept for
visitors (forum.web.page_cache) are kept only while nothing has changed since.

- SQLite: `page_version` holds one number, added to by every insert, update or delete. It
  changes in the writer's transaction, so it is seen exactly when the change is.
- PostgreSQL: each statement that writes sends the notification `agora_pages` on commit
  (NOTIFY is transactional; several in one transaction come as one). Each app instance
  listens. A counter row would make every writer wait for the one before, and two
  transactions that hold rows the other wants would deadlock.

The tables left out hold what no page shows: sessions, login attempts, invitations, password
resets, the email outbox, notifications and their settings, and the search index (written
with the concern and its replies, which have triggers of their own). On SQLite, a later
migration that copies one of these tables (batch mode) drops its triggers and must create
them again (tests/test_page_cache.py checks them at head).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "audience",
    "concern",
    "concern_audience",
    "flag",
    "membership",
    "moderation_event",
    "organisation",
    "region",
    "reply",
    "service",
    "service_text",
    "support",
    "topic",
    "user",
    "verdict",
)
EVENTS = ("insert", "update", "delete")


def _sqlite() -> list[str]:
    statements = [
        "CREATE TABLE page_version ("
        "id INTEGER PRIMARY KEY CHECK (id = 1), changes INTEGER NOT NULL)",
        "INSERT INTO page_version (id, changes) VALUES (1, 0)",
    ]
    for table in TABLES:
        for event in EVENTS:
            statements.append(
                f'CREATE TRIGGER pages_changed_{table}_{event} AFTER {event.upper()} ON "{table}" '
                "BEGIN UPDATE page_version SET changes = changes + 1; END"
            )
    return statements


def _postgres() -> list[str]:
    statements = [
        """CREATE FUNCTION agora_pages_changed () RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('agora_pages', '');
            RETURN NULL;
        END $$"""
    ]
    for table in TABLES:
        statements.append(
            "CREATE TRIGGER pages_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION agora_pages_changed ()'
        )
    return statements


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _sqlite() if sqlite else _postgres():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER pages_changed_{table}_{event}")
        op.execute("DROP TABLE page_version")
        return
    for table in TABLES:
        op.execute(f'DROP TRIGGER pages_changed ON "{table}"')
    op.execute("DROP FUNCTION agora_pages_changed ()")
