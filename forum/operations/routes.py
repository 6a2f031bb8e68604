"""/healthz, /readyz, /metrics and /source.tar.gz."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from forum.operations import health, metrics, source

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


@router.api_route("/healthz", methods=["GET", "HEAD"])
async def healthz() -> JSONResponse:
    """Alive: the process answers. It does not ask the database (that is /readyz)."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.api_route("/readyz", methods=["GET", "HEAD"])
def readyz(request: Request) -> JSONResponse:
    problem = health.readiness_problem(request.app.state.engine, request.app.state.head_revision)
    if problem:
        return JSONResponse({"status": "unavailable", "problem": problem}, 503, NO_STORE)
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.api_route("/metrics", methods=["GET", "HEAD"])
def metrics_page(request: Request) -> Response:
    token: str = request.app.state.settings.metrics_token
    if not token:
        raise HTTPException(404)
    scheme, _, offered = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not offered:
        raise HTTPException(401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    if not hmac.compare_digest(offered.strip().encode(), token.encode()):
        raise HTTPException(403)
    body = metrics.exposition(request.app.state.engine)
    return Response(body, media_type=metrics.CONTENT_TYPE, headers=NO_STORE)


@router.api_route("/source.tar.gz", methods=["GET", "HEAD"])
async def source_code() -> Response:
    archive = await run_in_threadpool(source.archive)
    return Response(
        archive,
        media_type="application/gzip",
        headers={"Content-Disposition": 'attachment; filename="agora-forum-source.tar.gz"'},
    )
