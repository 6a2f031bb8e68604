"""A concern's photo, served while the concern is shown: a hidden concern's photo, or one a
moderator removed, is not served any more (and its address was never guessable)."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from forum.concerns import queries
from forum.web.deps import DB, photo_store

router = APIRouter()
NAME = re.compile(r"(?P<token>[A-Za-z0-9_-]{16,64})\.(?P<size>large|phone)\.jpg")


@router.get("/photos/{name}")
def photo(name: str, request: Request, db: DB) -> FileResponse:
    found = NAME.fullmatch(name)
    if found is None or not queries.photo_is_shown(db, found["token"]):
        raise HTTPException(404)
    path = photo_store(request).path(found["token"], found["size"])
    if not path.is_file():
        raise HTTPException(404)
    # Asked again each time (a cheap 304 while unchanged): once hidden, it is gone at once.
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "no-cache"})
