"""Page weight and SQL per page, against the budgets in design.md.

    python bench/page_budget.py

Builds a throwaway SQLite database, a concern with 20 replies, and reports:
- the gzipped HTML of the concern page (budget: 14 KB), and its first view: the HTML and every
  stylesheet, script and icon the page links, by the hashed names it links them by, each as
  the app sends it to a browser that takes gzip, and the service worker script a linked
  script registers (budget: 50 KB; no fonts, no images),
- SQL statements per page for the concern page and the region page, with 5 and with 50 rows.

The sizes are response bodies as sent, not headers. tests/browser/test_page_weight.py measures
the same budgets in Chromium, with the headers and what the service worker fetches itself.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import event
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum.app import create_app  # noqa: E402
from forum.db import upgrade  # noqa: E402
from forum.models import Role  # noqa: E402
from forum.settings import Settings  # noqa: E402
from tests.factories import Factory  # noqa: E402

LOREM = (
    "A autocarro a pedido não passa na nossa aldeia ao domingo. A minha mãe tem 82 anos e "
    "precisa de ir ao centro de saúde. Quem decide os horários? "
)


WORDS = LOREM.replace(".", "").replace("?", "").split()


def varied(seed: int, words: int = 60) -> str:
    """A different text for each reply, so that gzip does not get it for free."""
    chooser = random.Random(seed)
    return " ".join(chooser.choice(WORDS) for _ in range(words)).capitalize() + "."


# What a browser says it takes; the app answers with gzip.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
# The links a browser follows as it loads a page; `alternate` (the feeds) it does not.
FETCHED = {"stylesheet", "icon", "apple-touch-icon", "manifest", "preload", "modulepreload"}
REGISTER = re.compile(r"""serviceWorker\s*\.\s*register\(\s*["']([^"']+)["']""")


def linked(page: Response) -> list[str]:
    """Every stylesheet, icon and script the page makes a browser fetch, in page order."""
    soup = BeautifulSoup(page.text, "html.parser")
    urls = [
        *(str(link["href"]) for link in soup.select("link[href]") if FETCHED & set(link["rel"])),
        *(str(script["src"]) for script in soup.select("script[src]")),
    ]
    return list(dict.fromkeys(urls))


def service_workers(scripts: list[Response]) -> list[str]:
    """The service worker a script registers: a browser fetches it on the first view too."""
    found = (
        REGISTER.findall(script.text)
        for script in scripts
        if "javascript" in script.headers["content-type"]
    )
    return list(dict.fromkeys(url for urls in found for url in urls))


def sent(response: Response) -> str:
    """`3,305 B gzip`: the body as it came over the wire (compressed), and how."""
    assert response.status_code == 200, response.url
    return (
        f"{response.num_bytes_downloaded:,} B {response.headers.get('content-encoding', 'plain')}"
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    app = create_app(Settings(database_url=url, secret_key="x" * 40))
    client = TestClient(app)
    with Session(app.state.engine, expire_on_commit=False) as db:
        make = Factory(db)
        region = make.region("bench", default_locale="pt_PT")
        author = make.user("maria")
        partner = make.user("ana", roles={Role.partner: [region]}, organisation="Energia Lda")
        concerns = {}
        for replies in (5, 20, 50):
            concern = make.concern(region, author, title=f"O autocarro ({replies})", body=LOREM * 3)
            for n in range(replies):
                make.reply(concern, partner if n == 0 else author, official=n == 0, body=varied(n))
            concerns[replies] = concern
        for n in range(45):
            make.concern(region, author, title=f"Preocupação {n}", audiences=["citizens"])

    page = client.get(f"/c/{concerns[20].id}", headers=BROWSER)
    html_sent = page.num_bytes_downloaded
    print(
        f"concern page with 20 replies: {len(page.content):,} B HTML, {sent(page)} (budget 14,336)"
    )
    files = [client.get(url, headers=BROWSER) for url in linked(page)]
    files += [client.get(url, headers=BROWSER) for url in service_workers(files)]
    first_view = html_sent + sum(file.num_bytes_downloaded for file in files)
    print(f"first view: {first_view:,} B in {1 + len(files)} requests (budget 51,200)")
    print(f"  {sent(page):>14}  {page.url.path}")
    for file in files:
        print(f"  {sent(file):>14}  {file.url.path}")

    statements: list[str] = []
    event.listen(
        app.state.engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )

    def queries(path: str) -> int:
        statements.clear()
        assert client.get(path).status_code == 200, path
        return len(statements)

    print(
        f"SQL per concern page: {queries(f'/c/{concerns[5].id}')} with 5 replies, "
        f"{queries(f'/c/{concerns[50].id}')} with 50 replies"
    )
    print(
        f"SQL per region page: {queries('/r/bench')} (20 of 48 concerns), "
        f"{queries('/r/bench?audience=citizens')} filtered by audience, "
        f"{queries('/')} for the home page"
    )


if __name__ == "__main__":
    main()
