"""/guide, /privacy and /accessibility: how Agora works in plain words and pictures, what
it keeps and why, and how accessible it is (the EU model statement of the Web Accessibility
Directive). Their facts are the code's: the
lifetimes below are the ones the code applies."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from forum.accounts.sessions import LIFETIME
from forum.web.deps import Pages

router = APIRouter()
STATEMENT_DATE = "2026-12-03"  # when the accessibility statement was last reviewed


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request, pages: Pages) -> HTMLResponse:
    settings = request.app.state.settings
    return pages.render(
        "notices/privacy.html",
        {"contact": settings.contact_email, "session_days": LIFETIME.days},
    )


@router.get("/guide", response_class=HTMLResponse)
def guide(pages: Pages) -> HTMLResponse:
    return pages.render("notices/guide.html")


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility(request: Request, pages: Pages) -> HTMLResponse:
    contact = request.app.state.settings.contact_email
    return pages.render(
        "notices/accessibility.html", {"contact": contact, "reviewed": STATEMENT_DATE}
    )
