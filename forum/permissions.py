"""Who may do what: one table of action -> rule, used by every route that changes something.

A rule sees the viewer (who is asking), the region the action is in, and the concern when
there is one. Rules say who may; whether the concern's state allows it (closed, locked) is
the service's business, so that a refusal can say why.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from forum.models import Concern, Organisation, Role, User


@dataclass(frozen=True)
class Viewer:
    """The person making a request: a visitor (no user) or a user with their roles, and for a
    partner the organisation they answer for."""

    user: User | None = None
    roles: frozenset[tuple[int, str]] = field(default_factory=frozenset)
    organisation: Organisation | None = None
    # Whoever runs the `forum` command on the server: an administrator without an account.
    operator: bool = False

    @property
    def id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def is_admin(self) -> bool:
        return self.operator or bool(self.user and self.user.is_admin)

    def has_role(self, region_id: int, role: Role) -> bool:
        return (region_id, role.value) in self.roles

    def regions_with(self, role: Role) -> set[int]:
        return {region_id for region_id, held in self.roles if held == role.value}

    @property
    def role_names(self) -> set[str]:
        """The roles held in any region: the header links to the pages they open."""
        return {held for _region_id, held in self.roles}


VISITOR = Viewer()
OPERATOR = Viewer(operator=True)


class Action(StrEnum):
    raise_concern = "raise_concern"
    reply = "reply"
    support = "support"
    answer_officially = "answer_officially"
    resolve = "resolve"  # mark an answered concern resolved, or reopen it ("still a problem")
    tag = "tag"
    close = "close"  # close with a reason, and reopen a closed concern
    flag = "flag"  # report a concern or reply to the moderators, privately
    moderate = "moderate"  # hide and restore, lock, set the topic, handle flags, block people
    record_assisted = "record_assisted"  # raise a concern for someone met at a meeting or by phone
    answer_queue = "answer_queue"  # the partner's queue of concerns awaiting an official answer
    view_summary = "view_summary"  # the region's summary and its exports
    view_moderation_log = "view_moderation_log"
    administer = "administer"  # create and edit regions, topics and organisations
    manage_people = "manage_people"  # give and take roles in a region, invite people to one
    describe_services = "describe_services"  # write and change the region's piloted services
    give_verdict = "give_verdict"  # say whether a piloted service works for you
    monitor = "monitor"  # the monitoring page: regions side by side


Rule = Callable[[Viewer, int, Concern | None], bool]


def _may_post(viewer: Viewer, _region_id: int, _concern: Concern | None) -> bool:
    """Logged in and not blocked: a blocked person can still read."""
    return viewer.user is not None and viewer.user.blocked_at is None


def _held(*roles: Role) -> Rule:
    def rule(viewer: Viewer, region_id: int, _concern: Concern | None) -> bool:
        return viewer.is_admin or any(viewer.has_role(region_id, role) for role in roles)

    return rule


def _admin(viewer: Viewer, _region_id: int, _concern: Concern | None) -> bool:
    return viewer.is_admin


def _author_or(*roles: Role) -> Rule:
    held = _held(*roles)

    def rule(viewer: Viewer, region_id: int, concern: Concern | None) -> bool:
        is_author = concern is not None and viewer.id is not None and viewer.id == concern.author_id
        return is_author or held(viewer, region_id, concern)

    return rule


RULES: dict[Action, Rule] = {
    Action.raise_concern: _may_post,
    Action.reply: _may_post,
    Action.support: _may_post,
    Action.flag: _may_post,
    Action.answer_officially: _held(Role.partner),
    Action.resolve: _author_or(Role.moderator),
    Action.tag: _held(Role.moderator),
    Action.close: _held(Role.moderator),
    Action.moderate: _held(Role.moderator),
    Action.record_assisted: _held(Role.moderator),
    Action.answer_queue: _held(Role.partner),
    Action.view_summary: _held(Role.leader),
    Action.view_moderation_log: _held(Role.moderator, Role.leader),
    Action.administer: _admin,
    Action.manage_people: _held(Role.leader),
    Action.describe_services: _held(Role.leader),
    Action.give_verdict: _may_post,
    Action.monitor: _held(Role.leader),
}


def can(viewer: Viewer, action: Action, region_id: int, concern: Concern | None = None) -> bool:
    return RULES[action](viewer, region_id, concern)


# A visitor (no account) may do none of these: every rule asks for a user, a role or an
# administrator. The pages visitors read most then skip eighteen rules.
_NOTHING = dict.fromkeys((action.value for action in Action), False)


def allowed(viewer: Viewer, region_id: int, concern: Concern | None = None) -> dict[str, bool]:
    """Whether the viewer may do each action here, by its name: the controls a page shows."""
    if viewer.user is None and not viewer.operator:
        return dict(_NOTHING)
    return {action.value: rule(viewer, region_id, concern) for action, rule in RULES.items()}
