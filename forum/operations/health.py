"""Is Agora alive, and ready: does the database answer, at the newest migration?"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError


def readiness_problem(engine: Engine, head: str | None) -> str | None:
    """What keeps this instance from serving, in a few words, or None when it is ready.
    One small query: it runs on every call."""
    try:
        with engine.connect() as connection:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as error:
        return f"the database does not answer ({type(error).__name__})"
    if current != head:
        return f"the database is at revision {current or 'none'}, not {head}: run forum db upgrade"
    return None
