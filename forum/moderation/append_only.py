"""The moderation log is append-only: nothing may change or delete a line of it.

Two locks: the ORM refuses to flush a change to a ModerationEvent or to run an UPDATE or
DELETE on it, with a clear error; and the database itself refuses (triggers from migration
0003), for whatever goes around the ORM.
"""

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from forum.models import ModerationEvent


class AppendOnly(Exception):
    """Someone tried to change or delete a line of the moderation log."""

    def __init__(self) -> None:
        super().__init__("the moderation log is append-only: its lines are never changed")


@event.listens_for(Session, "before_flush")
def _refuse_changed_lines(session: Session, _context: Any, _instances: Any) -> None:
    if any(isinstance(row, ModerationEvent) for row in session.deleted):
        raise AppendOnly()
    if any(isinstance(row, ModerationEvent) and session.is_modified(row) for row in session.dirty):
        raise AppendOnly()


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is ModerationEvent for mapper in state.all_mappers
    ):
        raise AppendOnly()
