"""What routes ask for by name: a database session, who is asking, the page renderer, and the
region or concern the URL names (a 404 otherwise).

    def show(concern: VisibleConcern, viewer: SignedIn, pages: Pages) -> Response: ...

Each is an `Annotated` dependency, so the rule it stands for ("must be signed in", "the
concern, unless hidden") is written once and read in the signature. Those that do no
database work are `async`: FastAPI runs a plain `def` dependency in a thread of its own, one
hop each. Those that query stay in threads: on the event loop, a wait for a pooled connection
would hold up the very requests that are about to give one back (web/reads.py makes a page on
the loop only when it can have one at once). The viewer is both: only a cookie that names a
session sends its lookup to a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, NamedTuple

from fastapi import Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from forum.accounts import sessions
from forum.accounts.queries import roles_of
from forum.concerns import queries as concern_queries
from forum.concerns.filters import MAX_SEARCH
from forum.ids import parse_id
from forum.models import Region
from forum.permissions import VISITOR, Viewer
from forum.photos import Store
from forum.regions import queries as region_queries
from forum.web.csrf import SAFE_METHODS
from forum.web.guards import NO_NUL
from forum.web.reads import released
from forum.web.templating import Pages as PageRenderer
from forum.web.templating import here


class SessionsClosed:
    """Closes the sessions a request opened (get_db) once it is answered, streamed bodies
    included, or once it failed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sessions: list[Session] = []
        scope.setdefault("state", {})["sessions"] = sessions
        try:
            await self.app(scope, receive, send)
        finally:
            for session in sessions:
                await released(session)


def photo_store(request: Request) -> Store:
    """The folder of photo files this app serves and writes (FORUM_UPLOAD_DIR/photos)."""
    return Store.under(request.app.state.settings.upload_dir)


# The session cookie's key for the token of the person's server-side session.
SESSION_TOKEN = "sid"


async def get_db(request: Request) -> Session:
    """A session for the request, closed by SessionsClosed once it is answered; one that may
    write (a POST) takes SQLite's write lock when its transaction begins (forum.db.writer).
    Not a dependency with `yield`: FastAPI would enter and leave an exit stack and a
    shielded cancel scope for it (2.6% of a concern page's instructions, by callgrind)."""
    writes = request.method not in SAFE_METHODS
    engine = request.app.state.writer if writes else request.app.state.engine
    session = Session(engine, expire_on_commit=False)
    request.state.sessions.append(session)
    return session


DB = Annotated[Session, Depends(get_db)]


async def get_viewer(request: Request, db: DB) -> Viewer:
    """Who is asking: the person whose session the cookie names, while it lasts. Only a
    cookie with a session in it is looked up, in a thread: a visitor costs no hop."""
    token = request.session.get(SESSION_TOKEN)
    viewer = VISITOR
    if isinstance(token, str):
        viewer = await run_in_threadpool(_person, db, token)
        if viewer is VISITOR:  # logged out elsewhere, or the password changed
            request.session.pop(SESSION_TOKEN, None)
    request.state.viewer = viewer
    return viewer


def _person(db: Session, token: str) -> Viewer:
    found = sessions.person(db, token)
    if found is None:
        return VISITOR
    user, organisation = found
    assert user.id is not None
    return Viewer(user, roles_of(db, user.id), organisation)


CurrentViewer = Annotated[Viewer, Depends(get_viewer)]


class LoginRequired(Exception):
    """A visitor asked for what needs an account: off to the login page, then `back_to`."""

    def __init__(self, back_to: str) -> None:
        super().__init__(back_to)
        self.back_to = back_to


def signed_in(
    back_to: str | None = None,
) -> Callable[[Request, Viewer], Coroutine[None, None, Viewer]]:
    """The viewer, who must be logged in. `back_to` is where the login page sends them next,
    formatted with the URL's parameters ("/c/{concern_id}"): the page a POST came from.
    Without it, the page asked for."""

    async def viewer_signed_in(request: Request, viewer: CurrentViewer) -> Viewer:
        if viewer.user is None:
            raise LoginRequired(back_to.format(**request.path_params) if back_to else here(request))
        return viewer

    return viewer_signed_in


SignedIn = Annotated[Viewer, Depends(signed_in())]


async def pages_of(request: Request, viewer: CurrentViewer) -> PageRenderer:
    """The page renderer; it knows who is asking (for the header's links, and the forms)."""
    return PageRenderer(request)


Pages = Annotated[PageRenderer, Depends(pages_of)]


class Reading(NamedTuple):
    """What a page that only reads asks for: a session, who is asking, the renderer."""

    db: Session
    viewer: Viewer
    pages: PageRenderer


async def reading(request: Request) -> Reading:
    """DB, CurrentViewer and Pages in one dependency, for the pages read most: FastAPI
    solves each dependency of a route in turn, and the three with theirs were 4% of a
    concern page's instructions (callgrind)."""
    db = await get_db(request)
    viewer = await get_viewer(request, db)
    return Reading(db, viewer, await pages_of(request, viewer))


Reader = Annotated[Reading, Depends(reading)]


def active_region(slug: str, db: DB) -> Region:
    """The active region the URL's slug names; anything else is a 404."""
    region = region_queries.active_region(db, slug)
    if region is None:
        raise HTTPException(404)
    return region


ActiveRegion = Annotated[Region, Depends(active_region)]


def visible_concern(concern_id: str, db: DB) -> concern_queries.Shown:
    """The concern the URL names, with its region, unless it is hidden or its region is not
    active (a 404, as for a number that names nothing)."""
    return _named_concern(concern_id, db, reader_id=None)


VisibleConcern = Annotated[concern_queries.Shown, Depends(visible_concern)]


def readable_concern(concern_id: str, db: Session, viewer: Viewer) -> concern_queries.Shown:
    """As VisibleConcern, except that the author may still read their own hidden concern
    (its page says it is hidden, and why). Called where the concern's page is made
    (web/reads.py), not as a dependency: that would be a thread hop of its own."""
    return _named_concern(concern_id, db, reader_id=viewer.id)


def _named_concern(concern_id: str, db: Session, reader_id: int | None) -> concern_queries.Shown:
    number = parse_id(concern_id)
    found = concern_queries.concern_view(db, number) if number else None
    if found is None:
        raise HTTPException(404)
    concern = found.view.concern
    if concern.hidden and (reader_id is None or reader_id != concern.author_id):
        raise HTTPException(404)
    return found


async def asked_filters(
    status: Annotated[
        str, Query(pattern=NO_NUL, description="open, answered, resolved or closed")
    ] = "",
    audience: Annotated[str, Query(pattern=NO_NUL, description="An audience's slug")] = "",
    topic: Annotated[str, Query(pattern=NO_NUL, description="A topic's slug")] = "",
    service: Annotated[
        str, Query(pattern=NO_NUL, description="The slug of one of the region's services")
    ] = "",
    q: Annotated[
        str,
        Query(
            max_length=MAX_SEARCH,
            pattern=NO_NUL,
            description="Words to look for, each in the concern's title, body or one of its "
            "replies; the best matches come first",
        ),
    ] = "",
    after: Annotated[
        str, Query(pattern=NO_NUL, description="The cursor from a page's next URL")
    ] = "",
) -> dict[str, str]:
    """The region filters in the query string, as sent (concerns/filters.py reads them)."""
    asked = {"status": status, "audience": audience, "topic": topic, "service": service}
    return asked | {"q": q, "after": after}


AskedFilters = Annotated[dict[str, str], Depends(asked_filters)]
