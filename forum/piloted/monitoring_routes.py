"""The monitoring page and its CSV: the regions a person may watch, side by side (every
region for an administrator, the regions they lead for a pilot leader). Thin."""

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from forum.errors import NotAllowed
from forum.models import Role
from forum.permissions import Action, Viewer
from forum.piloted import monitoring
from forum.piloted.verdicts import AUDIENCES
from forum.regions import queries as region_queries
from forum.web.deps import DB, Pages, SignedIn

router = APIRouter()


async def watcher(viewer: SignedIn) -> Viewer:
    """An administrator, or a pilot leader (of the regions they lead)."""
    if not (viewer.is_admin or viewer.regions_with(Role.leader)):
        raise NotAllowed(Action.monitor)
    return viewer


Watcher = Annotated[Viewer, Depends(watcher)]


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(viewer: Watcher, db: DB, pages: Pages) -> Response:
    regions = region_queries.regions_where(db, viewer, Action.monitor)
    watches = monitoring.watch(db, regions, pages.locale())
    return pages.render("services/monitoring.html", {"watches": watches, "audiences": AUDIENCES})


@router.get("/monitoring.csv")
def monitoring_csv(viewer: Watcher, db: DB, pages: Pages) -> Response:
    regions = region_queries.regions_where(db, viewer, Action.monitor)
    out = io.StringIO()
    csv.writer(out).writerows(monitoring.table(monitoring.watch(db, regions, pages.locale())))
    headers = {"Content-Disposition": 'attachment; filename="agora-monitoring.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
