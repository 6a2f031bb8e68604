"""Requests no person sends: refused before any route sees them."""

from fastapi import HTTPException, Request

from forum.web.csrf import FORM_TYPES, read_form

NUL = "\x00"
# What the OpenAPI document says of text in a URL, so that it promises what refuse_nul_bytes
# keeps: anything but a NUL byte.
NO_NUL = r"^[^\x00]*$"


async def refuse_nul_bytes(request: Request) -> None:
    """A NUL byte in the path, the query or a form field is a 400: no text of ours can hold it
    (PostgreSQL refuses it outright), and no keyboard types it."""
    if NUL in request.scope["path"] or any(  # decoded, as request.url.path, unbuilt
        NUL in key or NUL in value for key, value in request.query_params.multi_items()
    ):
        raise HTTPException(status_code=400)
    if request.method == "POST" and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await read_form(request)
        if any(isinstance(value, str) and NUL in value for _, value in form.multi_items()):
            raise HTTPException(status_code=400)
