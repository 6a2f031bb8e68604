"""Every template compiles, the htmx fragments are blocks of their page, and what a translated
text is given is escaped in a page."""

import pytest
from starlette.requests import Request

from forum.i18n import translator
from forum.rendering import make_environment
from forum.resources import resource_dir
from forum.web.templating import here


def test_it_compiles_every_template():
    env = make_environment()
    names = [
        str(path.relative_to(resource_dir("templates")))
        for path in resource_dir("templates").rglob("*.html")
    ]
    assert len(names) > 5
    for name in names:
        env.get_template(name)


def test_it_serves_fragments_as_blocks_of_the_page_template():
    env = make_environment()
    assert {"support", "audiences", "conversation"} <= set(
        env.get_template("concerns/show.html").blocks
    )
    assert "concern_rows" in env.get_template("regions/show.html").blocks


TRANSLATED = (
    '{{ _("Official answer from %(organisation)s", organisation=name) }} | '
    '{{ ngettext("%(num)s report", "%(num)s reports", 2) }} | {{ _("Agora") }}'
)


@pytest.mark.parametrize(
    ("autoescape", "expected"),
    [
        (True, "Official answer from &lt;b&gt;Town Hall&lt;/b&gt; | 2 reports | Agora"),
        (False, "Official answer from <b>Town Hall</b> | 2 reports | Agora"),
    ],
)
def test_a_translated_text_escapes_what_it_is_given_in_a_page(autoescape, expected):
    template = make_environment(autoescape=autoescape).from_string(TRANSLATED)
    assert template.render(i18n=translator("en"), name="<b>Town Hall</b>") == expected


def test_a_translated_text_is_in_the_readers_language():
    template = make_environment().from_string(TRANSLATED)
    html = template.render(i18n=translator("pt_PT"), name="Câmara")
    assert "Câmara" in html and "Official answer" not in html


@pytest.mark.parametrize(
    ("path", "query"),
    [("/c/1", b""), ("/c/?x#y\\z", b"a=1&b=%20"), ("/r/é", b"q=caf%C3%A9")],
)
def test_here_is_the_path_and_query_that_request_url_gives(path, query):
    """`here` (the ?next= of log in and of each language) reads the request as it came."""
    request = Request(
        {
            "type": "http",
            "path": path,
            "query_string": query,
            "headers": [(b"host", b"example.org")],
            "scheme": "http",
            "server": ("example.org", 80),
        }
    )
    url = request.url

    assert here(request) == url.path + (f"?{url.query}" if url.query else "")
