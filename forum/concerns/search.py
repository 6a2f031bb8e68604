"""Finding a region's concerns by the words in their titles, bodies and shown replies: ranked
full-text search over `concern_search`, one document per shown concern, which the database
keeps in step with every write (migration 0011: SQLite FTS5; PostgreSQL tsvectors made with
the text search configuration of each text's language).

A concern is found when each word is somewhere in its conversation. The newest CANDIDATES
concerns that have every word are ranked, a word in the title counting most and one in a
reply least: a word found in most of a large region's concerns costs no more than a rare one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Float, Integer, Subquery, text
from sqlmodel import Session

MAX_WORDS = 8
# How many of the newest concerns with every word are ranked.
CANDIDATES = 1000
WORD = re.compile(r"\w+")

# PostgreSQL's text search configuration for each language we offer (Catalan has none).
# Migration 0011 holds its own copy: the documents it wrote were made with it.
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


def words_of(typed: str) -> list[str]:
    """The words to look for, each once, lower case, at most MAX_WORDS."""
    return list(dict.fromkeys(WORD.findall(typed.casefold())))[:MAX_WORDS]


def ranked(
    session: Session, region_id: int, typed: str, languages: Sequence[str]
) -> Subquery | None:
    """(concern_id, score) of the region's concerns with every word typed, a higher score for
    a better match; None when nothing can match (no word, or only words too common to look
    for, such as "the"). `languages`: those the words may be in (PostgreSQL stems them)."""
    words = words_of(typed)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        return _fts5(region_id, words)
    return _tsquery(session, region_id, words, languages)


def _fts5(region_id: int, words: list[str]) -> Subquery:
    terms = " ".join(f'"{word}"' for word in words)  # stemmed as the documents were
    # The region's mark is in a column of its own, which the words are not looked for in.
    match = f"region : r{region_id} AND {{title body replies}} : ({terms})"
    statement = text(
        "SELECT rowid AS concern_id, -bm25(concern_search, 0.0, 4.0, 2.0, 1.0) AS score "
        "FROM concern_search WHERE concern_search MATCH :match "
        f"ORDER BY rowid DESC LIMIT {CANDIDATES}"
    ).bindparams(match=match)
    return statement.columns(concern_id=Integer, score=Float).subquery()


def _tsquery(
    session: Session, region_id: int, words: list[str], languages: Sequence[str]
) -> Subquery | None:
    configs = sorted({CONFIGS.get(language, "simple") for language in (*languages, "en")})
    # Each word in each language, and as it is (a text's language is not always the one it
    # was tagged with); left out when it is too common to be indexed in one of them.
    each = [f"websearch_to_tsquery('{config}', word)" for config in configs]
    kept = f"least({', '.join(f'numnode({query})' for query in each)}) > 0"
    either = " || ".join([*each, "websearch_to_tsquery('simple', word)"])
    asked = text(
        f"SELECT CASE WHEN {kept} THEN CAST({either} AS text) END "
        "FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS typed (word, n) ORDER BY n"
    )
    queries = [q for q in session.execute(asked, {"words": words}).scalars() if q]
    if not queries:
        return None
    every = " & ".join(f"({query})" for query in queries)
    # Planned for these words: a plan made once for any words (psycopg prepares a statement
    # run often) would read every match of a word found in most concerns.
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    statement = text(
        "SELECT concern_id, ts_rank(document, CAST(:every AS tsquery)) AS score FROM ("
        "SELECT concern_id, document FROM concern_search "
        "WHERE region_id = :region AND document @@ CAST(:every AS tsquery) "
        f"ORDER BY concern_id DESC LIMIT {CANDIDATES}) AS newest"
    ).bindparams(every=every, region=region_id)
    return statement.columns(concern_id=Integer, score=Float).subquery()
