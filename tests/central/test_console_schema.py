"""The console's tables live in their own chain: a kiosk's store never gets them, a
central store does, and a central database made before them keeps its rows."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import inspect

from kiosk.central.models import CentralBase
from kiosk.central.store import central_revision, open_central
from kiosk.storage import Store

CONSOLE_TABLES = set(CentralBase.metadata.tables)


def test_a_kiosk_store_has_no_console_tables(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'kiosk.db'}")
    try:
        assert not CONSOLE_TABLES & set(inspect(store.engine).get_table_names())
    finally:
        store.close()


def test_a_central_store_gets_them_and_keeps_old_rows(organiser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The organiser fixture's database was made by the command line; opening it as the
    console does adds the tables and loses nothing."""
    from kiosk.central.accounts import add_user, authenticate
    from kiosk.central.organiser import roster_tokens

    db = organiser.folder / "central.db"
    plain = Store(f"sqlite:///{db}")
    before = len(roster_tokens(plain, "SM-2026"))
    plain.close()
    store = open_central(f"sqlite:///{db}")
    try:
        assert set(inspect(store.engine).get_table_names()) >= CONSOLE_TABLES
        assert central_revision(store.engine) == "c0001"
        assert len(roster_tokens(store, "SM-2026")) == before == 300
        add_user(store, "alice", "a long password", role="viewer")
        assert authenticate(store, "alice", "a long password").roles == {"*": "viewer"}
    finally:
        store.close()


def test_user_commands(organiser, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    os.environ["KIOSK_CENTRAL_PASSWORD"] = "first password"
    try:
        organiser("user", "add", "bob", "--role", "moderator", "--event", "SM-2026")
        os.environ["KIOSK_CENTRAL_PASSWORD"] = "second password"
        organiser("user", "passwd", "bob")
        organiser("user", "role", "bob", "analyst")
        users = json.loads(organiser("user", "list", "--json"))
    finally:
        del os.environ["KIOSK_CENTRAL_PASSWORD"]
    [bob] = [u for u in users if u["username"] == "bob"]
    assert sorted(bob["roles"].values()) == ["analyst", "moderator"]
