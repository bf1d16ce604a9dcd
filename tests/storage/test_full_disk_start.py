"""Issue 15: ``kiosk run`` on a full disk shows the problem page, moves nothing aside
and leaves no empty backup (before: the database was taken for damaged and moved
aside, or the start-up backup ended the program)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, cli_env, kiosk_db, run_cli


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system (tests/storage/conftest.py's full_disk is too small for a
    kiosk's database, its WAL and a backup once space is back)."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)])
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("cannot mount a small tmpfs for the full-disk tests")
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    """Write until the file system says it is full."""
    with open(folder / "filler-2", "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass


def run_kiosk(data: Path, shot: Path) -> subprocess.CompletedProcess[str]:
    env = {**cli_env(), "QT_QPA_PLATFORM": "offscreen", "KIOSK_SCREENSHOT": str(shot)}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data), "run", "--windowed"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )


@pytest.mark.slow
def test_kiosk_run_on_a_full_disk_shows_the_problem_page(small_disk: Path, tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    full_disk = small_disk
    data = full_disk / "kiosk"
    assert run_cli("--data-dir", str(data), "init", "--demo").returncode == 0
    database = (data / "kiosk.db").read_bytes()
    fill(full_disk)
    shot = tmp_path / "problem.png"

    done = run_kiosk(data, shot)

    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "full" in done.stderr  # also said on the terminal, for a kiosk started by hand
    assert shot.is_file() and shot.stat().st_size > 0  # the problem page was painted
    # The database is where it was, whole; nothing was moved aside or half-written.
    assert (data / "kiosk.db").read_bytes() == database
    assert not (data / "damaged").exists() or not any((data / "damaged").iterdir())
    backups = data / "backups"
    left = list(backups.iterdir()) if backups.exists() else []
    assert all(p.stat().st_size > 0 for p in left), left
    assert not [p for p in left if p.name.endswith(".tmp")], left

    # Space is back: the kiosk starts, and takes its start-up backup.
    os.unlink(full_disk / "filler-2")
    again = run_kiosk(data, tmp_path / "welcome.png")
    assert again.returncode == 0, again.stderr
    assert [p for p in backups.iterdir() if p.suffix == ".db" and p.stat().st_size > 0]


@pytest.mark.slow  # waits out a lock held by another program
def test_a_database_that_cannot_be_read_is_left_in_place(settings) -> None:
    """A lock held by another program (or a disk I/O error) says nothing about the
    file: it is not "damaged" and is not moved aside (before: it was)."""

    from kiosk.storage.health import DatabaseUnreadable, guard_database

    db = settings.db_path
    holder = kiosk_db(db)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("CREATE TABLE t (x)")
    holder.execute("INSERT INTO t VALUES (1)")
    holder.commit()  # keeps the exclusive lock (rollback journal: readers are locked out)
    try:
        with pytest.raises(DatabaseUnreadable) as info:
            guard_database(db, settings.backups_dir, settings.damaged_dir)
    finally:
        holder.close()
    assert "locked" in info.value.message("en")
    assert db.exists()
    assert not settings.damaged_dir.exists()
