"""One way to take an action from a form, for every route that changes something.

    return act(
        request, db,
        lambda: service.post_reply(db, viewer, concern, body=body, ...),
        done=lambda reply: Done(N_("Your reply is published."), f"/c/{concern.id}#replies"),
        failed=lambda failure: page(errors=failure.errors, problem=failure.problem,
                                    status_code=failure.status_code),
        inline=lambda reply, done: page(block="conversation", done=done.message),
    )

The domain is called; a mistake in the form (FormErrors) comes back to the person with 400,
a refusal in this state (Refused) with 409, a post sent too often (`paced`, forum.pacing)
with 429 and Retry-After, and each rolls the transaction back, so nothing half-done is kept.
Otherwise the transaction is committed; htmx gets the page's block (`inline`), a plain form
a flash message and a redirect. A person without the right (the
domain raises NotAllowed) gets the 403 page from the app's error handler.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from forum.errors import FormErrors, Refused, TooSoon
from forum.i18n import Message
from forum.pacing import Pacing
from forum.permissions import VISITOR
from forum.web.flash import flash
from forum.web.htmx import is_htmx, redirect

Result = TypeVar("Result")


@dataclass(frozen=True)
class Failure:
    """Why an action did not go through: a message beside each wrong field, or a refusal."""

    errors: dict[str, Message] = field(default_factory=dict)
    problem: Message | None = None
    wait: timedelta | None = None  # sent too often: how long until it may be sent again

    @property
    def status_code(self) -> int:
        if self.wait is not None:
            return 429
        return 409 if self.problem is not None else 400

    @property
    def messages(self) -> list[Message]:
        return [*self.errors.values(), *([self.problem] if self.problem else [])]


@dataclass(frozen=True)
class Paced:
    """A post that is paced (forum.pacing), and the form field its message stands beside."""

    action: str
    field: str


@dataclass(frozen=True)
class Done:
    """What was done, to tell the person (None: the page shows it), and where a plain form
    goes next."""

    message: Message | None
    url: str
    kind: str = "success"


def act(
    request: Request,
    db: Session,
    change: Callable[[], Result],
    *,
    done: Callable[[Result], Done],
    failed: Callable[[Failure], Response],
    inline: Callable[[Result, Done], Response] | None = None,
    paced: Paced | None = None,
) -> Response:
    try:
        if paced is not None:
            _pace(request, db, paced.action)
        result = change()
    except TooSoon as soon:
        db.rollback()
        assert paced is not None
        response = failed(Failure(errors={paced.field: soon.message}, wait=soon.wait))
        response.headers["Retry-After"] = str(math.ceil(soon.wait.total_seconds()))
        return response
    except FormErrors as invalid:
        db.rollback()
        return failed(Failure(errors=invalid.errors))
    except Refused as refused:
        db.rollback()
        return failed(Failure(problem=refused.message))
    db.commit()
    outcome = done(result)
    if inline is not None and is_htmx(request):
        return inline(result, outcome)
    if outcome.message is not None:
        flash(request, outcome.message, outcome.kind)
    return redirect(request, outcome.url)


def _pace(request: Request, db: Session, action: str) -> None:
    pacing: Pacing = request.app.state.pacing
    viewer = getattr(request.state, "viewer", VISITOR)
    pacing.check(db, action, viewer, request.client.host if request.client else "")
