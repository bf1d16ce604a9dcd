"""The central tables live in their own chain: a kiosk's store never gets them (and an
existing kiosk database loses the empty ones it had), a central store does, and a
central database made before the split keeps every row."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import inspect, text

from kiosk.central.models import CentralBase
from kiosk.central.store import central_revision, open_central
from kiosk.storage import Store

CONSOLE_TABLES = set(CentralBase.metadata.tables)


def test_a_kiosk_store_has_no_central_tables(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'kiosk.db'}")
    try:
        tables = set(inspect(store.engine).get_table_names())
        assert not CONSOLE_TABLES & tables
        assert {"event", "attendee", "proposal", "journal"} <= tables
    finally:
        store.close()


def _at_0006(url: str) -> Store:
    """A database as today's code (kiosk schema 0006, central tables in it) made it."""
    from kiosk.storage.migrate import upgrade

    store = Store(url, migrate=False)
    upgrade(store.engine, "0006")
    return store


def test_an_existing_kiosk_database_loses_its_empty_central_tables(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    old = _at_0006(url)
    assert "central_device" in inspect(old.engine).get_table_names()
    old.close()
    store = Store(url, backups_dir=tmp_path / "backups")
    try:
        assert not CONSOLE_TABLES & set(inspect(store.engine).get_table_names())
    finally:
        store.close()


def test_a_central_database_of_before_the_split_keeps_its_rows(tmp_path: Path) -> None:
    """Rows in event_secret, central_device, imported_entry and api_token stay; the
    empty enrolment_request is dropped by the kiosk chain and made again by the
    central one."""
    url = f"sqlite:///{tmp_path / 'central.db'}"
    old = _at_0006(url)
    with old.engine.begin() as conn:
        now = "2026-11-23T08:00:00.000000+00:00"
        conn.execute(
            text(
                "INSERT INTO event (id, code, name, region, venue, languages, created_at) "
                "VALUES ('e1', 'OLD', 'Old', '', '', 'ar,fr', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text("INSERT INTO event_secret VALUES ('e1', 'aa', :now, 'pass')"), {"now": now}
        )
        conn.execute(
            text(
                "INSERT INTO central_device (device_id, event_id, public_key, name, first_seen,"
                " clock_flags, status) VALUES ('d1', 'e1', 'bb', 'door', :now, 0, 'approved')"
            ),
            {"now": now},
        )
        conn.execute(text("INSERT INTO imported_entry VALUES ('d1', 1, 'k', 'r', '{}', 'h')"))
        conn.execute(
            text("INSERT INTO api_token VALUES ('t1', 'ci', 'hh', :now, NULL)"), {"now": now}
        )
    old.close()
    store = open_central(url, backups_dir=tmp_path / "backups")
    try:
        assert set(inspect(store.engine).get_table_names()) >= CONSOLE_TABLES
        with store.engine.connect() as conn:
            for table in ("event_secret", "central_device", "imported_entry", "api_token"):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
            assert conn.execute(text("SELECT count(*) FROM enrolment_request")).scalar() == 0
        from kiosk.central.devices import list_devices

        assert [d.name for d in list_devices(store, "OLD")] == ["door"]
    finally:
        store.close()


def test_a_central_store_gets_them_and_keeps_old_rows(organiser, tmp_path: Path) -> None:
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
        assert central_revision(store.engine) == "c0002"  # the chain's head
        assert len(roster_tokens(store, "SM-2026")) == before == 300
        add_user(store, "alice", "a long password", role="viewer")
        assert authenticate(store, "alice", "a long password").roles == {"*": "viewer"}
    finally:
        store.close()


def test_user_commands(organiser, capsys) -> None:
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


def test_the_console_operations_are_on_the_command_line(organiser, capsys) -> None:
    """Events, themes, proposals and the audit log: every page's operation has a command."""
    import json

    organiser(
        "event", "update", "SM-2026", "--name", "Renamed", "--region", "Souss-Massa",
        "--venue", "Agadir", "--starts", "2026-11-23T08:00", "--ends", "2026-11-23T19:00",
    )  # fmt: skip
    out = json.loads(
        organiser("event", "theme", "SM-2026", "water", "--fr", "L'eau", "--en", "Water", "--json")
    )
    assert out["themes"] == 7
    listed = json.loads(organiser("proposals", "list", "SM-2026", "--json"))
    assert listed["total"] == 0
    actions = [r["action"] for r in json.loads(organiser("audit", "--json"))]
    assert actions.count("event_edit") == 2
