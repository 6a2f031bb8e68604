"""Settings: a real secret in production, a generated one in development, all documented."""

import os
import re
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from forum.app import create_app
from forum.settings import SECRET_FILE_NAME, Settings, SettingsError

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def environment(monkeypatch, tmp_path):
    """A clean environment in an empty folder: no FORUM_* variables, no .env file."""
    for name in os.environ:
        if name.startswith("FORUM_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def start(**settings) -> None:
    app = create_app(Settings(**settings))
    app.state.engine.dispose()


@pytest.mark.parametrize("secret", [None, "", "   ", "change-me", "CHANGEME", "secret", "short"])
def test_it_refuses_to_start_in_production_without_a_real_secret(environment, secret):
    environment.setenv("FORUM_ENV", "production")
    if secret is not None:
        environment.setenv("FORUM_SECRET_KEY", secret)

    with pytest.raises(SettingsError, match="FORUM_SECRET_KEY"):
        start()

    assert not (Path.cwd() / SECRET_FILE_NAME).exists()


def test_it_starts_in_production_with_a_long_random_secret(environment):
    environment.setenv("FORUM_ENV", "production")
    environment.setenv("FORUM_SECRET_KEY", "k3Vq9-" * 8)

    start()

    assert not (Path.cwd() / SECRET_FILE_NAME).exists()


def test_it_reads_the_secret_from_a_dotenv_file(environment, tmp_path):
    (tmp_path / ".env").write_text("FORUM_ENV=production\nFORUM_SECRET_KEY=change-me\n")

    with pytest.raises(SettingsError, match="FORUM_SECRET_KEY"):
        start()


def test_it_generates_a_secret_once_beside_the_database_in_development(environment, tmp_path):
    environment.setenv("FORUM_DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'forum.db'}")
    secret_file = tmp_path / "data" / SECRET_FILE_NAME

    first = Settings().resolved_secret_key()
    second = Settings().resolved_secret_key()

    assert first == second
    assert len(first) >= 32
    assert secret_file.read_text().strip() == first
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert not (tmp_path / SECRET_FILE_NAME).exists()


def test_it_keeps_the_generated_secret_in_the_working_folder_for_the_default_database(
    environment, tmp_path
):
    secret = Settings().resolved_secret_key()

    assert (tmp_path / SECRET_FILE_NAME).read_text().strip() == secret


def test_it_replaces_an_empty_secret_file_in_development(environment, tmp_path):
    (tmp_path / SECRET_FILE_NAME).write_text("\n")

    secret = Settings().resolved_secret_key()

    assert len(secret) >= 32
    assert (tmp_path / SECRET_FILE_NAME).read_text().strip() == secret


def test_it_replaces_a_placeholder_secret_in_development(environment, tmp_path):
    environment.setenv("FORUM_SECRET_KEY", "change-me")

    assert Settings().resolved_secret_key() not in ("change-me", "")
    assert (tmp_path / SECRET_FILE_NAME).exists()


def test_it_keeps_people_logged_in_across_a_restart_in_development(environment, tmp_path):
    url = f"sqlite:///{tmp_path / 'forum.db'}"
    before, after = create_app(Settings(database_url=url)), create_app(Settings(database_url=url))
    try:
        with TestClient(before) as browser:
            page = browser.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            cookies = dict(browser.cookies)
        with TestClient(after, cookies=cookies) as browser:
            response = browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    finally:
        before.state.engine.dispose()
        after.state.engine.dispose()

    assert response.status_code == 303


def test_it_documents_every_setting_in_the_readme():
    table = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\|\s*`(FORUM_[A-Z0-9_]+)`", table, flags=re.MULTILINE))

    settings = {f"FORUM_{name.upper()}" for name in Settings.model_fields}

    assert settings - documented == set()
    assert documented - settings == set()
