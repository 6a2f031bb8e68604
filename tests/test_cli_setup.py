"""Setting up a region from the command line: forum regions create|list, forum topics create,
forum organisations create, forum users create|grant|revoke. Clear errors (a message and
exit code 2, never a traceback), and giving or taking a role twice changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from forum import cli
from forum.models import Membership, ModerationEvent, Organisation, Region, Topic, User


@pytest.fixture
def environment(monkeypatch, settings, app):
    app.state.engine.dispose()
    monkeypatch.setenv("FORUM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FORUM_SECRET_KEY", settings.secret_key)
    return settings


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text("a long enough password\n")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit:  # argparse refuses what it can: a missing or unknown option
        code = int(exit.code or 0)
    said = capsys.readouterr()
    assert "Traceback" not in said.err
    return code, said.out, said.err


def fresh(db: Session, model, *where):
    db.rollback()
    return db.exec(select(model).where(*where)).all()


def test_it_sets_up_a_region_from_nothing(environment, db, capsys, password_file):
    assert (
        run(capsys, "regions", "create", "--slug", "vale", "--name", "Vale", "--locale", "pt_PT")[0]
        == 0
    )
    assert run(capsys, "topics", "create", "--slug", "water", "--name", "Water")[0] == 0
    assert (
        run(
            capsys,
            "organisations",
            "create",
            "--name",
            "Águas Lda",
            "--kind",
            "technology_provider",
        )[0]
        == 0
    )
    assert (
        run(
            capsys,
            "users",
            "create",
            "--name",
            "Boss",
            "--password-file",
            str(password_file),
            "--admin",
        )[0]
        == 0
    )
    assert (
        run(capsys, "users", "create", "--name", "Ana", "--password-file", str(password_file))[0]
        == 0
    )
    code, _out, err = run(
        capsys,
        "users",
        "grant",
        "--name",
        "Ana",
        "--role",
        "partner",
        "--region",
        "vale",
        "--organisation",
        "águas lda",
    )

    assert code == 0 and "Ana is partner in vale" in err
    region = fresh(db, Region)[0]
    assert (region.slug, region.name, region.default_locale) == ("vale", "Vale", "pt_PT")
    assert fresh(db, Topic, col(Topic.slug) == "water")[0].name == "Water"
    ana = fresh(db, User, col(User.name) == "Ana")[0]
    assert ana.organisation_id == fresh(db, Organisation)[0].id
    assert [m.role for m in fresh(db, Membership, col(Membership.user_id) == ana.id)] == ["partner"]
    logged = [(e.action, e.actor_id) for e in fresh(db, ModerationEvent)]
    assert ("region_create", None) in logged and ("grant", None) in logged  # the operator
    code, out, _err = run(capsys, "regions", "list")
    assert code == 0 and out.split("\t")[:3] == ["vale", "pt_PT", "on the site"]


def test_granting_and_revoking_twice_changes_nothing(environment, db, make, capsys):
    region = make.region("vale")
    rui = make.user("Rui")

    granted = [
        run(capsys, "users", "grant", "--name", "Rui", "--role", "moderator", "--region", "vale")
        for _ in range(2)
    ]
    assert [code for code, _, _ in granted] == [0, 0]
    assert "nothing changed" in granted[1][2]
    assert [m.role for m in fresh(db, Membership, col(Membership.user_id) == rui.id)] == [
        "moderator"
    ]

    revoked = [
        run(capsys, "users", "revoke", "--name", "Rui", "--role", "moderator", "--region", "vale")
        for _ in range(2)
    ]
    assert [code for code, _, _ in revoked] == [0, 0]
    assert fresh(db, Membership, col(Membership.region_id) == region.id) == []


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["regions", "create", "--slug", "taken", "--name", "X", "--locale", "en"],
            "--slug: Another region",
        ),
        (
            ["regions", "create", "--slug", "new", "--name", "X", "--locale", "pt_BR"],
            "argument --locale: invalid choice",
        ),
        (
            ["regions", "create", "--slug", "Not A Slug", "--name", "X", "--locale", "en"],
            "--slug: Use small letters",
        ),
        (["topics", "create", "--slug", "energy", "--name", "Energy"], "--slug: Another topic"),
        (
            ["organisations", "create", "--name", "Energia Lda", "--kind", "technology_provider"],
            "--name: An organisation",
        ),
        (
            ["users", "grant", "--name", "Rui", "--role", "leader", "--region", "nowhere"],
            "there is no region 'nowhere'",
        ),
        (
            ["users", "grant", "--name", "Nobody", "--role", "leader", "--region", "taken"],
            "--name: Nobody has this name",
        ),
        (
            [
                "users",
                "grant",
                "--name",
                "Rui",
                "--role",
                "partner",
                "--region",
                "taken",
                "--organisation",
                "Unknown",
            ],
            "there is no organisation 'Unknown'",
        ),
        (
            ["users", "revoke", "--name", "Nobody", "--role", "leader", "--region", "taken"],
            "nobody is called 'Nobody'",
        ),
    ],
    ids=[
        "duplicate slug",
        "a locale Agora does not ship",
        "bad slug",
        "duplicate topic",
        "duplicate organisation",
        "unknown region",
        "unknown person",
        "unknown organisation",
        "revoke from nobody",
    ],
)
def test_it_says_what_is_wrong_and_exits_with_2(environment, db, make, capsys, argv, said):
    make.region("taken")
    make.user("Rui")
    make.organisation("Energia Lda")
    before = (len(fresh(db, Region)), len(fresh(db, Membership)), len(fresh(db, ModerationEvent)))

    code, _out, err = run(capsys, *argv)

    assert code == 2 and said in err
    assert (
        len(fresh(db, Region)),
        len(fresh(db, Membership)),
        len(fresh(db, ModerationEvent)),
    ) == before


@pytest.mark.parametrize("group", ["regions", "topics", "organisations", "users"])
def test_every_command_has_help(capsys, group):
    with pytest.raises(SystemExit) as exited:
        cli.main([group, "--help"])
    assert exited.value.code == 0
    assert "COMMAND" in capsys.readouterr().out
