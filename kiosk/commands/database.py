"""``kiosk db backup|restore``: the staff's way back from a damaged database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.commands.common import command, emit, open_store
from kiosk.config import load_settings
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.storage.health import BackupUnusable, backups, inspect_backup, restore, take_backup


def register(sub: Any) -> None:

    p = sub.add_parser("db", help="database backups")
    dsub = p.add_subparsers(dest="db_command", required=True)
    command(dsub, "backup", help="take a consistent copy of the database now", handler=cmd_backup)
    r = command(
        dsub,
        "restore",
        help="put a backup in place (the current file is kept)",
        handler=cmd_restore,
    )
    group = r.add_mutually_exclusive_group(required=True)
    group.add_argument("--latest", action="store_true", help="the newest backup")
    group.add_argument("--file", help="a backup file")
    command(dsub, "backups", help="list backups, newest first", handler=cmd_list)


def cmd_backup(args: argparse.Namespace) -> int:

    settings, store = open_store(args)
    store.close()
    copy = take_backup(settings.db_path, settings.backups_dir, "manual")
    emit(args, {"backup": str(copy)}, _("Backup written: {path}").format(path=copy))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:

    settings = load_settings(args.data_dir)
    if args.latest:
        found = backups(settings.backups_dir)
        if not found:
            raise KioskError(
                N_("There is no backup in {folder}."),
                code="no_backup",
                folder=str(settings.backups_dir),
            )
        # The newest backup that can be restored: an empty, damaged or too old one is
        # passed over (each is kept, and said in the error if none is left).
        checked = [inspect_backup(path, settings.db_path) for path in found]
        usable = [info.path for info in checked if not info.problem]
        if not usable:
            raise BackupUnusable(
                N_("No backup can be restored: {problems}. Nothing was changed."),
                problems="; ".join(f"{i.path.name}: {i.problem}" for i in checked[:3]),
            )
        source = usable[0]
    else:
        source = Path(args.file)
    moved = restore(settings.db_path, source, settings.damaged_dir)
    emit(
        args,
        {"restored": str(source), "moved_aside": str(moved) if moved else None},
        _("Restored {path}.").format(path=source),
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:

    settings = load_settings(args.data_dir)
    found = [str(p) for p in backups(settings.backups_dir)]
    emit(args, {"backups": found}, "\n".join(found) or _("No backups."))
    return 0
