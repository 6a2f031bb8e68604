"""The monitoring page and its CSV: the regions a person may watch, side by side (every
region for an administrator, the regions they lead for a pilot leader: the administration's
`Manager`). Thin."""

import csv
import io

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from forum.admin.deps import Manager
from forum.permissions import Action
from forum.piloted import monitoring
from forum.piloted.verdicts import AUDIENCES
from forum.regions import queries as region_queries
from forum.web.deps import DB, Pages

router = APIRouter()


@router.get("/monitoring", response_class=HTMLResponse)
def monitoring_page(viewer: Manager, db: DB, pages: Pages) -> Response:
    regions = region_queries.regions_where(db, viewer, Action.monitor)
    watches = monitoring.watch(db, regions, pages.locale())
    return pages.render("services/monitoring.html", {"watches": watches, "audiences": AUDIENCES})


@router.get("/monitoring.csv")
def monitoring_csv(viewer: Manager, db: DB, pages: Pages) -> Response:
    regions = region_queries.regions_where(db, viewer, Action.monitor)
    out = io.StringIO()
    csv.writer(out).writerows(monitoring.table(monitoring.watch(db, regions, pages.locale())))
    headers = {"Content-Disposition": 'attachment; filename="agora-monitoring.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
