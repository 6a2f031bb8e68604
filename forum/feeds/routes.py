"""The Atom feeds of a region and of a concern. Thin: find, build, answer."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from forum.feeds import atom
from forum.web.deps import DB, ActiveRegion, VisibleConcern

router = APIRouter()


def _base_url(request: Request) -> str:
    base_url: str = request.app.state.settings.base_url
    return base_url.rstrip("/")


@router.get("/r/{slug}/feed.atom")
def region_feed(request: Request, region: ActiveRegion, db: DB) -> Response:
    return Response(atom.region_feed(db, region, _base_url(request)), media_type=atom.MEDIA_TYPE)


@router.get("/c/{concern_id}/feed.atom")
def concern_feed(request: Request, concern: VisibleConcern, db: DB) -> Response:
    document = atom.concern_feed(db, concern.view, concern.region, _base_url(request))
    return Response(document, media_type=atom.MEDIA_TYPE)
