"""/api/docs works under the strict CSP, from Agora's own files: no other origin is asked,
and the browser reports no violation."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server


def test_the_api_docs_show_the_api_from_agoras_own_files(page: Page, server: Server) -> None:
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )

    page.goto("/api/docs")

    expect(page.locator(".swagger-ui .title")).to_contain_text("Agora")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert hosts == {urlsplit(server.url).netloc}
    assert not [text for text in problems if "Content Security Policy" in text], problems
