"""The SQLite store: durability pragmas, gapless journal, one transaction per action."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.status import kiosk_status, verify_journal
from kiosk.storage import Store
from kiosk.storage.settings import EVENT_ID, Setting


def test_pragmas(store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 2000


def test_concurrent_writers_keep_the_journal_gapless(demo_store, settings) -> None:
    # Two stores on one file, as the UI and a command line would be.
    other = Store(settings.db_url)
    errors: list[BaseException] = []

    def work(s: Store, tag: str) -> None:
        try:
            for i in range(40):
                submit_proposal(s, ProposalDraft("skills", "fr", f"{tag}{i}", "corps"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(demo_store, "a")),
        threading.Thread(target=work, args=(other, "b")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert not errors
    status = kiosk_status(demo_store)
    assert status.proposals == 80
    result = verify_journal(demo_store)
    assert result.ok and result.count == status.journal_length == 82


def submit_from_threads(store, tags: str, per_thread: int) -> None:
    """Each character of ``tags`` is a thread submitting ``per_thread`` proposals."""
    errors: list[BaseException] = []

    def work(tag: str) -> None:
        try:
            for i in range(per_thread):
                submit_proposal(store, ProposalDraft("skills", "fr", f"{tag}{i}", "corps"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in tags]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_one_store_shared_by_threads_keeps_the_journal_gapless(demo_store) -> None:
    # Submits from several threads share the store's one lean writer connection.
    submit_from_threads(demo_store, "abcd", 25)
    status = kiosk_status(demo_store)
    assert status.proposals == 100
    result = verify_journal(demo_store)
    assert result.ok and result.count == status.journal_length == 102


def test_a_submit_reads_its_settings_with_the_journal_head(demo_store) -> None:
    """One SELECT per submit: the event, training mode and the head come together."""
    submit_proposal(demo_store, ProposalDraft("skills", "fr", "premier", "corps"))
    statements: list[str] = []
    writer = demo_store._writer.driver_connection  # the lean units of work's connection
    writer.set_trace_callback(statements.append)
    try:
        submit_proposal(demo_store, ProposalDraft("skills", "fr", "second", "corps"))
    finally:
        writer.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, statements
    assert "FROM device" in selects[0] and "local_setting" in selects[0]
    assert [s.split()[0].upper() for s in statements] == [
        "BEGIN", "SELECT", "INSERT", "INSERT", "UPDATE", "COMMIT"
    ]  # fmt: skip
    result = verify_journal(demo_store)
    assert result.ok and result.count == kiosk_status(demo_store).journal_length


def test_read_head_then_several_records_in_one_unit_of_work(demo_store) -> None:
    with demo_store.uow() as uow:
        unset = Setting("no_such_setting", "", str, str)
        local = uow.read_head(EVENT_ID, unset)
        assert local.raw == {EVENT_ID.key: demo_store.event_id}  # settings not set are left out
        assert local[EVENT_ID] == demo_store.event_id and local[unset] == ""
        first = uow.record("test.note", "r1", {"n": 1})
        second = uow.record("test.note", "r2", {"n": 2})
        uow.commit()
    assert second.seq == first.seq + 1
    result = verify_journal(demo_store)
    assert result.ok and result.count == second.seq
    with demo_store.uow(readonly=True) as uow, pytest.raises(RuntimeError):
        uow.read_head()


def test_the_unit_of_work_says_database_failures_itself(store) -> None:
    """No caller wraps its unit of work: a full disk is StorageFull, another driver
    error StorageError (rolled back), anything else goes through unchanged."""
    import sqlite3

    from sqlalchemy.exc import IntegrityError, OperationalError

    from kiosk.domain.errors import StorageError, StorageFull

    with pytest.raises(StorageFull), store.uow() as uow:
        uow.connection.exec_driver_sql("SELECT 1")
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    with pytest.raises(StorageError), store.uow() as uow:
        raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    with pytest.raises(KeyError), store.uow() as uow:
        raise KeyError("not a database failure")
