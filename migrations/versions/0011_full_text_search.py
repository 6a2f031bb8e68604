"""full-text search over concerns and replies, kept in step by the database itself

SQLite: two FTS5 tables, `concern_search` (title, body) and `reply_search` (body), each row
carrying its region as a token ("r7") so that a search stays inside one region in the index.
Hidden posts are not in them. Triggers on `concern` and `reply` keep them in step with every
insert, edit, hide, restore and delete, whichever code (or bulk statement) makes it.

PostgreSQL: a generated `search` tsvector on `concern` (title weighted above body) and on
`reply`, each made with the text search configuration of the post's language, with a GIN
index. Hidden posts are left out by the query.

Both are built here for the posts that exist. On SQLite, a later migration that copies the
concern or reply table (batch mode) drops these triggers and must create them again
(tests/test_search.py checks the index against the posts at head).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each language we offer and PostgreSQL's text search configuration for it (Catalan has none).
CONFIGS = {
    "ca": "simple",
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fi": "finnish",
    "it": "italian",
    "nb": "norwegian",
    "pt_PT": "portuguese",
    "sv": "swedish",
}
TOKENS = "unicode61 remove_diacritics 2"

SQLITE = [
    f"CREATE VIRTUAL TABLE concern_search USING fts5(region, title, body, tokenize='{TOKENS}')",
    f"CREATE VIRTUAL TABLE reply_search USING fts5(region, body, concern UNINDEXED, "
    f"tokenize='{TOKENS}')",
    """CREATE TRIGGER concern_search_insert AFTER INSERT ON concern WHEN NOT new.hidden BEGIN
        INSERT INTO concern_search (rowid, region, title, body)
        VALUES (new.id, 'r' || new.region_id, new.title, new.body);
    END""",
    """CREATE TRIGGER concern_search_update AFTER UPDATE OF title, body, hidden, region_id
    ON concern BEGIN
        DELETE FROM concern_search WHERE rowid = old.id;
        INSERT INTO concern_search (rowid, region, title, body)
        SELECT new.id, 'r' || new.region_id, new.title, new.body WHERE NOT new.hidden;
    END""",
    """CREATE TRIGGER concern_search_move AFTER UPDATE OF region_id ON concern
    WHEN new.region_id IS NOT old.region_id BEGIN
        DELETE FROM reply_search WHERE rowid IN (SELECT id FROM reply WHERE concern_id = new.id);
        INSERT INTO reply_search (rowid, region, body, concern)
        SELECT id, 'r' || new.region_id, body, concern_id FROM reply
        WHERE concern_id = new.id AND NOT hidden;
    END""",
    """CREATE TRIGGER concern_search_delete AFTER DELETE ON concern BEGIN
        DELETE FROM concern_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER reply_search_insert AFTER INSERT ON reply WHEN NOT new.hidden BEGIN
        INSERT INTO reply_search (rowid, region, body, concern)
        SELECT new.id, 'r' || region_id, new.body, new.concern_id FROM concern
        WHERE id = new.concern_id;
    END""",
    """CREATE TRIGGER reply_search_update AFTER UPDATE OF body, hidden, concern_id
    ON reply BEGIN
        DELETE FROM reply_search WHERE rowid = old.id;
        INSERT INTO reply_search (rowid, region, body, concern)
        SELECT new.id, 'r' || region_id, new.body, new.concern_id FROM concern
        WHERE id = new.concern_id AND NOT new.hidden;
    END""",
    """CREATE TRIGGER reply_search_delete AFTER DELETE ON reply BEGIN
        DELETE FROM reply_search WHERE rowid = old.id;
    END""",
    """INSERT INTO concern_search (rowid, region, title, body)
    SELECT id, 'r' || region_id, title, body FROM concern WHERE NOT hidden""",
    """INSERT INTO reply_search (rowid, region, body, concern)
    SELECT reply.id, 'r' || concern.region_id, reply.body, reply.concern_id
    FROM reply JOIN concern ON concern.id = reply.concern_id WHERE NOT reply.hidden""",
]


def _config() -> str:
    """The text search configuration of a row's language, as a generated column may use it."""
    cases = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in CONFIGS.items())
    return f"CASE language {cases} ELSE 'simple'::regconfig END"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)
        return
    config = _config()
    op.execute(
        "ALTER TABLE concern ADD COLUMN search tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector({config}, title), 'A') || "
        f"setweight(to_tsvector({config}, body), 'B')) STORED"
    )
    op.execute(
        "ALTER TABLE reply ADD COLUMN search tsvector GENERATED ALWAYS AS ("
        f"to_tsvector({config}, body)) STORED"
    )
    op.execute("CREATE INDEX ix_concern_search ON concern USING gin (search)")
    op.execute("CREATE INDEX ix_reply_search ON reply USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("concern_search", "reply_search"):
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
            op.execute(f"DROP TABLE {name}")
        op.execute("DROP TRIGGER IF EXISTS concern_search_move")
        return
    op.execute("ALTER TABLE reply DROP COLUMN search")
    op.execute("ALTER TABLE concern DROP COLUMN search")
