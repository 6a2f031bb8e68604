"""A concern's first official answer, kept on the concern for the summary: the earliest
official reply not hidden, found again when one is hidden, shown again or erased."""

from __future__ import annotations

from datetime import timedelta

from forum.models import Role, utcnow
from tests.factories import log_in, post


def test_the_first_answer_follows_hiding_showing_and_erasing(client, db, make):
    region = make.region("vale")
    concern = make.concern(region, make.user("ana"))
    early = make.user("pia", roles={Role.partner: [region]}, organisation="Bus Co")
    late = make.user("rui", roles={Role.partner: [region]}, organisation="Rail Co")
    now = utcnow()
    first = make.reply(concern, early, official=True, created_at=now - timedelta(hours=2))
    second = make.reply(concern, late, official=True, created_at=now - timedelta(hours=1))
    make.reply(concern, make.user("eva"), created_at=now - timedelta(hours=3))  # not official

    def first_answer() -> int | None:
        db.refresh(concern)
        return concern.first_answer_id

    assert first_answer() == first.id
    log_in(client, make.user("mod", roles={Role.moderator: [region]}))
    post(client, f"/moderation/replies/{first.id}/hide", {"reason": "Wrong bus line"})
    assert first_answer() == second.id
    post(client, f"/moderation/replies/{first.id}/restore", {})
    assert first_answer() == first.id

    client.cookies.clear()
    log_in(client, early)
    post(client, "/account/delete", {"confirm": "1", "remove_posts": "1"})
    assert first_answer() == second.id


def test_a_posted_official_answer_becomes_the_first(client, db, make):
    region = make.region("vale")
    concern = make.concern(region, make.user("ana"))
    partner = make.user("pia", roles={Role.partner: [region]}, organisation="Bus Co")
    log_in(client, partner)

    post(client, f"/c/{concern.id}/replies", {"body": "We are on it.", "official": "1"})

    db.refresh(concern)
    assert concern.first_answer_id is not None
