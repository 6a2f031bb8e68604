"""Demo data: the pilot regions, the five demo logins, and a few concerns per region."""

from datetime import timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from forum import demo_content
from forum.accounts.service import grant, hash_password, name_key
from forum.db import session_scope
from forum.models import (
    Audience,
    Concern,
    ConcernAudience,
    Region,
    Reply,
    Role,
    Status,
    Support,
    Topic,
    User,
    utcnow,
)

DEMO_PASSWORD = "demo-password"
PARTNER_ORGANISATION = "Agora Pilot Partners"
# Each demo login holds its role in every demo region; admin is admin.
DEMO_USERS: dict[str, Role | None] = {
    "admin": None,
    "moderator": Role.moderator,
    "partner": Role.partner,
    "leader": Role.leader,
    "citizen": None,
}


def is_empty(engine: Engine) -> bool:
    with Session(engine) as session:
        return not session.exec(select(func.count()).select_from(Region)).one()


def load(engine: Engine) -> None:
    with session_scope(engine) as session:
        password_hash = hash_password(DEMO_PASSWORD)
        users = {
            name: User(
                name=name,
                name_key=name_key(name),
                password_hash=password_hash,
                is_admin=name == "admin",
                organisation=PARTNER_ORGANISATION if role == Role.partner else None,
            )
            for name, role in DEMO_USERS.items()
        }
        session.add_all(users.values())
        regions = [Region(**fields) for fields in demo_content.REGIONS]
        session.add_all(regions)
        session.flush()
        for region in regions:
            for name, role in DEMO_USERS.items():
                if role is not None:
                    grant(session, users[name], role, region)
            for written in demo_content.CONCERNS.get(region.slug, []):
                _add_concern(session, region, users, written)


def _add_concern(session: Session, region: Region, users: dict[str, User], written: dict) -> None:
    topics = {t.slug: t.id for t in session.exec(select(Topic)).all()}
    audiences = {a.slug: a.id for a in session.exec(select(Audience)).all()}
    raised = utcnow() - timedelta(days=written["days_ago"], hours=3)
    author = users["citizen"]
    assert region.id is not None and author.id is not None
    concern = Concern(
        region_id=region.id,
        author_id=author.id,
        title=written["title"],
        body=written["body"],
        language=written["language"],
        topic_id=topics.get(written.get("topic") or ""),
        created_at=raised,
        last_activity_at=raised,
    )
    session.add(concern)
    session.flush()
    assert concern.id is not None
    moment = raised
    answer = written.get("official_answer")
    if answer:
        moment += timedelta(days=2)
        partner = users["partner"]
        assert partner.id is not None
        session.add(
            Reply(
                concern_id=concern.id,
                author_id=partner.id,
                body=answer,
                language=written["language"],
                official=True,
                organisation=partner.organisation,
                created_at=moment,
            )
        )
        concern.first_official_answer_at = moment
        concern.reply_count += 1
    for written_reply in written.get("replies", []):
        moment += timedelta(hours=7)
        replier = users[written_reply["author"]]
        assert replier.id is not None
        session.add(
            Reply(
                concern_id=concern.id,
                author_id=replier.id,
                body=written_reply["body"],
                language=written["language"],
                created_at=moment,
            )
        )
        concern.reply_count += 1
    for supporter in written.get("supports", []):
        user_id = users[supporter].id
        assert user_id is not None
        session.add(Support(concern_id=concern.id, user_id=user_id, created_at=raised))
        concern.support_count += 1
    for slug in written.get("audiences", []):
        audience_id = audiences[slug]
        assert audience_id is not None
        session.add(ConcernAudience(concern_id=concern.id, audience_id=audience_id))
    concern.status = Status(written["status"])
    if concern.status == Status.resolved:
        concern.resolved_at = moment + timedelta(days=1)
        moment = concern.resolved_at
    if concern.status == Status.closed:
        concern.close_reason = "off_topic"
    concern.last_activity_at = min(moment, utcnow())
    session.add(concern)
