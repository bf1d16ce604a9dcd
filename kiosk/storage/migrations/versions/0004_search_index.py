"""name search index: SQLite FTS5 trigram table kept in step by triggers

Substring search over 100,000 names by LIKE scans every row; the trigram
index answers ``LIKE '%...%'`` for queries of three characters or more.
PostgreSQL (the central side, which does no door search) gets nothing here.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE VIRTUAL TABLE attendee_search USING fts5("
        "search_key, content='attendee', content_rowid='rowid', tokenize='trigram')"
    )
    op.execute(
        "CREATE TRIGGER attendee_search_ai AFTER INSERT ON attendee BEGIN "
        "INSERT INTO attendee_search(rowid, search_key) VALUES (new.rowid, new.search_key); END"
    )
    op.execute(
        "CREATE TRIGGER attendee_search_ad AFTER DELETE ON attendee BEGIN "
        "INSERT INTO attendee_search(attendee_search, rowid, search_key) "
        "VALUES ('delete', old.rowid, old.search_key); END"
    )
    op.execute(
        "CREATE TRIGGER attendee_search_au AFTER UPDATE OF search_key ON attendee BEGIN "
        "INSERT INTO attendee_search(attendee_search, rowid, search_key) "
        "VALUES ('delete', old.rowid, old.search_key); "
        "INSERT INTO attendee_search(rowid, search_key) VALUES (new.rowid, new.search_key); END"
    )
    op.execute("INSERT INTO attendee_search(attendee_search) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("attendee_search_ai", "attendee_search_ad", "attendee_search_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS attendee_search")
