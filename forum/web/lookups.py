"""What many routes do first: find the region named in the URL, or send a visitor to log in."""

from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from forum.concerns import queries
from forum.models import Region
from forum.web.htmx import redirect


def region_or_404(db: Session, slug: str) -> Region:
    """The active region with this slug; anything else is a 404."""
    region = queries.region_by_slug(db, slug)
    if region is None or region.id is None:
        raise HTTPException(404)
    return region


def login_first(request: Request, back_to: str | None = None) -> Response:
    """To the login page, and then back: to `back_to` when this URL only takes a POST."""
    return redirect(request, f"/login?next={quote(back_to or request.url.path)}")
