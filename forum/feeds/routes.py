"""The Atom feeds of a region and of a concern. Thin: find, build, answer."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from forum.concerns import queries
from forum.feeds import atom
from forum.models import MAX_ID
from forum.web.deps import DB
from forum.web.lookups import region_or_404

router = APIRouter()


def _base_url(request: Request) -> str:
    base_url: str = request.app.state.settings.base_url
    return base_url.rstrip("/")


@router.get("/r/{slug}/feed.atom")
def region_feed(request: Request, slug: str, db: DB) -> Response:
    region = region_or_404(db, slug)
    return Response(atom.region_feed(db, region, _base_url(request)), media_type=atom.MEDIA_TYPE)


@router.get("/c/{concern_id}/feed.atom")
def concern_feed(request: Request, concern_id: int, db: DB) -> Response:
    found = queries.concern_view(db, concern_id) if 0 < concern_id <= MAX_ID else None
    if found is None or found[0].concern.hidden:
        raise HTTPException(404)
    view, region = found
    document = atom.concern_feed(db, view, region, _base_url(request))
    return Response(document, media_type=atom.MEDIA_TYPE)
