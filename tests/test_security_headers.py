"""Every response carries the security headers; HSTS only when Agora is served over https."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from forum.app import create_app

ALWAYS = {
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "permissions-policy",
    "x-frame-options",
}


def answers(client: TestClient):
    yield client.get("/")
    yield client.get("/no/such/page")
    yield client.get("/healthz")
    yield client.get("/api/regions")
    yield client.get("/favicon.ico", follow_redirects=False)
    yield client.post("/login", data={"name": "x", "password": "y"})  # no CSRF token: 403


def test_it_sends_the_security_headers_on_every_response(client):
    for response in answers(client):
        assert set(response.headers) >= ALWAYS, (response.url, response.status_code)
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # plain http here


@pytest.mark.parametrize("base_url", ["https://agora.example.org"])
def test_it_asks_browsers_to_keep_to_https_when_served_over_https(settings, base_url):
    app = create_app(settings.model_copy(update={"base_url": base_url}))
    with TestClient(app, base_url=base_url) as client:
        for response in answers(client):
            assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    app.state.engine.dispose()
