"""``kiosk db backup|restore``: the staff's way back from a damaged database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.i18n import _


def register(sub: Any) -> None:
    from kiosk.cli import add_common

    p = sub.add_parser("db", help="database backups")
    dsub = p.add_subparsers(dest="db_command", required=True)
    b = dsub.add_parser("backup", help="take a consistent copy of the database now")
    add_common(b)
    b.add_argument("--json", action="store_true")
    b.set_defaults(handler=cmd_backup)
    r = dsub.add_parser("restore", help="put a backup in place (the current file is kept)")
    add_common(r)
    group = r.add_mutually_exclusive_group(required=True)
    group.add_argument("--latest", action="store_true", help="the newest backup")
    group.add_argument("--file", help="a backup file")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_restore)
    ls = dsub.add_parser("backups", help="list backups, newest first")
    add_common(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)


def cmd_backup(args: argparse.Namespace) -> int:
    from kiosk.cli import emit, open_store
    from kiosk.storage.health import take_backup

    settings, store = open_store(args)
    store.close()
    copy = take_backup(settings.db_path, settings.backups_dir, "manual")
    emit(args, {"backup": str(copy)}, _("Backup written: {path}").format(path=copy))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk.cli import emit, unlock_data
    from kiosk.config import load_settings
    from kiosk.domain.errors import KioskError
    from kiosk.i18n import N_
    from kiosk.storage.health import BackupUnusable, backups, inspect_backup, restore

    settings = load_settings(args.data_dir)
    unlock_data(settings, args)  # backups are encrypted with the kiosk's key
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
    from kiosk.cli import emit
    from kiosk.config import load_settings
    from kiosk.storage.health import backups

    settings = load_settings(args.data_dir)
    found = [str(p) for p in backups(settings.backups_dir)]
    emit(args, {"backups": found}, "\n".join(found) or _("No backups."))
    return 0
