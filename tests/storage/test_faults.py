"""Faults at a venue: a full disk, a damaged or missing database file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.domain.errors import StorageFull
from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.status import kiosk_status, verify_journal
from kiosk.storage.engine import MAX_PAGES_ENV
from tests.conftest import REPO_ROOT, cli_env

# Each test starts the kiosk as a program, several times.
pytestmark = pytest.mark.slow


def page_count(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return int(con.execute("PRAGMA page_count").fetchone()[0])


def test_full_disk_fails_cleanly_and_recovers(demo_store, settings, monkeypatch) -> None:
    first = submit_proposal(demo_store, ProposalDraft("skills", "fr", "avant", "corps"))
    monkeypatch.setenv(MAX_PAGES_ENV, str(page_count(settings.db_path) + 2))
    demo_store.engine.dispose()  # new connections get the cap
    stored = 1
    with pytest.raises(StorageFull) as info:
        for i in range(10_000):
            submit_proposal(demo_store, ProposalDraft("skills", "fr", f"t{i}", "x" * 3000))
            stored += 1
    assert "storage is full" in info.value.message("en")
    assert kiosk_status(demo_store).proposals == stored
    assert verify_journal(demo_store).ok
    with sqlite3.connect(settings.db_path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT title FROM proposal WHERE id=?", (first.id,)).fetchone() == (
            "avant",
        )
    # Space returns: the same store works again without a restart.
    monkeypatch.delenv(MAX_PAGES_ENV)
    demo_store.engine.dispose()
    submit_proposal(demo_store, ProposalDraft("skills", "fr", "apres", "corps"))
    assert kiosk_status(demo_store).proposals == stored + 1
    assert verify_journal(demo_store).ok


def run(data_dir: Path, *args: str, env_extra: dict[str, str] | None = None):
    import subprocess
    import sys

    env = {**cli_env(), **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_full_disk_on_the_command_line(data_dir: Path, tmp_path: Path) -> None:
    assert run(data_dir, "init", "--demo").returncode == 0
    src = tmp_path / "p.jsonl"
    src.write_text(
        "".join(
            json.dumps({"theme": "skills", "language": "fr", "title": f"t{i}", "body": "x" * 3000})
            + "\n"
            for i in range(200)
        )
    )
    cap = {MAX_PAGES_ENV: str(page_count(data_dir / "kiosk.db") + 20)}
    out = run(data_dir, "propose", "--from", str(src), "--json", env_extra=cap)
    assert out.returncode == 3, out.stderr
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    stored = [x for x in lines if "id" in x]
    assert 0 < len(stored) < 200
    assert lines[-1]["error"] == "storage_full" and lines[-1]["line"] == len(stored) + 1
    assert "Traceback" not in out.stderr
    verify = run(data_dir, "journal", "verify", "--json")
    assert json.loads(verify.stdout)["ok"]
    # Space is back: the rest goes in.
    again = run(
        data_dir,
        "propose",
        "--theme",
        "skills",
        "--language",
        "fr",
        "--title",
        "ok",
        "--body",
        "ok",
    )
    assert again.returncode == 0, again.stderr
    status = json.loads(run(data_dir, "status", "--json").stdout)
    assert status["proposals"] == len(stored) + 1


@pytest.mark.parametrize("where", ["header", "page"])
def test_damaged_database_is_moved_aside_and_backup_offered(data_dir: Path, where: str) -> None:
    assert run(data_dir, "init", "--demo").returncode == 0
    for i in range(3):
        run(
            data_dir,
            "propose",
            "--theme",
            "skills",
            "--language",
            "fr",
            "--title",
            f"t{i}",
            "--body",
            "b" * 2000,
        )
    backup = run(data_dir, "db", "backup", "--json")
    assert backup.returncode == 0, backup.stderr
    run(
        data_dir,
        "propose",
        "--theme",
        "skills",
        "--language",
        "fr",
        "--title",
        "late",
        "--body",
        "b",
    )
    db = data_dir / "kiosk.db"
    original = db.read_bytes()
    damaged = bytearray(original)
    if where == "header":
        damaged[0:16] = b"NOT A DATABASE!!"
    else:
        for page in range(1, len(original) // 4096):
            damaged[page * 4096 : page * 4096 + 64] = b"\xff" * 64
    db.write_bytes(bytes(damaged))

    out = run(data_dir, "status", "--json")
    assert out.returncode == 2
    error = json.loads(out.stdout)
    assert error["error"] == "database_damaged"
    assert "kiosk db restore --latest" in error["message"]
    assert not db.exists()  # moved aside, not written over
    aside = list((data_dir / "damaged").glob("kiosk-*.db"))
    assert len(aside) == 1 and aside[0].read_bytes() == bytes(damaged)

    # Starting again never creates a fresh empty database in its place.
    again = run(data_dir, "status", "--json")
    assert again.returncode == 2 and json.loads(again.stdout)["error"] == "database_missing"
    assert not db.exists()

    restored = run(data_dir, "db", "restore", "--latest")
    assert restored.returncode == 0, restored.stderr
    status = json.loads(run(data_dir, "status", "--json").stdout)
    assert status["proposals"] == 3  # the backup's data
    assert json.loads(run(data_dir, "journal", "verify", "--json").stdout)["ok"]


def test_a_database_lost_after_its_first_start_is_never_replaced_by_an_empty_one(
    data_dir: Path,
) -> None:
    assert run(data_dir, "init", "--demo").returncode == 0  # the very first start
    db = data_dir / "kiosk.db"
    db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    out = run(data_dir, "status", "--json")
    assert out.returncode == 2 and json.loads(out.stdout)["error"] == "database_missing"
    assert not db.exists()


def test_a_damaged_first_database_stays_missing_on_the_next_start(data_dir: Path) -> None:
    assert run(data_dir, "init", "--demo").returncode == 0
    db = data_dir / "kiosk.db"
    (data_dir / "kiosk.db.expected").unlink(missing_ok=True)  # as before a second start
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    raw = bytearray(db.read_bytes())
    raw[0:16] = b"NOT A DATABASE!!"
    db.write_bytes(bytes(raw))
    assert json.loads(run(data_dir, "status", "--json").stdout)["error"] == "database_damaged"
    again = run(data_dir, "status", "--json")
    assert json.loads(again.stdout)["error"] == "database_missing"
