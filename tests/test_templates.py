"""Every template compiles, and the htmx fragments are blocks of their page."""

from forum.rendering import make_environment
from forum.resources import resource_dir


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
