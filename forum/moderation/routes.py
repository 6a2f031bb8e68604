"""Reports (flags), the moderators' queue and its actions, and the moderation log.

Thin: parse the request, call the service, render. An action from the queue answers an htmx
request with the item's block of the queue page, and a plain form with a redirect back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from forum import labels
from forum.accounts.routes import safe_next
from forum.concerns import queries as concern_queries
from forum.concerns import service as concerns
from forum.errors import FormErrors, NotAllowed, Refused
from forum.i18n import N_, Message
from forum.models import Concern, Flag, Region, Reply, User
from forum.moderation import queries, service
from forum.permissions import Action, Viewer, can
from forum.web.deps import DB, CurrentViewer
from forum.web.flash import flash
from forum.web.htmx import is_htmx, redirect
from forum.web.lookups import login_first
from forum.web.templating import here

router = APIRouter()
Text = Annotated[str, Form()]
Param = Annotated[str, Query()]
QUEUE_SIZE = 20
LOG_PAGE_SIZE = 50
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
ITEM_KEY = re.compile(
    r"concern-(\d{1,10})|post-(concern|reply)-(\d{1,10})|person-(\d{1,10})-(\d{1,10})"
)


def _number(raw: str | int) -> int | None:
    """A positive id from a form or a URL, or None for anything else."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


Row = TypeVar("Row", Concern, Reply, Flag, User)


def _get_or_404(db: Session, model: type[Row], raw: int) -> Row:
    number = _number(raw)
    found = db.get(model, number) if number else None
    if found is None:
        raise HTTPException(404)
    return found


def _regions(db: Session, viewer: Viewer, action: Action) -> list[Region]:
    """The regions where this person may take the action (every region, for an admin)."""
    return [r for r in queries.regions(db) if r.id is not None and can(viewer, action, r.id)]


# Reports from readers.


def _post_or_404(db: Session, concern_id: int, reply: str) -> queries.PostItem:
    """The concern, or one of its replies, that a reader reports; never a hidden one."""
    number = _number(reply) if reply else _number(concern_id)
    found = queries.post_items(db, [("reply" if reply else "concern", number)]) if number else []
    item = found[0] if found else None
    if (
        item is None
        or item.concern.id != concern_id
        or item.concern.hidden
        or item.post.hidden
        or not item.region.active
    ):
        raise HTTPException(404)
    return item


def _flag_page(
    request: Request,
    item: queries.PostItem,
    typed: dict[str, str],
    errors: dict[str, Message] | None = None,
) -> HTMLResponse:
    return request.app.state.templates.render(
        request,
        "moderation/flag.html",
        {"item": item, "typed": typed, "errors": errors or {}},
        region=item.region,
        status_code=400 if errors else 200,
    )


@router.get("/c/{concern_id}/flag", response_class=HTMLResponse)
def flag_form(
    request: Request, concern_id: int, db: DB, viewer: CurrentViewer, reply: Param = ""
) -> Response:
    item = _post_or_404(db, concern_id, reply)
    if not viewer.is_authenticated:
        return login_first(request, here(request))
    if not can(viewer, Action.flag, item.region.id or 0, item.concern):
        raise NotAllowed(Action.flag)
    return _flag_page(request, item, {"reason": "", "text": ""})


@router.post("/c/{concern_id}/flag")
def flag(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    reply: Text = "",
    reason: Text = "",
    text: Text = "",
) -> Response:
    item = _post_or_404(db, concern_id, reply)
    if not viewer.is_authenticated:
        return login_first(request, f"/c/{concern_id}")
    back = f"/c/{concern_id}" + (f"#reply-{item.reply.id}" if item.reply else "")
    try:
        service.flag(db, viewer, item.concern, item.reply, reason=reason, text=text)
    except FormErrors as invalid:
        return _flag_page(request, item, {"reason": reason, "text": text}, invalid.errors)
    except Refused as refused:
        db.rollback()
        flash(request, refused.message, kind="info")
        return redirect(request, back)
    db.commit()
    flash(request, N_("Thank you. The moderators will look at it. Nobody else sees your report."))
    return redirect(request, back)


# The queue.


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
    concern_id, post_type, post_id, person_id, region_id = match.groups()
    item: queries.Item | None = None
    if concern_id and _number(concern_id):
        item = queries.concern_item(db, int(concern_id))
    elif post_type and _number(post_id):
        found = queries.post_items(db, [(post_type, int(post_id))])
        item = found[0] if found else None
    elif _number(person_id) and _number(region_id):
        item = queries.person_item(db, int(person_id), int(region_id))
    if item is None or item.region.id is None or not can(viewer, Action.moderate, item.region.id):
        return None
    return item


def _item_context(db: Session, back: str) -> dict[str, Any]:
    """What every queue item's forms need.

    `inline` is true when htmx asks for one item after an action (the item then also fills
    the page's live region, and sends the focus on); `acted` names the form that was sent."""
    return {
        "topics": queries.topics(db),
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
    db: DB,
    viewer: CurrentViewer,
    region: Param = "",
    concern: Param = "",
    reply: Param = "",
) -> Response:
    if not viewer.is_authenticated:
        return login_first(request, here(request))
    regions = _regions(db, viewer, Action.moderate)
    if not regions:
        raise NotAllowed(Action.moderate)
    if concern or reply:
        key = f"concern-{concern}" if concern else f"post-reply-{reply}"
        chosen_item = _item(db, viewer, key)
        if chosen_item is None:
            raise HTTPException(404)
        return _queue_page(request, db, regions, focus=chosen_item, back=here(request))
    chosen = next((r for r in regions if r.slug == region), None)
    problems = [N_("We do not know that region, so all your regions are shown.")]
    return _queue_page(
        request,
        db,
        regions,
        chosen=chosen,
        back=here(request),
        problems=problems if region and chosen is None else [],
    )


def _queue_page(
    request: Request,
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
    return request.app.state.templates.render(
        request,
        "moderation/queue.html",
        context,
        status_code=400 if problems and status_code == 200 else status_code,
    )


def _act(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    item: str,
    form: str,
    back: str,
    change: Callable[[], object],
    done: Message,
    typed: dict[str, str] | None = None,
) -> Response:
    """Take one moderator action, then answer with the item again (htmx) or a redirect back.

    A mistake in the form answers 400 and a refusal 409, with the item, its message and what
    was typed; a person without the right answers 403 (raised by the service), changing
    nothing."""
    typed_by_id = {f"{form}-{name}-{item}": value for name, value in (typed or {}).items()}
    try:
        change()
    except FormErrors as invalid:
        db.rollback()
        errors = {f"{form}-{name}-{item}": message for name, message in invalid.errors.items()}
        failed = Failed(item, form, errors, typed_by_id)
        return _answer(request, db, viewer, item, back, failed=failed, status_code=400)
    except Refused as refused:
        db.rollback()
        failed = Failed(item, form, typed=typed_by_id, problem=refused.message)
        return _answer(request, db, viewer, item, back, failed=failed, status_code=409)
    db.commit()
    if is_htmx(request):
        return _answer(request, db, viewer, item, back, done=done, form=form)
    flash(request, done)
    return RedirectResponse(back if "#" in back else f"{back}#{item}", status_code=303)


def _answer(
    request: Request,
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
    if item is None and failed and not is_htmx(request):
        # No item to show the message beside (a person never blocked here): the queue says it.
        problems = [failed.problem] if failed.problem else list(failed.errors.values())
        regions = _regions(db, viewer, Action.moderate)
        return _queue_page(
            request, db, regions, problems=problems, back=back, status_code=status_code
        )
    if item is None:
        message = done or (failed.problem if failed else None)
        flash(request, message or N_("Nothing was changed."), kind="info" if failed else "success")
        return redirect(request, back)
    if is_htmx(request):
        context = _item_context(db, back) | {
            "item": item,
            "done": done,
            "failed": failed,
            "inline": True,
            "acted": form,
        }
        return request.app.state.templates.render(
            request, "moderation/queue.html", context, block="item", status_code=status_code
        )
    # Without JavaScript, the item comes back alone on the queue page, with its message.
    return _queue_page(
        request, db, [], focus=item, failed=failed, back=back, status_code=status_code
    )


def _key(raw: str, default: str) -> str:
    return raw if ITEM_KEY.fullmatch(raw) else default


def _back(raw: str) -> str:
    """Where to go back to after an action: a page of this site, else the queue."""
    return raw if raw and safe_next(raw) == raw else "/moderation"


def _concern_action(
    request: Request,
    db: Session,
    viewer: Viewer,
    concern_id: int,
    *,
    form: str,
    item: str,
    next: str,
    done: Message,
    change: Callable[[Concern], object],
    typed: dict[str, str] | None = None,
) -> Response:
    concern = _get_or_404(db, Concern, concern_id)
    if not viewer.is_authenticated:
        return login_first(request, "/moderation")
    return _act(
        request,
        db,
        viewer,
        item=_key(item, f"concern-{concern.id}"),
        form=form,
        back=_back(next),
        change=partial(change, concern),
        done=done,
        typed=typed,
    )


@router.post("/moderation/concerns/{concern_id}/audiences")
def tag(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    audience: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    item: Text = "",
    next: Text = "",
) -> Response:
    return _concern_action(
        request,
        db,
        viewer,
        concern_id,
        form="audiences",
        item=item,
        next=next,
        done=N_("The audiences are saved."),
        change=lambda concern: concerns.set_audiences(db, viewer, concern, audience),
    )


@router.post("/moderation/concerns/{concern_id}/topic")
def set_topic(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    topic: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _concern_action(
        request,
        db,
        viewer,
        concern_id,
        form="topic",
        item=item,
        next=next,
        done=N_("The topic is saved."),
        change=lambda concern: service.set_topic(db, viewer, concern, topic),
    )


@router.post("/moderation/concerns/{concern_id}/lock")
def lock(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    item: Text = "",
    next: Text = "",
) -> Response:
    return _concern_action(
        request,
        db,
        viewer,
        concern_id,
        form="lock",
        item=item,
        next=next,
        done=N_("This concern takes no more replies."),
        change=lambda concern: service.set_locked(db, viewer, concern, locked=True),
    )


@router.post("/moderation/concerns/{concern_id}/unlock")
def unlock(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    item: Text = "",
    next: Text = "",
) -> Response:
    return _concern_action(
        request,
        db,
        viewer,
        concern_id,
        form="lock",
        item=item,
        next=next,
        done=N_("This concern takes replies again."),
        change=lambda concern: service.set_locked(db, viewer, concern, locked=False),
    )


@router.post("/moderation/concerns/{concern_id}/duplicate")
def close_as_duplicate(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    duplicate_of: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _concern_action(
        request,
        db,
        viewer,
        concern_id,
        form="duplicate",
        item=item,
        next=next,
        done=N_("The concern is closed as the same as another one."),
        change=lambda concern: service.close_as_duplicate(db, viewer, concern, duplicate_of),
        typed={"duplicate_of": duplicate_of},
    )


@router.post("/moderation/concerns/{concern_id}/hide")
def hide_concern(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    reason: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _concern_action(
        request,
        db,
        viewer,
        concern_id,
        form="hide",
        item=item,
        next=next,
        done=N_("It is hidden. The person who wrote it is told why."),
        change=lambda concern: service.hide(db, viewer, concern, None, reason=reason),
        typed={"reason": reason},
    )


@router.post("/moderation/concerns/{concern_id}/restore")
def restore_concern(
    request: Request,
    concern_id: int,
    db: DB,
    viewer: CurrentViewer,
    reason: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _concern_action(
        request,
        db,
        viewer,
        concern_id,
        form="restore",
        item=item,
        next=next,
        done=N_("It is shown again."),
        change=lambda concern: service.restore(db, viewer, concern, None, reason=reason),
        typed={"reason": reason},
    )


def _reply_action(
    request: Request,
    db: Session,
    viewer: Viewer,
    reply_id: int,
    *,
    form: str,
    item: str,
    next: str,
    done: Message,
    change: Callable[[Concern, Reply], object],
    typed: dict[str, str],
) -> Response:
    reply = _get_or_404(db, Reply, reply_id)
    concern = _get_or_404(db, Concern, reply.concern_id)
    if not viewer.is_authenticated:
        return login_first(request, "/moderation")
    return _act(
        request,
        db,
        viewer,
        item=_key(item, f"post-reply-{reply.id}"),
        form=form,
        back=_back(next),
        change=partial(change, concern, reply),
        done=done,
        typed=typed,
    )


@router.post("/moderation/replies/{reply_id}/hide")
def hide_reply(
    request: Request,
    reply_id: int,
    db: DB,
    viewer: CurrentViewer,
    reason: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _reply_action(
        request,
        db,
        viewer,
        reply_id,
        form="hide",
        item=item,
        next=next,
        done=N_("It is hidden. The person who wrote it is told why."),
        change=lambda concern, reply: service.hide(db, viewer, concern, reply, reason=reason),
        typed={"reason": reason},
    )


@router.post("/moderation/replies/{reply_id}/restore")
def restore_reply(
    request: Request,
    reply_id: int,
    db: DB,
    viewer: CurrentViewer,
    reason: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _reply_action(
        request,
        db,
        viewer,
        reply_id,
        form="restore",
        item=item,
        next=next,
        done=N_("It is shown again."),
        change=lambda concern, reply: service.restore(db, viewer, concern, reply, reason=reason),
        typed={"reason": reason},
    )


@router.post("/moderation/flags/{flag_id}/dismiss")
def dismiss_flags(
    request: Request, flag_id: int, db: DB, viewer: CurrentViewer, item: Text = "", next: Text = ""
) -> Response:
    report = _get_or_404(db, Flag, flag_id)
    if not viewer.is_authenticated:
        return login_first(request, "/moderation")
    return _act(
        request,
        db,
        viewer,
        item=_key(item, f"post-{report.target_type}-{report.target_id}"),
        form="dismiss",
        back=_back(next),
        change=lambda: service.dismiss_flags(db, viewer, report),
        done=N_("The reports are dismissed."),
    )


def _person_action(
    request: Request,
    db: Session,
    viewer: Viewer,
    user_id: int,
    *,
    region_slug: str,
    form: str,
    item: str,
    next: str,
    done: Message,
    change: Callable[[User, Region], object],
    typed: dict[str, str],
) -> Response:
    person = _get_or_404(db, User, user_id)
    region = concern_queries.region_by_slug(db, region_slug) if region_slug else None
    if region is None:
        raise HTTPException(404)
    if not viewer.is_authenticated:
        return login_first(request, "/moderation")
    return _act(
        request,
        db,
        viewer,
        item=_key(item, f"person-{person.id}-{region.id}"),
        form=form,
        back=_back(next),
        change=partial(change, person, region),
        done=done,
        typed=typed,
    )


@router.post("/moderation/users/{user_id}/block")
def block(
    request: Request,
    user_id: int,
    db: DB,
    viewer: CurrentViewer,
    region: Text = "",
    reason: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _person_action(
        request,
        db,
        viewer,
        user_id,
        region_slug=region,
        form="block",
        item=item,
        next=next,
        done=N_("This person can no longer write. They can still read."),
        change=lambda person, where: service.block(db, viewer, person, where, reason=reason),
        typed={"reason": reason},
    )


@router.post("/moderation/users/{user_id}/unblock")
def unblock(
    request: Request,
    user_id: int,
    db: DB,
    viewer: CurrentViewer,
    region: Text = "",
    reason: Text = "",
    item: Text = "",
    next: Text = "",
) -> Response:
    return _person_action(
        request,
        db,
        viewer,
        user_id,
        region_slug=region,
        form="unblock",
        item=item,
        next=next,
        done=N_("This person can write again."),
        change=lambda person, where: service.unblock(db, viewer, person, where, reason=reason),
        typed={"reason": reason},
    )


# The moderation log: read only. No route changes or deletes a line of it.


@router.get("/moderation/log", response_class=HTMLResponse)
def moderation_log(
    request: Request,
    db: DB,
    viewer: CurrentViewer,
    region: Param = "",
    actor: Param = "",
    action: Param = "",
    before: Param = "",
) -> Response:
    if not viewer.is_authenticated:
        return login_first(request, here(request))
    regions = _regions(db, viewer, Action.view_moderation_log)
    if not regions:
        raise NotAllowed(Action.view_moderation_log)
    all_ids = [r.id for r in regions if r.id is not None]
    chosen = next((r for r in regions if r.slug == region), None)
    actors = queries.log_actors(db, all_ids)
    actions = list(dict.fromkeys([*labels.MODERATION_ACTION, *queries.log_actions(db, all_ids)]))
    actor_id = _number(actor)
    problems = []
    if region and chosen is None:
        problems.append(N_("We do not know that region, so all your regions are shown."))
    if actor and actor_id not in {person_id for person_id, _name in actors}:
        problems.append(N_("We do not know that person, so everyone's actions are shown."))
        actor_id = None
    if action and action not in actions:
        problems.append(N_("We do not know that action, so every action is shown."))
        action = ""
    lines, next_before = queries.log_page(
        db,
        [chosen.id] if chosen and chosen.id else all_ids,
        actor_id=actor_id if actor else None,
        action=action or None,
        before=_number(before),
        limit=LOG_PAGE_SIZE,
    )
    context = {
        "lines": lines,
        "next_before": next_before,
        "regions": regions,
        "actors": actors,
        "actions": actions,
        "filters": {
            "region": chosen.slug if chosen else "",
            "actor": str(actor_id) if actor_id and actor else "",
            "action": action,
        },
        "problems": problems,
    }
    block = "log_lines" if is_htmx(request) and before else None
    return request.app.state.templates.render(
        request,
        "moderation/log.html",
        context,
        block=block,
        status_code=400 if problems else 200,
    )
