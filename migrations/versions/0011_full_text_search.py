"""full-text search: one document per shown concern, kept in step by the database itself

`concern_search` holds, for each concern that is not hidden, its title, its body and the
bodies of its shown replies, as one document: a search for several words finds a concern
when each is somewhere in its conversation.

- SQLite: an FTS5 table (rowid = the concern's id), whose `region` column holds the region
  as a token ("r7") so that a search stays inside its region in the index.
- PostgreSQL: a table of tsvectors (the title weighted A, the body B, the replies C), each
  text made with the text search configuration of its own language, with a GIN index, and an
  index by region and concern for the newest matches of a very common word.

Triggers on `concern` and `reply` write a concern's document again whenever its title, body,
language, region or visibility changes, or one of its replies is written, edited, hidden,
shown again or deleted: every code path (bulk statements, erasure, `forum seed`) keeps the
index right. On PostgreSQL the trigger first locks the concern's row, so two replies posted
at the same moment are both in the document. The migration builds the documents for every
concern already there.

On SQLite, a later migration that copies the concern or reply table (batch mode) drops these
triggers and must create them again (tests/test_search.py checks the index at head).

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
# Porter's stemmer is for English, but what it takes off (a plural's s, -ing, -ed) finds the
# other forms of many words in the other languages too: "autocarros" finds "autocarro".
TOKENS = "porter unicode61 remove_diacritics 2"


def _sqlite_refresh(concern: str) -> str:
    """The statements that write the document of concern `concern` (an SQL expression)
    again, or leave it out when the concern is hidden or gone."""
    return f"""
        DELETE FROM concern_search WHERE rowid = {concern};
        INSERT INTO concern_search (rowid, region, title, body, replies)
        SELECT id, 'r' || region_id, title, body, coalesce((
            SELECT group_concat(body, ' ') FROM reply
            WHERE concern_id = concern.id AND NOT hidden
        ), '')
        FROM concern WHERE id = {concern} AND NOT hidden;"""


SQLITE = [
    "CREATE VIRTUAL TABLE concern_search USING fts5("
    f"region, title, body, replies, tokenize='{TOKENS}')",
    f"""CREATE TRIGGER concern_search_insert AFTER INSERT ON concern BEGIN
        {_sqlite_refresh("new.id")}
    END""",
    f"""CREATE TRIGGER concern_search_update
    AFTER UPDATE OF title, body, language, hidden, region_id ON concern BEGIN
        {_sqlite_refresh("new.id")}
    END""",
    """CREATE TRIGGER concern_search_delete AFTER DELETE ON concern BEGIN
        DELETE FROM concern_search WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER reply_search_insert AFTER INSERT ON reply WHEN NOT new.hidden BEGIN
        {_sqlite_refresh("new.concern_id")}
    END""",
    f"""CREATE TRIGGER reply_search_update
    AFTER UPDATE OF body, hidden, concern_id ON reply BEGIN
        {_sqlite_refresh("old.concern_id")}
        {_sqlite_refresh("new.concern_id")}
    END""",
    f"""CREATE TRIGGER reply_search_delete AFTER DELETE ON reply WHEN NOT old.hidden BEGIN
        {_sqlite_refresh("old.concern_id")}
    END""",
    """INSERT INTO concern_search (rowid, region, title, body, replies)
    SELECT id, 'r' || region_id, title, body, coalesce((
        SELECT group_concat(body, ' ') FROM reply WHERE concern_id = concern.id AND NOT hidden
    ), '')
    FROM concern WHERE NOT hidden""",
]


def _config(table: str) -> str:
    """The text search configuration of a row's language."""
    cases = " ".join(f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in CONFIGS.items())
    return f"CASE {table}.language {cases} ELSE 'simple'::regconfig END"


POSTGRES = [
    """CREATE TABLE concern_search (
        concern_id integer PRIMARY KEY REFERENCES concern (id) ON DELETE CASCADE,
        region_id integer NOT NULL,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX ix_concern_search_document ON concern_search USING gin (document)",
    "CREATE INDEX ix_concern_search_region ON concern_search (region_id, concern_id)",
    # tsvector_concat is the function of the || operator.
    "CREATE AGGREGATE agora_tsvector_agg (tsvector) "
    "(SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')",
    f"""CREATE FUNCTION agora_search_refresh (target integer) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM 1 FROM concern WHERE concern.id = target FOR NO KEY UPDATE;
        DELETE FROM concern_search WHERE concern_search.concern_id = target;
        INSERT INTO concern_search (concern_id, region_id, document)
        SELECT concern.id, concern.region_id,
            setweight(to_tsvector({_config("concern")}, concern.title), 'A')
            || setweight(to_tsvector({_config("concern")}, concern.body), 'B')
            || setweight(coalesce((
                SELECT agora_tsvector_agg(to_tsvector({_config("reply")}, reply.body))
                FROM reply WHERE reply.concern_id = concern.id AND NOT reply.hidden
            ), ''), 'C')
        FROM concern WHERE concern.id = target AND NOT concern.hidden;
    END $$""",
    """CREATE FUNCTION agora_search_concern () RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM agora_search_refresh(NEW.id);
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION agora_search_reply () RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM agora_search_refresh(OLD.concern_id);
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.concern_id <> OLD.concern_id) THEN
            PERFORM agora_search_refresh(NEW.concern_id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER concern_search_concern
    AFTER INSERT OR UPDATE OF title, body, language, hidden, region_id ON concern
    FOR EACH ROW EXECUTE FUNCTION agora_search_concern()""",
    """CREATE TRIGGER concern_search_reply
    AFTER INSERT OR DELETE OR UPDATE OF body, hidden, concern_id, language ON reply
    FOR EACH ROW EXECUTE FUNCTION agora_search_reply()""",
    f"""INSERT INTO concern_search (concern_id, region_id, document)
    SELECT concern.id, concern.region_id,
        setweight(to_tsvector({_config("concern")}, concern.title), 'A')
        || setweight(to_tsvector({_config("concern")}, concern.body), 'B')
        || setweight(coalesce(replies.document, ''), 'C')
    FROM concern LEFT JOIN (
        SELECT reply.concern_id, agora_tsvector_agg(to_tsvector({_config("reply")}, reply.body))
            AS document
        FROM reply WHERE NOT reply.hidden GROUP BY reply.concern_id
    ) AS replies ON replies.concern_id = concern.id
    WHERE NOT concern.hidden""",
    # How often each word is found, so that a common one is read in the newest concerns
    # first rather than every match (autovacuum keeps this up to date from now on).
    "ANALYZE concern_search",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE if sqlite else POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in ("concern", "reply"):
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_search_{event}")
        op.execute("DROP TABLE concern_search")
        return
    op.execute("DROP TRIGGER concern_search_reply ON reply")
    op.execute("DROP TRIGGER concern_search_concern ON concern")
    op.execute("DROP FUNCTION agora_search_reply ()")
    op.execute("DROP FUNCTION agora_search_concern ()")
    op.execute("DROP FUNCTION agora_search_refresh (integer)")
    op.execute("DROP AGGREGATE agora_tsvector_agg (tsvector)")
    op.execute("DROP TABLE concern_search")
