"""Email notifications, end to end through a real SMTP server (aiosmtpd) on 127.0.0.1.

Who is told of what, in their own language, once; the outbox survives an SMTP outage and
never sends twice; the daily email groups by concern; unsubscribe links work without
logging in; the settings refuse a malformed SMTP URL.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from email.message import EmailMessage

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlmodel import col, select

from forum import cli, labels
from forum.app import create_app
from forum.i18n import translator
from forum.models import (
    Delivery,
    Flag,
    Notification,
    NotificationKind,
    NotificationSetting,
    Outbox,
    Role,
    Support,
    utcnow,
)
from forum.notifications import events, outbox, tokens, worker
from forum.notifications.preferences import choose
from forum.settings import Settings, SettingsError, SmtpServer, parse_smtp_url
from tests.factories import html, log_in, post
from tests.mailbox import Mailbox, free_port, html_of, text_of

SECRET = "test-secret-key-that-is-long-enough-for-production-use"
A_DAY_LATER = timedelta(hours=25)


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def stopped_mailbox(smtp_port):
    mailbox = Mailbox(smtp_port)
    yield mailbox
    mailbox.stop()


@pytest.fixture
def mailbox(stopped_mailbox):
    stopped_mailbox.start()
    return stopped_mailbox


@pytest.fixture
def settings(settings, smtp_port):
    return settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{smtp_port}"})


def drain(app, **clock) -> outbox.Drained:
    return worker.run_once(app.state.engine, app.state.mailer, **clock)


@pytest.fixture
def region(make):
    return make.region("alentejo", default_locale="pt_PT")


@pytest.fixture
def partner(make, region):
    return make.user(
        "ana", roles={Role.partner: [region]}, organisation="Energia Lda", email="ana@example.org"
    )


@pytest.fixture
def moderator(make, region):
    return make.user("rui", roles={Role.moderator: [region]}, email="rui@example.org")


@pytest.fixture
def author(make):
    return make.user("maria", email="maria@example.org")  # no locale: her region's, Portuguese


@pytest.fixture
def concern(make, region, author):
    return make.concern(region, author, title="O autocarro não passa & ninguém diz nada")


def support(make, concern, *people) -> None:
    for person in people:
        make.db.add(Support(concern_id=concern.id, user_id=person.id))
        concern.support_count += 1
    make.db.add(concern)
    make.db.commit()


def answer(client, partner, concern, body="Vamos lá na segunda-feira.") -> None:
    log_in(client, partner)
    response = post(client, f"/c/{concern.id}/replies", {"body": body, "official": "1"})
    assert response.status_code == 303, response.text


def subject(locale: str, msgid: str, **params) -> str:
    return translator(locale).gettext(msgid) % params


# Each kind arrives once, in the recipient's language.


def test_it_emails_the_author_once_in_her_language_when_a_partner_answers(
    client, app, make, mailbox, concern, partner, author
):
    answer(client, partner, concern)

    assert drain(app).sent == 1
    assert drain(app).sent == 0
    [message] = mailbox.messages
    assert message["To"] == "maria@example.org"
    assert message["Subject"] == subject(
        "pt_PT", "Your concern has an answer: %(title)s", title=concern.title
    )
    assert message["Content-Language"] == "pt-PT"
    assert BeautifulSoup(html_of(message), "html.parser").html["lang"] == "pt-PT"
    body = text_of(message)
    assert "Vamos lá na segunda-feira." in body
    assert "Energia Lda" in body
    assert f"http://testserver/c/{concern.id}" in body
    assert concern.title in body  # "&" as written: the text part is not HTML
    assert "Vamos lá na segunda-feira." in html_of(message)


def test_it_writes_in_english_for_someone_who_chose_english(
    client, app, make, mailbox, region, partner
):
    author = make.user("john", email="john@example.org", locale="en")
    concern = make.concern(region, author, title="No bus")

    answer(client, partner, concern)
    drain(app)

    [message] = mailbox.to("john@example.org")
    assert message["Subject"] == "Your concern has an answer: No bus"
    assert message["Content-Language"] == "en"
    assert text_of(message).startswith("Hello john,")


def test_it_tells_supporters_who_chose_each_time_once_and_never_the_partner_who_answered(
    client, app, make, mailbox, concern, partner
):
    eager = make.user("eva", email="eva@example.org", locale="en")
    patient = make.user("zé", email="ze@example.org")  # the default: one email a day
    support(make, concern, eager, patient, partner)
    choose(make.db, eager.id, NotificationKind.supported_concerns, Delivery.immediately)
    make.db.commit()

    answer(client, partner, concern)
    drain(app)

    assert len(mailbox.to("eva@example.org")) == 1
    assert mailbox.to("eva@example.org")[0]["Subject"] == (
        f"A concern you said “me too” to has an answer: {concern.title}"
    )
    assert mailbox.to("ze@example.org") == []
    assert mailbox.to("ana@example.org") == []
    assert len(mailbox.messages) == 2  # the author and eva


def test_it_tells_the_author_when_a_moderator_closes_her_concern_but_not_the_moderator(
    client, app, make, mailbox, concern, moderator, region
):
    original = make.concern(region, make.user(), title="The first one")
    log_in(client, moderator)

    response = post(
        client,
        f"/c/{concern.id}/status",
        {"status": "closed", "reason": "duplicate", "duplicate_of": str(original.id)},
    )
    drain(app)

    assert response.status_code == 303
    [message] = mailbox.messages
    assert message["To"] == "maria@example.org"
    closed = translator("pt_PT").message(labels.STATUS["closed"])
    assert message["Subject"] == subject(
        "pt_PT", "Your concern “%(title)s” is now: %(status)s", title=concern.title, status=closed
    )
    assert f"http://testserver/c/{original.id}" in text_of(message)


def test_it_does_not_email_the_author_about_what_she_did_herself(
    client, app, make, mailbox, concern, partner, author
):
    make.reply(concern, partner, official=True)
    log_in(client, author)

    post(client, f"/c/{concern.id}/status", {"status": "resolved"})
    drain(app)

    assert mailbox.messages == []


def test_it_tells_the_regions_moderators_once_when_something_is_flagged(
    app, make, mailbox, region, concern, moderator
):
    other_moderator = make.user("sofia", roles={Role.moderator: [region]}, email="s@example.org")
    elsewhere = make.user("outro", roles={Role.moderator: [make.region()]}, email="o@example.org")
    flag = Flag(
        reporter_id=other_moderator.id,
        region_id=region.id,
        concern_id=concern.id,
        target_type="concern",
        target_id=concern.id,
        reason="offensive",
        text="Isto é ofensivo",
    )
    make.db.add(flag)
    make.db.flush()

    events.flagged(make.db, flag)
    make.db.commit()
    drain(app)

    [message] = mailbox.messages  # not the moderator who flagged, not another region's
    assert message["To"] == "rui@example.org"
    assert message["Subject"] == subject(
        "pt_PT", "Someone reported a post in %(region)s", region=region.name
    )
    assert "http://testserver/moderation" in text_of(message)
    assert "Isto é ofensivo" in text_of(message)
    assert mailbox.to(elsewhere.email) == []


def test_it_tells_the_regions_partners_once_when_a_concern_asks_technology_providers(
    client, app, make, mailbox, region, concern, moderator, partner
):
    make.user("bruno", roles={Role.partner: [make.region()]}, email="b@example.org")
    log_in(client, moderator)

    post(client, f"/c/{concern.id}/audiences", {"audience": ["technology_providers"]})
    post(client, f"/c/{concern.id}/audiences", {"audience": ["technology_providers", "citizens"]})
    drain(app)

    [message] = mailbox.messages
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == subject(
        "pt_PT", "A concern in %(region)s asks technology providers to answer", region=region.name
    )
    assert "http://testserver/partner" in text_of(message)


def test_it_tells_the_author_why_her_reply_was_hidden_even_if_she_chose_one_email_a_day(
    app, make, mailbox, concern, moderator
):
    writer = make.user("joana", email="joana@example.org", locale="en")
    reply = make.reply(concern, writer, body="Something rude")
    choose(make.db, writer.id, NotificationKind.own_concerns, Delivery.daily)
    reply.hidden, reply.hidden_reason = True, "Please keep it polite."

    events.post_hidden(make.db, concern, reply, "Please keep it polite.", actor_id=moderator.id)
    make.db.commit()
    drain(app)

    [message] = mailbox.messages
    assert message["To"] == "joana@example.org"
    assert message["Subject"] == "A moderator hid something you wrote"
    assert "Please keep it polite." in text_of(message)


def test_it_tells_the_reporter_and_the_author_when_a_reported_reply_is_hidden(
    client, app, make, mailbox, concern, moderator
):
    writer = make.user("joana", email="joana@example.org", locale="en")
    reporter = make.user("teresa", email="teresa@example.org", locale="pt_PT")
    reply = make.reply(concern, writer, body="Something rude")
    log_in(client, reporter)
    flagged = post(client, f"/c/{concern.id}/flag", {"reply": str(reply.id), "reason": "offensive"})
    assert flagged.status_code == 303
    drain(app)  # the moderator hears of the report
    mailbox.messages.clear()

    log_in(client, moderator)
    hidden = post(client, f"/moderation/replies/{reply.id}/hide", {"reason": "Please be polite."})
    assert hidden.status_code == 303
    drain(app)

    [to_reporter] = mailbox.to("teresa@example.org")
    [to_writer] = mailbox.to("joana@example.org")
    assert to_reporter["Subject"] == subject("pt_PT", "Thank you: a moderator acted on your report")
    assert "Please be polite." in text_of(to_writer)
    assert len(mailbox.messages) == 2


def test_it_sends_nothing_to_people_without_an_email_address(
    client, app, make, mailbox, region, partner
):
    author = make.user("sem-email")
    concern = make.concern(region, author)
    support(make, concern, make.user("também-sem"))

    answer(client, partner, concern)
    drain(app, now=utcnow() + A_DAY_LATER)

    assert mailbox.messages == []
    assert make.db.exec(select(Notification)).all() == []
    assert make.db.exec(select(Outbox)).all() == []


def test_it_sends_nothing_of_a_kind_someone_turned_off(
    client, app, make, mailbox, concern, partner, author
):
    choose(make.db, author.id, NotificationKind.own_concerns, Delivery.off)
    make.db.commit()

    answer(client, partner, concern)
    drain(app)

    assert mailbox.messages == []


# The daily email.


def test_it_gathers_a_days_news_into_one_email_grouped_by_concern(
    client, app, make, mailbox, region, partner, moderator
):
    supporter = make.user("zé", email="ze@example.org", locale="en")
    first = make.concern(region, make.user(), title="First concern")
    second = make.concern(region, make.user(), title="Second concern")
    support(make, first, supporter)
    support(make, second, supporter)

    answer(client, partner, first, body="Answer one")
    answer(client, partner, second, body="Answer two")
    answer(client, partner, first, body="Another answer")
    log_in(client, moderator)
    post(client, f"/c/{first.id}/status", {"status": "resolved"})

    drain(app)
    assert mailbox.to("ze@example.org") == []  # not yet a day

    drain(app, now=utcnow() + A_DAY_LATER)
    drain(app, now=utcnow() + 2 * A_DAY_LATER)  # a second run writes nothing new

    [digest] = mailbox.to("ze@example.org")
    assert digest["Subject"] == "News about 2 concerns on Agora"
    body = text_of(digest)
    sections = body.split("== ")[1:]
    assert [s.splitlines()[0] for s in sections] == [
        "“First concern” in Alentejo",
        "“Second concern” in Alentejo",
    ]
    assert sections[0].count("A partner gave an official answer.") == 1
    assert "The status changed." in sections[0]
    assert "Status now: Resolved" in sections[0]
    assert "The status changed." not in sections[1]
    assert f"http://testserver/c/{second.id}" in sections[1]
    waiting = make.db.exec(select(Notification).where(col(Notification.outbox_id).is_(None)))
    assert waiting.all() == []


def test_it_writes_one_daily_email_when_two_workers_write_at_once(
    client, app, make, mailbox, concern, partner
):
    supporters = [make.user(f"s{n}", email=f"s{n}@example.org") for n in range(5)]
    support(make, concern, *supporters)
    answer(client, partner, concern)
    later = utcnow() + A_DAY_LATER

    workers = [threading.Thread(target=drain, args=(app,), kwargs={"now": later}) for _ in "ab"]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    for person in supporters:
        assert len(mailbox.to(person.email)) == 1


# The outbox: retries, backoff, and never twice.


def test_it_delivers_later_when_the_mail_server_was_down(
    client, app, make, stopped_mailbox, concern, partner
):
    answer(client, partner, concern)
    now = utcnow()

    down = drain(app, now=now)
    row = make.db.exec(select(Outbox)).one()
    stopped_mailbox.start()
    too_soon = drain(app, now=now + timedelta(seconds=5))
    later = drain(app, now=now + timedelta(minutes=1))

    assert (down.sent, down.failed) == (0, 1)
    assert row.attempts == 1 and row.sent_at is None
    assert (row.last_error or "").startswith("ConnectionRefusedError")
    assert row.next_attempt_at - now == timedelta(seconds=30)
    assert too_soon.sent == 0
    assert later.sent == 1
    assert len(stopped_mailbox.messages) == 1
    make.db.rollback()  # end the read transaction, to see what the worker wrote
    make.db.refresh(row)
    assert row.sent_at is not None and row.attempts == 1


def test_it_backs_off_exponentially_up_to_six_hours():
    delays = [outbox.retry_delay(n) for n in (1, 2, 3, 4, 20)]

    assert delays == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=6),
    ]


def test_it_never_sends_the_same_email_twice_with_two_workers(app, make, mailbox, region):
    people = [make.user(f"p{n}", email=f"p{n}@example.org") for n in range(40)]
    for person in people:
        make.concern(region, person)
        make.db.add(
            Outbox(
                user_id=person.id,
                to_address=person.email,
                subject="Hello",
                body_text="Hello",
                body_html='<html lang="en"><p>Hello</p></html>',
            )
        )
    make.db.commit()
    results: list[outbox.Drained] = []

    def work() -> None:
        results.append(drain(app))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    drain(app)

    ids = [message["Message-ID"] for message in mailbox.messages]
    assert len(ids) == 40 == len(set(ids))
    assert sum(result.sent for result in results) == 40


def test_it_leaves_an_email_claimed_by_another_worker_until_its_claim_runs_out(
    app, make, mailbox, author
):
    now = utcnow()
    make.db.add(
        Outbox(
            user_id=author.id,
            to_address=author.email,
            subject="Hello",
            body_text="Hello",
            body_html="<p>Hello</p>",
            claimed_until=now + timedelta(minutes=5),
        )
    )
    make.db.commit()

    assert drain(app, now=now).sent == 0
    assert drain(app, now=now + timedelta(minutes=6)).sent == 1


def test_it_counts_an_email_it_cannot_write_as_failed_and_sends_the_next_one(app, make, mailbox):
    for address in ("a@example.org\r\nBcc: everyone@example.org", "b@example.org"):
        make.db.add(Outbox(to_address=address, subject="Hi", body_text="Hi", body_html="<p>Hi</p>"))
    make.db.commit()

    drained = drain(app)

    assert (drained.sent, drained.failed) == (1, 1)
    assert [m["To"] for m in mailbox.messages] == ["b@example.org"]
    failed = make.db.exec(select(Outbox).where(col(Outbox.sent_at).is_(None))).one()
    assert failed.attempts == 1 and failed.last_error.startswith("ValueError")


def test_it_keeps_one_message_id_per_email_across_tries(app, make, author):
    row = Outbox(
        id=7,
        user_id=author.id,
        to_address="maria@example.org",
        subject="Olá",
        body_text="Olá",
        body_html='<html lang="pt-PT"><p>Olá</p></html>',
    )
    mailer = app.state.mailer

    first, second = mailer.message(row), mailer.message(row)

    assert first["Message-ID"] == second["Message-ID"]
    assert re.fullmatch(r"<agora\.7\.\d{14}@testserver>", first["Message-ID"])
    assert first["From"] == "agora@testserver"


def test_it_sends_from_the_address_in_the_settings(settings, make, mailbox, author):
    app = create_app(settings.model_copy(update={"mail_from": "Agora Alentejo <agora@example.pt>"}))
    make.db.add(
        Outbox(to_address=author.email, subject="Olá", body_text="Olá", body_html="<p>Olá</p>")
    )
    make.db.commit()
    try:
        drain(app)
    finally:
        app.state.engine.dispose()

    [message] = mailbox.messages
    assert message["From"] == "Agora Alentejo <agora@example.pt>"
    assert mailbox.senders == ["agora@example.pt"]
    assert message["Message-ID"].endswith("@example.pt>")


def test_it_refuses_to_start_with_a_sender_that_is_not_an_address(settings):
    with pytest.raises(SettingsError, match="FORUM_MAIL_FROM"):
        create_app(settings.model_copy(update={"mail_from": "Agora"}))


def test_it_sends_through_the_worker_that_starts_with_the_server(
    settings, make, smtp_port, monkeypatch, concern, partner
):
    monkeypatch.setattr(worker, "POLL_SECONDS", 0.05)
    mailbox = Mailbox(smtp_port)
    mailbox.start()
    app = create_app(settings.model_copy(update={"worker": True}))
    try:
        with TestClient(app) as client:
            answer(client, partner, concern)
            deadline = time.monotonic() + 10
            while not mailbox.messages and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        mailbox.stop()
        app.state.engine.dispose()

    assert [m["To"] for m in mailbox.messages] == ["maria@example.org"]


def test_it_sends_with_the_forum_worker_command(
    app, settings, mailbox, monkeypatch, capsys, client, concern, partner
):
    answer(client, partner, concern)
    monkeypatch.setenv("FORUM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FORUM_SMTP_URL", settings.smtp_url)
    monkeypatch.setenv("FORUM_SECRET_KEY", SECRET)

    assert cli.main(["worker", "--once"]) == 0

    assert "sent 1 emails" in capsys.readouterr().err
    assert len(mailbox.messages) == 1


def test_it_refuses_to_run_the_worker_command_when_email_is_off(monkeypatch, capsys):
    monkeypatch.setenv("FORUM_SMTP_URL", "")

    assert cli.main(["worker", "--once"]) == 2
    assert "FORUM_SMTP_URL" in capsys.readouterr().err


# Unsubscribing.


def unsubscribe_link(message: EmailMessage) -> str:
    match = re.search(r"http://testserver(/unsubscribe\?token=\S+)", text_of(message))
    assert match, text_of(message)
    assert message["List-Unsubscribe"] == f"<http://testserver{match.group(1)}>"
    return match.group(1)


def delivery_of(db, user, kind: NotificationKind) -> str | None:
    db.expire_all()
    setting = db.get(NotificationSetting, (user.id, kind.value))
    return setting.delivery if setting else None


def test_it_unsubscribes_from_the_link_in_an_email_without_logging_in(
    client, app, make, mailbox, concern, partner, author
):
    answer(client, partner, concern)
    drain(app)
    link = unsubscribe_link(mailbox.messages[0])
    visitor = TestClient(app)

    page = visitor.get(link)
    assert (
        delivery_of(make.db, author, NotificationKind.own_concerns) is None
    )  # a look stops nothing
    token = html(page).select_one("input[name=token]")["value"]
    done = post(visitor, "/unsubscribe", {"token": token})

    assert page.status_code == 200
    assert html(page).select_one("form[action='/unsubscribe'] button")
    assert done.status_code == 200
    assert delivery_of(make.db, author, NotificationKind.own_concerns) == "off"
    answer(client, partner, concern, body="Second answer")
    drain(app)
    assert len(mailbox.messages) == 1


def test_it_stops_every_daily_kind_from_the_link_in_a_daily_email(
    client, app, make, mailbox, concern, partner
):
    supporter = make.user("zé", email="ze@example.org", locale="en")
    support(make, concern, supporter)
    answer(client, partner, concern)
    drain(app, now=utcnow() + A_DAY_LATER)
    [digest] = mailbox.to("ze@example.org")
    visitor = TestClient(app)

    page = visitor.get(unsubscribe_link(digest))
    token = html(page).select_one("input[name=token]")["value"]
    post(visitor, "/unsubscribe", {"token": token})

    assert delivery_of(make.db, supporter, NotificationKind.supported_concerns) == "off"
    assert delivery_of(make.db, supporter, NotificationKind.own_concerns) is None


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_it_changes_nothing_for_a_forged_token(client, app, make, author, method):
    token = tokens.sign(SECRET, author.id, "own_concerns")
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        tokens.sign("another secret that is long enough to be real", author.id, "own_concerns"),
        "not-a-token",
        "x" * 5000,
        "",
    ]
    for bad in forged:
        if method == "GET":
            response = client.get("/unsubscribe", params={"token": bad})
        else:
            response = post(client, "/unsubscribe", {"token": bad})
        assert response.status_code == 400, bad
        assert html(response).h1.text.strip() == "This link does not work"

    assert delivery_of(make.db, author, NotificationKind.own_concerns) is None


def test_it_changes_nothing_for_an_expired_token(client, make, author):
    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - tokens.MAX_AGE_SECONDS - 60

    old = URLSafeTimedSerializer(SECRET, salt=tokens.SALT, signer=LongAgo)
    token = old.dumps([author.id, "own_concerns"])

    shown = client.get("/unsubscribe", params={"token": token})
    sent = post(client, "/unsubscribe", {"token": token})

    for response in (shown, sent):
        assert response.status_code == 400
        assert html(response).h1.text.strip() == "This link is too old"
        assert "Nothing was changed" in response.text
    assert delivery_of(make.db, author, NotificationKind.own_concerns) is None


def test_it_refuses_an_unsubscribe_post_without_the_csrf_token(client, make, author):
    token = tokens.sign(SECRET, author.id, "own_concerns")

    response = client.post("/unsubscribe", data={"token": token})

    assert response.status_code == 403
    assert delivery_of(make.db, author, NotificationKind.own_concerns) is None


# Choosing on the account page.


def emails_section(client):
    return html(client.get("/account")).select_one("#emails")


def test_it_offers_each_person_only_the_kinds_that_apply_to_them(client, make, region):
    citizen = make.user("citizen", email="c@example.org")
    both = make.user("both", roles={Role.moderator: [region], Role.partner: [region]})

    log_in(client, citizen)
    citizen_legends = [legend.text for legend in emails_section(client).select("legend")]
    log_in(client, both)
    both_names = {radio["name"] for radio in emails_section(client).select("input[type=radio]")}

    assert len(citizen_legends) == 2
    assert both_names == {
        "delivery-own_concerns",
        "delivery-supported_concerns",
        "delivery-flags",
        "delivery-partner_tags",
    }


def test_it_shows_the_defaults_and_saves_a_choice(client, make, author):
    log_in(client, author)
    checked = {
        radio["name"]: radio["value"]
        for radio in emails_section(client).select("input[type=radio][checked]")
    }

    response = post(
        client,
        "/account/emails",
        {"delivery-own_concerns": "daily", "delivery-supported_concerns": "off"},
    )

    assert checked == {
        "delivery-own_concerns": "immediately",
        "delivery-supported_concerns": "daily",
    }
    assert response.status_code == 303
    assert delivery_of(make.db, author, NotificationKind.own_concerns) == "daily"
    assert delivery_of(make.db, author, NotificationKind.supported_concerns) == "off"


def test_it_keeps_the_choices_and_shows_an_error_for_an_unknown_value(client, make, author):
    log_in(client, author)

    response = post(
        client,
        "/account/emails",
        {"delivery-own_concerns": "hourly", "delivery-supported_concerns": "off"},
    )

    page = html(response)
    assert response.status_code == 400
    assert page.select_one(".error-summary a")["href"] == "#delivery-own_concerns"
    assert page.select_one("#delivery-own_concerns-error")
    off = page.select_one("input[name=delivery-supported_concerns][value=off]")
    assert off.has_attr("checked")
    assert delivery_of(make.db, author, NotificationKind.supported_concerns) is None


def test_it_says_so_when_there_is_no_email_address(client, make):
    log_in(client, make.user("sem-email"))

    assert "we send you no emails" in emails_section(client).text


# The SMTP URL.


@pytest.mark.parametrize(
    "url",
    [
        "smtp//mail.example.org",
        "http://mail.example.org",
        "mail.example.org:25",
        "smtp://",
        "smtp://mail.example.org:99999",
        "smtp://mail.example.org:abc",
        "smtp://:secret@mail.example.org",
        "smtp://mail.example.org/inbox",
        "smtp://mail.example.org?starttls=1",
    ],
)
def test_it_refuses_to_start_with_a_malformed_smtp_url(settings, url):
    with pytest.raises(SettingsError, match="FORUM_SMTP_URL") as refused:
        create_app(settings.model_copy(update={"smtp_url": url}))

    assert "smtp+starttls://" in str(refused.value)


def test_it_refuses_to_serve_with_a_malformed_smtp_url(monkeypatch, capsys):
    monkeypatch.setenv("FORUM_SMTP_URL", "smtp://host:port")

    assert cli.main(["worker", "--once"]) == 2
    assert "FORUM_SMTP_URL" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://localhost", SmtpServer("localhost", 25, "none")),
        ("smtp://127.0.0.1:2525", SmtpServer("127.0.0.1", 2525, "none")),
        (
            "smtp+starttls://agora%40example.org:p%40ss:word@mail.example.org",
            SmtpServer("mail.example.org", 587, "starttls", "agora@example.org", "p@ss:word"),
        ),
        (
            "smtps://me:pw@mail.example.org:4650",
            SmtpServer("mail.example.org", 4650, "ssl", "me", "pw"),
        ),
    ],
)
def test_it_reads_the_smtp_url(url, server):
    assert parse_smtp_url(url) == server


def test_it_treats_an_empty_smtp_url_as_email_off_and_still_queues(
    settings, make, region, author, partner
):
    app = create_app(settings.model_copy(update={"smtp_url": ""}))
    try:
        assert app.state.mailer is None
        with TestClient(app) as client:
            concern = make.concern(region, author)
            answer(client, partner, concern)
    finally:
        app.state.engine.dispose()

    assert len(make.db.exec(select(Outbox)).all()) == 1


def test_it_reads_the_worker_setting_as_on_or_off(monkeypatch):
    monkeypatch.setenv("FORUM_WORKER", "off")
    assert Settings().worker is False
    monkeypatch.setenv("FORUM_WORKER", "on")
    assert Settings().worker is True
