"""The journal's hash chain: verified OK, and any edit or deletion is caught and named."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.setup import init_demo
from kiosk.services.status import verify_journal
from kiosk.storage import Store
from kiosk.storage.canonical import GENESIS_HASH
from tests.conftest import run_cli

ENTRIES = 14  # device.created + event.set_up + 12 proposals


@pytest.fixture(scope="module")
def journal_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("journal")
    db = folder / "kiosk.db"
    store = Store(f"sqlite:///{db}")
    init_demo(store)
    for i in range(12):
        submit_proposal(
            store,
            ProposalDraft(
                "skills",
                "ar",
                f"\u0639\u0646\u0648\u0627\u0646 {i}",
                f"\u0646\u0635 \u2d30\u2d63 {i}",
            ),
        )
    store.close()
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db


def copy_db(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / "kiosk.db"
    shutil.copy(src, dst)
    return dst


def verify(db: Path):
    store = Store(f"sqlite:///{db}")
    try:
        return verify_journal(store)
    finally:
        store.close()


def test_intact_journal_verifies(journal_db: Path, tmp_path: Path) -> None:
    result = verify(copy_db(journal_db, tmp_path))
    assert result.ok and result.count == ENTRIES
    with sqlite3.connect(journal_db) as con:
        rows = con.execute("SELECT seq, prev_hash, hash FROM journal ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == list(range(1, ENTRIES + 1))
    assert rows[0][1] == GENESIS_HASH
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))


def test_cli_reports_ok_with_count(journal_db: Path, tmp_path: Path) -> None:
    db = copy_db(journal_db, tmp_path / "d")
    out = run_cli("--data-dir", str(db.parent), "journal", "verify", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "ok": True,
        "count": ENTRIES,
        "broken_seq": None,
        "reason": "",
    }


@pytest.mark.parametrize("seq", range(1, ENTRIES + 1))
def test_changing_one_byte_of_any_payload_is_named(
    journal_db: Path, tmp_path: Path, seq: int
) -> None:
    with sqlite3.connect(journal_db) as con:
        (payload,) = con.execute("SELECT payload FROM journal WHERE seq=?", (seq,)).fetchone()
    raw = payload.encode("utf-8")
    # First, middle and last byte, each replaced by another byte (kept valid UTF-8
    # by choosing positions of ASCII bytes).
    ascii_positions = [i for i, b in enumerate(raw) if b < 0x80]
    for n, pos in enumerate(
        {ascii_positions[0], ascii_positions[len(ascii_positions) // 2], ascii_positions[-1]}
    ):
        db = copy_db(journal_db, tmp_path / f"{n}")
        changed = bytearray(raw)
        changed[pos] = ord("x") if raw[pos] != ord("x") else ord("y")
        with sqlite3.connect(db) as con:
            con.execute("UPDATE journal SET payload=? WHERE seq=?", (changed.decode("utf-8"), seq))
        result = verify(db)
        assert not result.ok
        assert result.broken_seq == seq, (pos, result)


@pytest.mark.parametrize("seq", range(1, ENTRIES + 1))
def test_deleting_any_entry_is_named(journal_db: Path, tmp_path: Path, seq: int) -> None:
    db = copy_db(journal_db, tmp_path)
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM journal WHERE seq=?", (seq,))
    result = verify(db)
    assert not result.ok
    assert result.broken_seq == seq
    out = (
        run_cli("--data-dir", str(db.parent), "journal", "verify") if seq in (1, ENTRIES) else None
    )
    if out is not None:
        assert out.returncode == 1
        assert f"entry {seq}" in out.stdout


def test_cli_names_the_changed_entry(journal_db: Path, tmp_path: Path) -> None:
    db = copy_db(journal_db, tmp_path)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE journal SET payload=replace(payload, 'skills', 'skillz') WHERE seq=5")
    out = run_cli("--data-dir", str(db.parent), "journal", "verify", "--json")
    assert out.returncode == 1
    data = json.loads(out.stdout)
    assert data["ok"] is False and data["broken_seq"] == 5
