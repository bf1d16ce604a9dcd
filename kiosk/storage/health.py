"""Start-up checks of the database file: never write over a damaged one, never
start silently on an empty one while the day's data is somewhere else."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.storage import atrest
from kiosk.storage.files import write_atomically
from kiosk.storage.migrate import backup_sqlite

log = logging.getLogger(__name__)

MARKER_SUFFIX = ".expected"
KEEP_BACKUPS = 10


class DatabaseDamaged(KioskError, code="database_damaged"): ...


class DatabaseMissing(KioskError, code="database_missing"): ...


class BackupUnusable(KioskError, code="backup_unusable"): ...


class DatabaseUnreadable(KioskError):
    """The database could not be read for a reason outside it (a full or read-only
    disk, a lock held by another program): it is not damaged, and stays where it is."""

    code = "database_unreadable"


def marker_path(db_path: Path) -> Path:
    """A file saying "this kiosk has a database": its absence is not a fresh start."""
    return db_path.with_name(db_path.name + MARKER_SUFFIX)


def quick_check(db_path: Path) -> str:
    """``"ok"`` or what SQLite says is wrong (read-only: nothing is written)."""
    try:
        return _quick_check(db_path)
    except atrest.DatabaseError as exc:
        return str(exc)


def _quick_check(db_path: Path) -> str:
    """Like :func:`quick_check`, but a failure to read the file at all (SQLite's
    OperationalError: disk I/O error, a full or read-only disk, a lock) is raised:
    it says nothing about the file's contents."""
    try:
        con = atrest.connect(db_path, readonly=True)
    except atrest.OperationalError:
        raise
    except atrest.DatabaseError as exc:  # not a database (or another key): its contents
        return str(exc)
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
    except atrest.OperationalError:
        raise
    except atrest.DatabaseError as exc:  # malformed: its contents
        return str(exc)
    finally:
        con.close()
    problems = [str(row[0]) for row in rows]
    return "ok" if problems == ["ok"] else "; ".join(problems[:3])


def backups(backups_dir: Path) -> list[Path]:
    """Backups, newest first."""
    if not backups_dir.exists():
        return []
    return sorted(backups_dir.glob("*.db"), key=lambda p: p.stat().st_mtime, reverse=True)


def move_aside(db_path: Path, damaged_dir: Path) -> Path:
    """Move the database and its WAL/SHM files into ``damaged_dir``; returns the new path."""
    return _aside(db_path, damaged_dir, shutil.move)


def _aside(db_path: Path, damaged_dir: Path, how: Callable[[Path, Path], object]) -> Path:
    """The database and its WAL/SHM files moved or copied (``how``) into ``damaged_dir``."""
    damaged_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = damaged_dir / f"{db_path.stem}-{stamp}{db_path.suffix}"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            how(src, Path(str(target) + suffix))
    return target


def guard_database(db_path: Path, backups_dir: Path, damaged_dir: Path) -> None:
    """Refuse to start on a damaged or unexpectedly missing database.

    A damaged file is moved aside (never written over) and the error names it
    and the latest backup, which ``kiosk db restore --latest`` brings back. A
    restore that was cut short is finished first.
    """
    finish_interrupted_restore(db_path)
    latest = next(iter(backups(backups_dir)), None)
    latest_text = str(latest) if latest else "-"
    if db_path.exists():
        try:
            problem = _quick_check(db_path)
        except atrest.OperationalError as exc:
            # Moving the file aside would make a full disk look like a lost database.
            log.error("database unreadable (%s); left in place", exc)
            raise DatabaseUnreadable(
                N_(
                    "The kiosk cannot read its database {path} ({detail}). Nothing was "
                    "moved or changed. Is the disk full or read-only?"
                ),
                path=str(db_path),
                detail=str(exc)[:100],
            ) from exc
        if problem == "ok":
            marker_path(db_path).touch()
            return
        moved = move_aside(db_path, damaged_dir)
        marker_path(db_path).touch()  # the next start must not begin on an empty one
        log.error("database damaged (%s); moved to %s", problem, moved)
        raise DatabaseDamaged(
            N_(
                "The kiosk's database is damaged ({problem}). It was moved aside to {moved}; "
                "nothing was written over it. Latest backup: {backup}. "
                "Restore it with: kiosk db restore --latest"
            ),
            problem=problem,
            moved=str(moved),
            backup=latest_text,
        )
    if marker_path(db_path).exists():
        raise DatabaseMissing(
            N_(
                "The kiosk's database {path} is missing, although this kiosk had one. "
                "Latest backup: {backup}. Restore it with: kiosk db restore --latest"
            ),
            path=str(db_path),
            backup=latest_text,
        )


def take_backup(db_path: Path, backups_dir: Path, label: str = "start") -> Path | None:
    """A consistent copy of the database, keeping the newest ``KEEP_BACKUPS``."""
    if not db_path.exists():
        return None
    for stale in backups_dir.glob(".*.tmp") if backups_dir.exists() else []:
        stale.unlink(missing_ok=True)  # a backup cut short earlier
    copy = backup_sqlite(db_path, backups_dir, label)
    for old in backups(backups_dir)[KEEP_BACKUPS:]:
        old.unlink(missing_ok=True)
    return copy


def exported_mark_path(db_path: Path) -> Path:
    """Beside the database, not in it: what was exported survives a restore."""
    return db_path.with_name(db_path.stem + "-exported.json")


def record_exported(db_path: Path, device_id: str, seq: int) -> None:
    """Remember that this device's journal up to ``seq`` has left the kiosk."""
    known = exported_mark(db_path)
    if known is not None and known[0] == device_id and known[1] >= seq:
        return
    data = json.dumps({"device_id": device_id, "seq": seq}).encode("ascii")
    write_atomically(exported_mark_path(db_path), data)


def exported_mark(db_path: Path) -> tuple[str, int] | None:
    try:
        mark = json.loads(exported_mark_path(db_path).read_text(encoding="ascii"))
        return str(mark["device_id"]), int(mark["seq"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    problem: str  # "" when the backup can be restored
    device_id: str = ""
    journal_seq: int = 0


def inspect_backup(backup: Path, db_path: Path) -> BackupInfo:
    """Whether ``backup`` can be restored: it opens, passes its integrity check, holds
    the event, and its journal does not end before what was already exported."""
    problem = quick_check(backup)
    if problem != "ok":
        return BackupInfo(backup, problem or "unreadable")
    try:
        con = atrest.connect(backup, readonly=True)
        try:
            settings = dict(
                con.execute(
                    "SELECT key, value FROM local_setting WHERE key IN ('event_id', 'device_id')"
                ).fetchall()
            )
            row = con.execute(
                "SELECT journal_seq FROM device WHERE id = ?", (settings.get("device_id"),)
            ).fetchone()
            event = con.execute(
                "SELECT 1 FROM event WHERE id = ?", (settings.get("event_id"),)
            ).fetchone()
        finally:
            con.close()
    except atrest.Error as exc:
        return BackupInfo(backup, str(exc)[:100])
    if row is None or event is None:
        return BackupInfo(backup, "it holds no event")
    device_id, seq = str(settings["device_id"]), int(row[0])
    mark = exported_mark(db_path)
    if mark is not None and mark[0] == device_id and seq < mark[1]:
        return BackupInfo(
            backup,
            f"it ends at journal entry {seq}, but entries up to {mark[1]} were exported",
            device_id,
            seq,
        )
    return BackupInfo(backup, "", device_id, seq)


def restore(db_path: Path, backup: Path, damaged_dir: Path) -> Path | None:
    """Put ``backup`` in place; a current database is moved aside first, never lost.

    Refused (nothing touched) unless :func:`inspect_backup` finds it restorable:
    a kiosk that rewound below what it exported would have every later bundle
    refused at central."""
    info = inspect_backup(backup, db_path)
    if info.problem:
        raise BackupUnusable(
            N_("The backup {path} cannot be restored: {problem}. Nothing was changed."),
            path=str(backup),
            problem=info.problem,
        )
    pending = _pending_path(db_path)
    write_atomically(pending, json.dumps({"backup": str(backup)}).encode("utf-8"))
    # The current database is copied aside, never lost, before anything is replaced.
    moved = copy_aside(db_path, damaged_dir) if db_path.exists() else None
    _finish_restore(db_path, backup)
    return moved


def _pending_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".restore-pending")


def _finish_restore(db_path: Path, backup: Path) -> None:
    """Copy ``backup`` into place (redone at start-up if a restore was cut short).

    At every instant the database file is either the old one, whole with its WAL,
    or the backup's copy: the backup goes to a temporary file first, then the old
    WAL and shared-memory files are removed and the copy renamed over the file.
    """
    tmp = db_path.with_name(db_path.name + ".restoring")
    key = atrest.key_for(db_path)
    src = atrest.connect(backup, readonly=True, key=key)
    try:
        dst = atrest.connect(tmp, key=key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    atrest.replace_database(tmp, db_path)
    marker_path(db_path).touch()
    _pending_path(db_path).unlink(missing_ok=True)


def finish_interrupted_restore(db_path: Path) -> bool:
    """A restore cut short (power, a kill) is finished before the database opens."""
    pending = _pending_path(db_path)
    if not pending.exists():
        return False
    try:
        backup = Path(json.loads(pending.read_text(encoding="utf-8"))["backup"])
    except (OSError, ValueError, KeyError, TypeError):
        pending.unlink(missing_ok=True)
        return False
    if not backup.exists():
        pending.unlink(missing_ok=True)  # nothing to finish with: the database was not touched
        return False
    log.warning("finishing a restore of %s that was cut short", backup.name)
    _finish_restore(db_path, backup)
    return True


def copy_aside(db_path: Path, damaged_dir: Path) -> Path:
    """Copy the database and its WAL/SHM files into ``damaged_dir`` (the files stay)."""
    return _aside(db_path, damaged_dir, shutil.copy2)
