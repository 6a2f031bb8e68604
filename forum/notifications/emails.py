"""Writing an email in its recipient's language: a subject, a plain-text part and a small HTML
part, from the three blocks of one template under templates/emails/."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment
from jinja2_fragments import render_block
from markupsafe import Markup
from sqlalchemy import Engine, Pool
from sqlmodel import Session

from forum.i18n import N_, Message, negotiate, translator
from forum.models import Outbox, Region, User
from forum.notifications import tokens
from forum.rendering import make_environment
from forum.settings import Settings

MAX_SUBJECT = 300
# Why a person gets each email, said at its foot beside the link that stops it.
WHY: dict[str, Message] = {
    "own_concerns": N_("You get this email because you raised this concern on Agora."),
    "supported_concerns": N_("You get this email because you said “me too” to this concern."),
    "flags": N_("You get this email because you are a moderator of this region."),
    "partner_tags": N_("You get this email because you are a partner in this region."),
    tokens.DAILY: N_("You get this email because you chose one email a day with all the news."),
}


@dataclass(frozen=True)
class Links:
    """What an email needs from the settings: the site's address and the signing secret."""

    base_url: str
    secret: str

    def url(self, path: str, **query: str) -> str:
        return self.base_url.rstrip("/") + path + (f"?{urlencode(query)}" if query else "")

    def unsubscribe(self, user_id: int, scope: str) -> str:
        return self.url("/unsubscribe", token=tokens.sign(self.secret, user_id, scope))


# The settings of each app's engine: the events are called with a database session only.
# Kept by the engine's pool, which the engine shares with its copies that only change
# options (forum.db.writer): the emails written through any of them know the site.
_links: weakref.WeakKeyDictionary[Pool, Links] = weakref.WeakKeyDictionary()


def configure(engine: Engine, settings: Settings) -> None:
    """Tell the emails written through this engine where the site is and how to sign."""
    _links[engine.pool] = Links(settings.base_url, settings.resolved_secret_key())


def links_for(session: Session) -> Links:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    found = _links.get(engine.pool)
    if found is None:  # an engine made outside create_app: the settings from the environment
        settings = Settings()
        found = _links[engine.pool] = Links(settings.base_url, settings.resolved_secret_key())
    return found


def locale_for(user: User, region: Region | None) -> str:
    """The recipient's language: their own choice, else their region's, else English."""
    return negotiate(
        preference=user.locale, region_default=region.default_locale if region else None
    )


@cache
def _environment(*, escaped: bool) -> Environment:
    """The pages' environment; the subject and the plain-text part are rendered unescaped."""
    return make_environment(autoescape=escaped)


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


# What an email's template says (templates/emails/<name>.html, each a block, each optional but
# the subject): its first paragraph, a text it quotes (and what it is), a closing note, its
# links (one "URL label" a line: the first is the email's button), and for the daily email a
# part of its own in text and in HTML. The layout (emails/_layout.html) writes the rest.
PIECES = ("intro", "quote_label", "quote", "note", "links", "more_text")
LAYOUT = "emails/_layout.html"


def render(name: str, locale: str, context: dict[str, Any]) -> Email:
    """The email templates/emails/<name>.html, in `locale`: a subject, a plain-text part and
    a small HTML part, both written by the one layout from the email's pieces."""
    plain, escaped = _environment(escaped=False), _environment(escaped=True)
    template = f"emails/{name}.html"
    full = {"i18n": translator(locale), **context}
    subject = " ".join(_piece(plain, template, "subject", full).split())
    pieces = {piece: _piece(plain, template, piece, full).strip() for piece in PIECES}
    pieces["more_html"] = Markup(_piece(escaped, template, "more_html", full).strip())
    links = [line.strip().partition(" ") for line in pieces.pop("links").splitlines()]
    full |= {"pieces": pieces, "actions": [(label, url) for url, _, label in links if url]}
    text = render_block(plain, LAYOUT, "text", full)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines()))
    html = render_block(escaped, LAYOUT, "html", full).strip() + "\n"
    return Email(subject[:MAX_SUBJECT], text.strip() + "\n", html)


def _piece(env: Environment, template: str, block: str, context: dict[str, Any]) -> str:
    """One block of an email's template, or nothing when the email has no such piece."""
    if block not in env.get_template(template).blocks:
        return ""
    return render_block(env, template, block, context)


def outbox_row(
    session: Session,
    name: str,
    user: User,
    region: Region | None,
    scope: str,
    **context: Any,
) -> Outbox:
    """One email to `user`, ready to queue, with a link that stops this kind of email."""
    assert user.id is not None and user.email
    links = links_for(session)
    email = render(
        name,
        locale_for(user, region),
        {
            "user": user,
            "region": region,
            "links": links,
            "unsubscribe_url": links.unsubscribe(user.id, scope),
            "why": WHY[scope],
            **context,
        },
    )
    return Outbox(
        user_id=user.id,
        to_address=user.email,
        subject=email.subject,
        body_text=email.text,
        body_html=email.html,
    )


def message_row(
    session: Session, name: str, *, to: str, locale: str, why: Message, **context: Any
) -> Outbox:
    """One email that is not a notification (an invitation, a password link): to an address,
    in `locale`, saying `why` it came, with no link to stop it (the person asked, or was
    asked, for this one email)."""
    email = render(
        name,
        locale,
        {"links": links_for(session), "user": None, "unsubscribe_url": "", "why": why, **context},
    )
    user = context.get("user")
    return Outbox(
        user_id=user.id if isinstance(user, User) else None,
        to_address=to,
        subject=email.subject,
        body_text=email.text,
        body_html=email.html,
    )
