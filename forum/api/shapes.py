"""What the JSON API answers: one model per shape, each field described for the OpenAPI document.

Only what the public pages show: no hidden posts, no email addresses, no moderation notes.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from forum import labels
from forum.concerns.queries import ConcernView
from forum.concerns.replies import ShownReply
from forum.models import Source, Status
from forum.regions.queries import RegionSummaryRow


class Problem(BaseModel):
    detail: str = Field(description="What was wrong with the request, in English.")


class Counts(BaseModel):
    waiting: int = Field(description="Concerns shown in the region that wait for an answer.")
    answered: int = Field(
        description="Concerns shown in the region with an official answer (answered or resolved)."
    )


class Region(BaseModel):
    slug: str = Field(description="The region's name in URLs, as in /r/{slug}.")
    name: str
    default_locale: str = Field(description="The language its pages start in, e.g. pt_PT.")
    description: str = Field(description="Plain text: line breaks kept, no markup.")
    counts: Counts

    @classmethod
    def of(cls, row: RegionSummaryRow) -> Region:
        region = row.region
        return cls(
            slug=region.slug,
            name=region.name,
            default_locale=region.default_locale,
            description=region.description,
            counts=Counts(waiting=row.waiting, answered=row.answered),
        )


class Concern(BaseModel):
    id: int
    url: str = Field(description="The concern's page on the site.")
    title: str
    body: str = Field(description="Plain text: line breaks kept, no markup.")
    language: str = Field(description="The language the concern was written in, e.g. pt_PT.")
    status: Status
    topic: str | None = Field(description="The topic's slug, or null when none was set.")
    audiences: list[str] = Field(description="The slugs of the audiences it was tagged for.")
    source: Source = Field(
        description="web: written on the site; meeting or phone: recorded by a moderator."
    )
    created_at: datetime
    last_activity_at: datetime = Field(description="The last reply or change; lists sort by it.")
    first_official_answer_at: datetime | None = Field(
        description="When the first official answer came, or null before it."
    )
    support_count: int = Field(description='How many people said "me too".')
    reply_count: int = Field(
        description="Replies written, official answers among them (hidden ones too)."
    )

    @classmethod
    def fields_of(cls, view: ConcernView, base_url: str) -> dict[str, object]:
        concern = view.concern
        return {
            "id": concern.id,
            "url": f"{base_url}/c/{concern.id}",
            "title": concern.title,
            "body": concern.body,
            "language": concern.language,
            "status": concern.status,
            "topic": view.topic.slug if view.topic else None,
            "audiences": [audience.slug for audience in view.audiences],
            "source": concern.source,
            "created_at": concern.created_at,
            "last_activity_at": concern.last_activity_at,
            "first_official_answer_at": concern.first_official_answer_at,
            "support_count": concern.support_count,
            "reply_count": concern.reply_count,
        }

    @classmethod
    def of(cls, view: ConcernView, base_url: str) -> Concern:
        return cls.model_validate(cls.fields_of(view, base_url))


class ConcernPage(BaseModel):
    concerns: list[Concern] = Field(description="Latest activity first.")
    next: str | None = Field(
        description="The URL of the next page (the same filters, after the last concern here), "
        "or null on the last page."
    )


class Reply(BaseModel):
    id: int
    body: str = Field(description="Plain text: line breaks kept, no markup.")
    language: str = Field(description="The language the reply was written in, e.g. pt_PT.")
    official: bool = Field(description="An official answer from a partner of the region.")
    organisation: str | None = Field(
        description="For an official answer, the partner's organisation when it was given; "
        "otherwise null."
    )
    created_at: datetime
    author: str = Field(description="The author's display name, as the site shows it.")

    @classmethod
    def of(cls, reply: ShownReply) -> Reply:
        return cls(
            id=reply.id,
            body=reply.body,
            language=reply.language,
            official=reply.official,
            organisation=reply.organisation if reply.official else None,
            created_at=reply.created_at,
            author=reply.author_name or labels.FORMER_MEMBER.msgid,
        )


class ConcernWithReplies(Concern):
    official_answers: list[Reply] = Field(description="Oldest first. Hidden ones are left out.")
    replies: list[Reply] = Field(
        description="The other replies, oldest first. Hidden ones are left out."
    )

    @classmethod
    def with_replies(
        cls,
        view: ConcernView,
        base_url: str,
        official_answers: list[ShownReply],
        replies: list[ShownReply],
    ) -> ConcernWithReplies:
        return cls.model_validate(
            {
                **cls.fields_of(view, base_url),
                "official_answers": [Reply.of(answer) for answer in official_answers],
                "replies": [Reply.of(reply) for reply in replies],
            }
        )
