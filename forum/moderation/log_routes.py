"""The moderation log, for moderators and leaders: read only. No route changes or deletes a
line of it."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from forum import labels
from forum.errors import NotAllowed
from forum.i18n import N_, Message
from forum.ids import parse_id
from forum.models import Region
from forum.moderation import log
from forum.permissions import Action
from forum.regions import queries as region_queries
from forum.web.deps import DB, Pages, SignedIn

router = APIRouter()
LOG_PAGE_SIZE = 50
# What the log's page is asked for: whose actions, of what kind, where, and where it starts.
ASKED = ("region", "actor", "action", "before")


@dataclass(frozen=True)
class LogFilters:
    """Whose actions of which kind in which of the viewer's regions; what was asked for and is
    not known is dropped, with a message saying what is shown instead."""

    region_ids: list[int]
    chosen: Region | None
    actors: Sequence[tuple[int | None, str | Message]]
    actor_id: int | None
    actions: list[str]
    action: str
    problems: list[Message]

    def query(self) -> dict[str, Any]:
        """The filters as log.log_page takes them."""
        return {
            "region_ids": self.region_ids,
            "actor_id": self.actor_id,
            "action": self.action or None,
        }

    def typed(self) -> dict[str, str]:
        return {
            "region": self.chosen.slug if self.chosen else "",
            "actor": str(self.actor_id) if self.actor_id else "",
            "action": self.action,
        }


def _read_filters(
    db: DB, regions: list[Region], region: str, actor: str, action: str
) -> LogFilters:
    all_ids = [r.id for r in regions if r.id is not None]
    chosen = next((r for r in regions if r.slug == region), None)
    actors = log.log_actors(db, all_ids)
    actions = list(dict.fromkeys([*labels.MODERATION_ACTION, *log.log_actions(db, all_ids)]))
    actor_id = parse_id(actor) if actor else None
    if actor_id not in {person_id for person_id, _name in actors}:
        actor_id = None
    problems = []
    if region and chosen is None:
        problems.append(N_("We do not know that region, so all your regions are shown."))
    if actor and actor_id is None:
        problems.append(N_("We do not know that person, so everyone's actions are shown."))
    if action and action not in actions:
        problems.append(N_("We do not know that action, so every action is shown."))
    region_ids = [chosen.id] if chosen and chosen.id else all_ids
    action = action if action in actions else ""
    return LogFilters(region_ids, chosen, actors, actor_id, actions, action, problems)


@router.get("/moderation/log", response_class=HTMLResponse)
def moderation_log(request: Request, viewer: SignedIn, db: DB, pages: Pages) -> Response:
    regions = region_queries.regions_where(db, viewer, Action.view_moderation_log)
    if not regions and not viewer.is_admin:  # an admin sees what concerns every region
        raise NotAllowed(Action.view_moderation_log)
    asked = {name: request.query_params.get(name, "") for name in ASKED}
    filters = _read_filters(db, regions, asked["region"], asked["actor"], asked["action"])
    before = parse_id(asked["before"])
    everywhere = viewer.is_admin and filters.chosen is None
    lines, next_before = log.log_page(
        db, **filters.query(), before=before, limit=LOG_PAGE_SIZE, every_region=everywhere
    )
    context = {
        "lines": lines,
        "next_before": next_before,
        "regions": regions,
        "actors": filters.actors,
        "actions": filters.actions,
        "filters": filters.typed(),
        "problems": filters.problems,
    }
    block = "log_lines" if pages.htmx and before else None
    status_code = 400 if filters.problems else 200
    return pages.render("moderation/log.html", context, block=block, status_code=status_code)
