"""Issue 15: backups are atomic and verified, a restore picks only a backup that opens,
passes its integrity check and holds the event, and never rewinds the journal below
what was already exported (the next bundles would be refused at central)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import run_cli


def propose(data: Path, n: int) -> None:
    lines = "\n".join(
        json.dumps({"theme": "skills", "language": "fr", "title": f"T{i}", "body": "B"})
        for i in range(n)
    )
    src = data.parent / "p.jsonl"
    src.write_text(lines + "\n")
    assert run_cli("--data-dir", str(data), "propose", "--from", str(src)).returncode == 0


def head(data: Path) -> int:
    out = run_cli("--data-dir", str(data), "status", "--json")
    return int(json.loads(out.stdout)["journal_length"])


def test_a_restore_never_rewinds_below_what_was_exported(kiosk_dir: Path, tmp_path: Path) -> None:
    assert run_cli("--data-dir", str(kiosk_dir), "db", "backup").returncode == 0
    propose(kiosk_dir, 5)
    exported = run_cli("--data-dir", str(kiosk_dir), "export", "--out", str(tmp_path / "usb"))
    assert exported.returncode == 0, exported.stderr
    before = head(kiosk_dir)
    out = run_cli("--data-dir", str(kiosk_dir), "db", "restore", "--latest")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert str(before) in out.stderr  # says what was exported
    assert head(kiosk_dir) == before  # nothing changed
    # A backup taken after the export is fine to restore.
    assert run_cli("--data-dir", str(kiosk_dir), "db", "backup").returncode == 0
    again = run_cli("--data-dir", str(kiosk_dir), "db", "restore", "--latest")
    assert again.returncode == 0, again.stderr
    assert head(kiosk_dir) == before


def test_restore_latest_skips_an_empty_or_damaged_backup(kiosk_dir: Path) -> None:
    assert run_cli("--data-dir", str(kiosk_dir), "db", "backup").returncode == 0
    propose(kiosk_dir, 2)
    good = head(kiosk_dir)
    assert run_cli("--data-dir", str(kiosk_dir), "db", "backup").returncode == 0
    backups = kiosk_dir / "backups"
    (backups / "kiosk-manual-29990101T000000000000Z.db").write_bytes(b"")  # newest, empty
    (backups / "kiosk-manual-29990102T000000000000Z.db").write_bytes(b"SQLite junk" * 50)
    for path in backups.glob("kiosk-manual-2999*.db"):
        os.utime(path, (4_000_000_000, 4_000_000_000))
    out = run_cli("--data-dir", str(kiosk_dir), "db", "restore", "--latest", "--json")
    assert out.returncode == 0, out.stderr
    assert "2999" not in json.loads(out.stdout)["restored"]
    assert head(kiosk_dir) == good


def test_a_backup_on_a_full_disk_fails_plainly_and_leaves_nothing(
    kiosk_dir: Path, full_disk: Path
) -> None:
    backups = kiosk_dir / "backups"
    assert run_cli("--data-dir", str(kiosk_dir), "db", "backup").returncode == 0
    kept = sorted(p.name for p in backups.iterdir())
    target = full_disk / "backups"
    target.mkdir()
    for path in backups.iterdir():
        path.rename(kiosk_dir / path.name)  # park the good ones out of the way
    backups.rmdir()
    backups.symlink_to(target)
    out = run_cli("--data-dir", str(kiosk_dir), "db", "backup")
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert list(target.iterdir()) == []  # no 0-byte backup, no temporary file
    assert kept


def test_an_export_to_a_full_stick_fails_plainly_and_leaves_nothing(
    kiosk_dir: Path, full_disk: Path
) -> None:
    propose(kiosk_dir, 300)
    out = run_cli("--data-dir", str(kiosk_dir), "export", "--out", str(full_disk))
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]
    # Nothing counts as exported: the next export, to a stick with room, has it all.
    done = run_cli("--data-dir", str(kiosk_dir), "export", "--out", str(kiosk_dir.parent / "usb"))
    assert done.returncode == 0, done.stderr
