"""Page weight and SQL per page, against the budgets in design.md.

    python bench/page_budget.py

Builds a throwaway SQLite database, a concern with 20 replies, and reports:
- gzipped HTML of the concern page (budget: 14 KB) and of the first view: HTML + CSS + JS
  (budget: 50 KB; no fonts, no images),
- SQL statements per page for the concern page and the region page, with 5 and with 50 rows.
"""

from __future__ import annotations

import gzip
import random
import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
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


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


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

    page = client.get(f"/c/{concerns[20].id}")
    css = client.get("/static/agora.css").content
    js = client.get("/static/htmx-2.0.11.min.js").content
    html_gz = gz(page.content)
    print(
        f"concern page with 20 replies: {len(page.content):,} B HTML, {html_gz:,} B gzipped "
        f"(budget 14,336)"
    )
    first_view = html_gz + gz(css) + gz(js)
    print(
        f"first view: HTML {html_gz:,} + CSS {gz(css):,} + JS {gz(js):,} = {first_view:,} B "
        f"gzipped in 3 requests (budget 51,200)"
    )

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
