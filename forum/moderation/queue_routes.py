"""The moderators' queue at /moderation, and the actions taken from it. Thin: parse, call,
render. An action answers an htmx request with the item's block of the queue page, and a
plain form with a redirect back (web/actions.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from forum.concerns import queries as concern_queries
from forum.errors import NotAllowed
from forum.i18n import N_, Message
from forum.ids import parse_id
from forum.models import Region
from forum.moderation import queries
from forum.permissions import Action, Viewer, can
from forum.regions import queries as region_queries
from forum.web.actions import Done, Failure, act
from forum.web.deps import DB, Pages, signed_in
from forum.web.flash import flash
from forum.web.forms import Text
from forum.web.htmx import redirect, safe_next
from forum.web.templating import Pages as PageRenderer
from forum.web.templating import here

router = APIRouter()
Param = Annotated[str, Query()]
QUEUE = "/moderation"
QUEUE_SIZE = 20
ITEM_KEY = re.compile(
    r"concern-(\d{1,10})|post-(concern|reply)-(\d{1,10})|person-(\d{1,10})-(\d{1,10})"
)
Moderator = Annotated[Viewer, Depends(signed_in(QUEUE))]


@dataclass
class QueueForm:
    """What every form of the queue carries besides its own fields."""

    item: Text = ""  # the item the form belongs to (its key), to show it again
    next: Text = ""  # the page to go back to

    def key(self, default: str) -> str:
        return self.item if ITEM_KEY.fullmatch(self.item) else default

    @property
    def back(self) -> str:
        """Where to go back to after an action: a page of this site, else the queue."""
        return self.next if self.next and safe_next(self.next) == self.next else QUEUE


Sent = Annotated[QueueForm, Depends()]


@dataclass
class Failed:
    """An action from the queue that did not go through: which item, and why."""

    item: str
    form: str
    errors: dict[str, Message] = field(default_factory=dict)  # by the field's id
    typed: dict[str, str] = field(default_factory=dict)  # by the field's id
    problem: Message | None = None


def _item(db: Session, viewer: Viewer, key: str) -> queries.Item | None:
    """The queue item a key names, if it exists and this person moderates its region."""
    match = ITEM_KEY.fullmatch(key)
    if match is None:
        return None
    concern_id, _post_type, post_id, person_id, region_id = (
        parse_id(g or "") for g in match.groups()
    )
    item: queries.Item | None = None
    if concern_id:
        item = queries.concern_item(db, concern_id)
    elif post_id:
        found = queries.post_items(db, [(match.group(2), post_id)])
        item = found[0] if found else None
    elif person_id and region_id:
        item = queries.person_item(db, person_id, region_id)
    if item is None or item.region.id is None or not can(viewer, Action.moderate, item.region.id):
        return None
    return item


def _item_context(db: Session, back: str) -> dict[str, Any]:
    """What every queue item's forms need.

    `inline` is true when htmx asks for one item after an action (the item then also fills
    the page's live region, and sends the focus on); `acted` names the form that was sent."""
    return {
        "topics": concern_queries.topics(db),
        "all_audiences": concern_queries.audiences(db),
        "back": back,
        "failed": None,
        "done": None,
        "inline": False,
        "acted": "",
    }


@router.get("/moderation", response_class=HTMLResponse)
def queue(
    request: Request,
    viewer: Annotated[Viewer, Depends(signed_in())],
    db: DB,
    pages: Pages,
    region: Param = "",
    concern: Param = "",
    reply: Param = "",
) -> Response:
    regions = region_queries.regions_where(db, viewer, Action.moderate)
    if not regions:
        raise NotAllowed(Action.moderate)
    back = here(request)
    if concern or reply:
        chosen_item = _item(db, viewer, f"concern-{concern}" if concern else f"post-reply-{reply}")
        if chosen_item is None:
            raise HTTPException(404)
        return _queue_page(pages, db, regions, focus=chosen_item, back=back)
    chosen = next((r for r in regions if r.slug == region), None)
    unknown = [N_("We do not know that region, so all your regions are shown.")]
    problems = unknown if region and chosen is None else []
    return _queue_page(pages, db, regions, chosen=chosen, back=back, problems=problems)


def _queue_page(
    pages: PageRenderer,
    db: Session,
    regions: list[Region],
    *,
    back: str,
    chosen: Region | None = None,
    focus: queries.Item | None = None,
    failed: Failed | None = None,
    problems: list[Message] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    if focus is not None:
        sections = [queries.Section("chosen", [focus], 1)]
    else:
        region_ids = [r.id for r in ([chosen] if chosen else regions) if r.id is not None]
        sections = queries.queue(db, region_ids, QUEUE_SIZE)
    context = _item_context(db, back) | {
        "sections": sections,
        "regions": regions,
        "chosen": chosen.slug if chosen else "",
        "focus": focus,
        "failed": failed,
        "problems": problems or [],
    }
    status_code = 400 if problems and status_code == 200 else status_code
    return pages.render("moderation/queue.html", context, status_code=status_code)


@dataclass
class Taken:
    """One moderator action from the queue: on which item, with which of its forms, what it
    changes, what it says when done, and what was typed into it (to show back)."""

    key: str
    form: str
    change: Callable[[], object]
    done: Message
    typed: dict[str, str] = field(default_factory=dict)


def take(
    request: Request,
    pages: PageRenderer,
    db: Session,
    viewer: Viewer,
    sent: QueueForm,
    taken: Taken,
) -> Response:
    """Take the action, then answer with the item again (htmx) or a redirect back. A mistake
    in the form answers 400 and a refusal 409, with the item, its message and what was typed;
    a person without the right answers 403 (raised by the service), changing nothing."""
    key, back = taken.key, sent.back

    def failed(failure: Failure) -> Response:
        by_id = {f"{taken.form}-{name}-{key}": value for name, value in taken.typed.items()}
        errors = {f"{taken.form}-{name}-{key}": message for name, message in failure.errors.items()}
        again = Failed(key, taken.form, errors, by_id, failure.problem)
        return _answer(pages, db, viewer, key, back, failed=again, status_code=failure.status_code)

    return act(
        request,
        db,
        taken.change,
        done=lambda _result: Done(taken.done, back if "#" in back else f"{back}#{key}"),
        failed=failed,
        inline=lambda _result, done: _answer(
            pages, db, viewer, key, back, done=taken.done, form=taken.form
        ),
    )


def _answer(
    pages: PageRenderer,
    db: Session,
    viewer: Viewer,
    key: str,
    back: str,
    *,
    done: Message | None = None,
    form: str = "",
    failed: Failed | None = None,
    status_code: int = 200,
) -> Response:
    item = _item(db, viewer, key)
    if item is None and failed and not pages.htmx:
        # No item to show the message beside (a person never blocked here): the queue says it.
        problems = [failed.problem] if failed.problem else list(failed.errors.values())
        regions = region_queries.regions_where(db, viewer, Action.moderate)
        return _queue_page(
            pages, db, regions, problems=problems, back=back, status_code=status_code
        )
    if item is None:
        message = done or (failed.problem if failed else None)
        return _gone(pages.request, message, back, failed=failed is not None)
    if pages.htmx:
        context = _item_context(db, back) | {
            "item": item,
            "done": done,
            "failed": failed,
            "inline": True,
            "acted": form,
        }
        return pages.render("moderation/queue.html", context, block="item", status_code=status_code)
    # Without JavaScript, the item comes back alone on the queue page, with its message.
    return _queue_page(pages, db, [], focus=item, failed=failed, back=back, status_code=status_code)


def _gone(request: Request, message: Message | None, back: str, *, failed: bool) -> Response:
    """The item is no longer in the queue (nothing left to moderate): say so where we go."""
    flash(request, message or N_("Nothing was changed."), kind="info" if failed else "success")
    return redirect(request, back)
