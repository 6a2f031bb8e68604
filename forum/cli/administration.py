"""forum regions create|list, forum topics create, forum organisations create: setting up a
pilot region from the server's command line (what /admin does on the web)."""

from __future__ import annotations

import argparse
from typing import Any

from forum.cli.common import command, operating, say
from forum.i18n import OFFERED_LOCALES
from forum.models import OrganisationKind


def add_commands(commands: Any) -> None:
    regions = commands.add_parser("regions", help="pilot regions").add_subparsers(metavar="COMMAND")
    create = command(regions, "create", create_region, "add a pilot region")
    create.add_argument("--slug", required=True, help="its short name in addresses: /r/SLUG")
    create.add_argument("--name", required=True, help="its name, as people there say it")
    create.add_argument(
        "--locale", required=True, choices=OFFERED_LOCALES, help="its language: %(choices)s"
    )
    create.add_argument("--description", default="", help="a few sentences, in that language")
    command(regions, "list", list_regions, "list the regions, on the site or not")

    topics = commands.add_parser("topics", help="topics of concerns").add_subparsers(
        metavar="COMMAND"
    )
    topic = command(topics, "create", create_topic, "add a topic (for every region)")
    topic.add_argument("--slug", required=True, help="its short name, for example water_supply")
    topic.add_argument("--name", required=True, help="its name")

    organisations = commands.add_parser(
        "organisations", help="partner organisations"
    ).add_subparsers(metavar="COMMAND")
    organisation = command(organisations, "create", create_organisation, "add an organisation")
    organisation.add_argument("--name", required=True, help="its name")
    organisation.add_argument(
        "--kind", required=True, choices=[kind.value for kind in OrganisationKind]
    )


def create_region(args: argparse.Namespace) -> int:
    """Add a pilot region. Its slug is its address (/r/SLUG) and cannot change; its locale is
    the language its visitors see first. Logged in the moderation log as the operator's."""
    from forum.admin import service
    from forum.permissions import OPERATOR

    fields = service.RegionFields(args.slug, args.name, args.locale, args.description)
    with operating({"default_locale": "--locale"}) as session:
        region = service.create_region(session, OPERATOR, fields)
    say(f"created the region {region.slug} ({region.name})")
    return 0


def list_regions(_args: argparse.Namespace) -> int:
    """Every region: its slug, language, whether it is on the site, and its name."""
    from forum.admin import queries

    with operating() as session:
        for region in queries.all_regions(session):
            state = "on the site" if region.active else "off the site"
            print(f"{region.slug}\t{region.default_locale}\t{state}\t{region.name}")
    return 0


def create_topic(args: argparse.Namespace) -> int:
    """Add a topic concerns can be about, in every region."""
    from forum.admin import service
    from forum.permissions import OPERATOR

    with operating() as session:
        service.save_topic(session, OPERATOR, None, slug=args.slug, name=args.name)
    say(f"created the topic {args.slug}")
    return 0


def create_organisation(args: argparse.Namespace) -> int:
    """Add an organisation that partners answer for: a technology provider, or a local
    administration."""
    from forum.admin import service
    from forum.permissions import OPERATOR

    with operating() as session:
        service.save_organisation(session, OPERATOR, None, name=args.name, kind=args.kind)
    say(f"created the organisation {args.name}")
    return 0
