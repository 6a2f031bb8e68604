"""Request dependencies with short names: DB (a session) and CurrentViewer (who is asking)."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from forum.accounts.service import roles_of
from forum.models import User
from forum.permissions import VISITOR, Viewer

SESSION_USER = "uid"


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


DB = Annotated[Session, Depends(get_db)]


def get_viewer(request: Request, db: DB) -> Viewer:
    user_id = request.session.get(SESSION_USER)
    viewer = VISITOR
    if isinstance(user_id, int):
        user = db.get(User, user_id)
        if user is None:
            request.session.pop(SESSION_USER, None)
        else:
            viewer = Viewer(user, roles_of(db, user_id))
    request.state.viewer = viewer
    return viewer


CurrentViewer = Annotated[Viewer, Depends(get_viewer)]
