"""Errors under /api/ answer JSON, {"detail": "..."}, never the HTML error pages."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

PREFIX = "/api/"


def is_api(request: Request) -> bool:
    return request.url.path.startswith(PREFIX)


def problem(
    status_code: int, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status_code, headers=headers)


def invalid_request(error: RequestValidationError) -> JSONResponse:
    """A path that does not parse (/api/concerns/abc) names nothing: 404. Anything else: 400,
    saying which parameter was wrong."""
    parts = error.errors()
    if any(part.get("loc", ("",))[0] == "path" for part in parts):
        return problem(404, "Not Found")
    return problem(
        400,
        "; ".join(
            f"{'.'.join(str(name) for name in part.get('loc', ()))}: {part.get('msg', '')}"
            for part in parts
        ),
    )
