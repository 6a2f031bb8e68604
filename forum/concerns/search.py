"""Finding a region's concerns by the words in their titles, bodies and shown replies: ranked
full-text search over the index migration 0011 made, which the database keeps in step with
every write (SQLite FTS5 tables filled by triggers; PostgreSQL `search` columns it generates
with the text search configuration of each post's language).

A concern is found when each word is in it or in one of its shown replies. Its score adds up
how well each of its posts matches each word, a title counting most and a reply least."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, Integer, Subquery, text
from sqlmodel import Session

MAX_WORDS = 8
# Shorter words are looked for as they are; longer ones as the start of a word too, so that
# "autocarro" finds "autocarros" on SQLite, which has no stemming.
PREFIX_FROM = 3
WORD = re.compile(r"\w+")

# PostgreSQL's text search configuration for each language we offer (Catalan has none).
# Migration 0011 holds its own copy, as the generated columns were made with it.
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
# What the index adds to the database beside the models (for comparing the two).
INDEX_TABLES = ("concern_search", "reply_search")
INDEX_COLUMNS = {("concern", "search"), ("reply", "search")}


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
    parts, params = [], {}
    for index, word in enumerate(words):
        term = f'"{word}"' + ("*" if len(word) >= PREFIX_FROM else "")
        within = f"region : r{region_id} AND "  # the region's mark is in its own column
        params[f"c{index}"] = within + "{title body} : " + term
        params[f"r{index}"] = within + "body : " + term
        parts += [
            f"SELECT rowid AS concern_id, {index} AS word, "
            f"-bm25(concern_search, 0.0, 4.0, 1.0) AS score "
            f"FROM concern_search WHERE concern_search MATCH :c{index}",
            f"SELECT CAST(concern AS INTEGER), {index}, -0.5 * bm25(reply_search, 0.0, 1.0) "
            f"FROM reply_search WHERE reply_search MATCH :r{index}",
        ]
    return _found(parts, len(words), params)


def _tsquery(
    session: Session, region_id: int, words: list[str], languages: Sequence[str]
) -> Subquery | None:
    configs = sorted({CONFIGS.get(language, "simple") for language in (*languages, "en")})
    # Each word in each language, and as it is (a post's language is not always the one
    # it was tagged with); left out when it is too common to be indexed in one of them.
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
    parts, params = [], {"region": region_id}
    for index, query in enumerate(queries):
        params[f"q{index}"] = query
        match = f"CAST(:q{index} AS tsquery)"
        parts += [
            f"SELECT c.id AS concern_id, {index} AS word, ts_rank(c.search, {match}) AS score "
            f"FROM concern c WHERE c.region_id = :region AND c.search @@ {match}",
            f"SELECT r.concern_id, {index}, ts_rank(r.search, {match}) "
            f"FROM reply r JOIN concern c ON c.id = r.concern_id "
            f"WHERE c.region_id = :region AND NOT r.hidden AND r.search @@ {match}",
        ]
    return _found(parts, len(queries), params)


def _found(parts: list[str], words: int, params: dict[str, Any]) -> Subquery:
    hits = " UNION ALL ".join(parts)
    statement = text(
        f"SELECT concern_id, sum(score) AS score FROM ({hits}) AS hits "
        f"GROUP BY concern_id HAVING count(DISTINCT word) = {words}"
    )
    return statement.bindparams(**params).columns(concern_id=Integer, score=Float).subquery()


def compared_with_models(
    thing: Any, name: str | None, kind: str, reflected: bool, compare_to: Any
) -> bool:
    """Whether Alembic should compare `thing` with the models: not the search index, which
    the models leave to migration 0011 (for `include_object`)."""
    if not reflected:
        return True
    if kind == "table":
        return not (name or "").startswith(INDEX_TABLES)
    if kind == "column":
        return (thing.table.name, name) not in INDEX_COLUMNS
    if kind == "index":
        return name not in {"ix_concern_search", "ix_reply_search"}
    return True
