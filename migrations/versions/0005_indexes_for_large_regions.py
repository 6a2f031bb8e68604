"""indexes for large regions

Found with 100,000 concerns and 250,000 replies in one region (bench/throughput.py): pages
with a constant number of queries whose queries still read every row.

- A concern's page lists the concerns closed as its duplicates: a scan of every concern
  (18 ms of a 33 ms page) without an index on duplicate_of_id.
- The home page counts each region's open and answered concerns (241 ms): now counted from
  an index on (region_id, hidden, status, id) without reading the table.
- A region's Atom feed sorted all its concerns and all their replies to take the newest
  (1.1 s): now walked from indexes in date order.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ("ix_concern_duplicate_of_id", "concern", ["duplicate_of_id"]),
    ("ix_concern_region_counts", "concern", ["region_id", "hidden", "status", "id"]),
    ("ix_concern_region_created", "concern", ["region_id", "created_at", "id"]),
    ("ix_reply_official_created", "reply", ["official", "created_at", "id"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
