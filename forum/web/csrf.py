"""CSRF: a random token per session, required on every unsafe request.

Forms carry it in the hidden field `csrf_token`; htmx sends it in the `X-CSRF-Token` header.
"""

import hmac
import secrets

from fastapi import HTTPException, Request
from starlette.datastructures import FormData

SESSION_KEY = "csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return str(token)


async def read_form(request: Request) -> FormData:
    """The request's form; a body that does not parse is the client's error, not ours."""
    try:
        return await request.form()
    except HTTPException:  # a body over the limit (forum.web.middleware.BodyLimit): 413
        raise
    except Exception as error:  # malformed multipart or urlencoded bodies
        raise HTTPException(status_code=400) from error


async def verify_csrf(request: Request) -> None:
    """An app-wide dependency: a POST without the session's token changes nothing (403)."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if not sent and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await read_form(request)).get(FIELD)
        sent = value if isinstance(value, str) else None
    # Bytes, not str: compare_digest raises TypeError on a non-ASCII str (a 500, not a 403).
    if not expected or not sent or not hmac.compare_digest(str(expected).encode(), sent.encode()):
        raise HTTPException(status_code=403, detail="csrf")
