"""Who may open the administration's pages, named in their signatures."""

from typing import Annotated

from fastapi import Depends, HTTPException

from forum.admin import queries
from forum.errors import NotAllowed
from forum.models import Region, Role
from forum.permissions import Action, Viewer, can
from forum.web.deps import DB, signed_in

SignedInAtAdmin = Annotated[Viewer, Depends(signed_in())]


async def administrator(viewer: SignedInAtAdmin) -> Viewer:
    """An administrator: regions, topics and organisations are theirs to set up."""
    if not viewer.is_admin:
        raise NotAllowed(Action.administer)
    return viewer


Administrator = Annotated[Viewer, Depends(administrator)]


async def manager(viewer: SignedInAtAdmin) -> Viewer:
    """An administrator, or a pilot leader (of the regions they lead)."""
    if not (viewer.is_admin or viewer.regions_with(Role.leader)):
        raise NotAllowed(Action.manage_people)
    return viewer


Manager = Annotated[Viewer, Depends(manager)]


def managed_regions(db: DB, viewer: Viewer) -> list[Region]:
    """The regions whose people this person manages: every region, for an administrator."""
    return [
        region
        for region in queries.all_regions(db)
        if region.id is not None and can(viewer, Action.manage_people, region.id)
    ]


def managed_region(db: DB, viewer: Viewer, slug: str) -> Region:
    """The region with this slug, whose people this person manages: 404 for a slug that
    names no region, 403 for a region they do not lead."""
    region = queries.region_by_slug(db, slug)
    if region is None or region.id is None:
        raise HTTPException(404)
    if not can(viewer, Action.manage_people, region.id):
        raise NotAllowed(Action.manage_people)
    return region
