"""create_app(settings): routers, static files, middleware and error pages."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from forum.accounts.account_routes import router as account_router
from forum.accounts.password_routes import router as passwords_router
from forum.accounts.routes import router as accounts_router
from forum.accounts.throttle import LoginThrottle
from forum.admin.catalog_routes import router as admin_catalog_router
from forum.admin.invite_routes import router as invite_router
from forum.admin.people_routes import router as admin_people_router
from forum.admin.region_routes import router as admin_regions_router
from forum.api import docs as api_docs
from forum.api import errors as api_errors
from forum.api.routes import router as api_router
from forum.concerns.photo_routes import router as photos_router
from forum.concerns.routes import router as concerns_router
from forum.db import head_revision, make_engine, writer
from forum.errors import NotAllowed
from forum.feeds.routes import router as feeds_router
from forum.moderation.action_routes import router as moderation_actions_router
from forum.moderation.flag_routes import router as flags_router
from forum.moderation.log_routes import router as moderation_log_router
from forum.moderation.queue_routes import router as moderation_queue_router
from forum.notices.routes import router as notices_router
from forum.notifications import emails, worker
from forum.notifications.routes import router as notifications_router
from forum.offline.routes import release_version
from forum.offline.routes import router as offline_router
from forum.operations import logs
from forum.operations.requests import RequestLog
from forum.operations.routes import router as operations_router
from forum.pacing import Pacing
from forum.page_changes import stamp_for
from forum.partner.routes import router as partner_router
from forum.piloted.monitoring_routes import router as monitoring_router
from forum.piloted.routes import router as services_router
from forum.regions.routes import router as regions_router
from forum.settings import Settings
from forum.summaries.routes import router as summaries_router
from forum.web import assets
from forum.web.csrf import verify_csrf
from forum.web.deps import LoginRequired, SessionsClosed
from forum.web.guards import refuse_nul_bytes
from forum.web.htmx import redirect
from forum.web.middleware import BodyLimit, GZip, HeadAsGet, NotModified, SecurityHeaders
from forum.web.page_cache import PageCache
from forum.web.templating import Templates

log = logging.getLogger("forum")
SESSION_COOKIE = "agora_session"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While the app runs: it listens for changed pages, and sends the queued emails."""
    async with app.state.page_stamp.listening(), worker.lifespan(app):
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logs.configure_unless_done(settings)
    app = FastAPI(
        title="Agora",
        docs_url=None,  # forum.api.docs: Swagger UI from our own files
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(refuse_nul_bytes), Depends(verify_csrf)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings)
    app.state.writer = writer(app.state.engine)
    app.state.head_revision = head_revision(settings.database_url)
    app.state.page_stamp = stamp_for(settings.database_url)
    app.state.login_throttle = LoginThrottle.from_settings(settings)
    app.state.pacing = Pacing.from_settings(settings)
    app.state.mailer = worker.mailer_for(settings)  # a malformed FORUM_SMTP_URL stops here
    emails.configure(app.state.engine, settings)
    app.state.assets = assets.Assets()
    app.state.release_version = release_version(app.state.assets, settings.release)
    app.state.templates = Templates(app.state.assets, source_url=settings.source_url)
    _add_middleware(app, settings)
    app.include_router(assets.router)
    app.include_router(operations_router)
    # The pages are HTML for people; the OpenAPI document describes the JSON API only.
    for pages in (
        regions_router,
        concerns_router,
        services_router,
        monitoring_router,
        photos_router,
        accounts_router,
        account_router,
        passwords_router,
        admin_regions_router,
        admin_catalog_router,
        admin_people_router,
        invite_router,
        notifications_router,
        flags_router,
        moderation_queue_router,
        moderation_actions_router,
        moderation_log_router,
        summaries_router,
        partner_router,
        feeds_router,
        offline_router,
        notices_router,
    ):
        app.include_router(pages, include_in_schema=False)
    app.include_router(api_router)
    app.include_router(api_docs.router)
    app.mount(api_docs.FILES, api_docs.files)
    _add_small_routes(app)
    _add_error_pages(app)
    return app


def served_app() -> FastAPI:
    """The app as `forum serve` runs it in each worker process. What is made at start (modules,
    routes, mappers, the catalogs) lives as long as the process, so the garbage collector is
    told to leave it out of the collections it makes: under load, a full collection
    otherwise walks all of it, and p99 of the concern page fell from 210 to 140 ms."""
    app = create_app()
    gc.freeze()
    return app


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """From the innermost to the outermost: each added wraps those added before it."""
    app.add_middleware(SessionsClosed)
    app.add_middleware(
        PageCache,
        stamp=app.state.page_stamp,
        session_cookie=SESSION_COOKIE,
        seconds=settings.page_cache_seconds,
    )
    app.add_middleware(NotModified)
    app.add_middleware(HeadAsGet)
    limits = {"plain": settings.max_body_bytes, "multipart": settings.max_multipart_bytes}
    app.add_middleware(BodyLimit, **limits)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret_key(),
        session_cookie=SESSION_COOKIE,
        max_age=60 * 60 * 24 * 30,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders, https=settings.secure_cookies)
    app.add_middleware(GZip, minimum_size=800)
    app.add_middleware(RequestLog)


def _add_small_routes(app: FastAPI) -> None:
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse(app.state.assets.url("favicon.svg"), status_code=301)


def error_page(request: Request, status_code: int) -> HTMLResponse:
    templates: Templates = request.app.state.templates
    return templates.render(
        request,
        "errors/error.html",
        {"status_code": status_code, "expired": False, "typed": []},
        status_code=status_code,
    )


# Form fields that are never shown back: secrets, and our own plumbing.
NOT_SHOWN_BACK = {"password", "csrf_token", "next"}


async def expired_form_page(request: Request) -> HTMLResponse:
    """A form sent without a valid CSRF token (its session ended, or it came from elsewhere):
    nothing changes, and what the person typed is shown back so nothing is lost."""
    typed: list[str] = []
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        try:
            form = await request.form()
        except Exception:  # an unreadable body has nothing to show back
            form = None
        if form is not None:
            typed = [
                value.strip()
                for name, value in form.multi_items()
                if name not in NOT_SHOWN_BACK and isinstance(value, str) and len(value.strip()) > 1
            ]
    templates: Templates = request.app.state.templates
    return templates.render(
        request,
        "errors/error.html",
        {"status_code": 403, "expired": True, "typed": typed},
        status_code=403,
    )


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if api_errors.is_api(request):
            return api_errors.problem(error.status_code, error.detail, error.headers)
        if error.detail == "csrf":
            return await expired_form_page(request)
        if error.status_code in (401, 403, 404, 405, 400, 413):
            response = error_page(request, error.status_code)
            if error.headers:  # Allow on a 405, WWW-Authenticate on a 401
                response.headers.update(error.headers)
            return response
        return error_page(request, 500 if error.status_code >= 500 else 400)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        if api_errors.is_api(request):
            return api_errors.invalid_request(error)
        # A path that does not parse (/c/abc) names nothing that exists.
        in_path = any(part.get("loc", ("",))[0] == "path" for part in error.errors())
        return error_page(request, 404 if in_path else 400)

    @app.exception_handler(LoginRequired)
    async def login_first(request: Request, needed: LoginRequired) -> Response:
        """To the login page, and then back to where the person was going."""
        return redirect(request, f"/login?next={quote(needed.back_to)}")

    @app.exception_handler(NotAllowed)
    async def not_allowed(request: Request, _error: NotAllowed) -> Response:
        if api_errors.is_api(request):
            return api_errors.problem(403, "Forbidden")
        return error_page(request, 403)

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if api_errors.is_api(request):
            response: Response = api_errors.problem(500, "Internal Server Error")
        else:
            response = error_page(request, 500)
        # Sent past the request log's middleware: the id is added here, so that the person
        # can quote it and the operator find the traceback.
        response.headers["X-Request-ID"] = getattr(request.state, "request_id", "")
        return response
