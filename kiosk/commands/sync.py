"""``kiosk export``: this kiosk's journal as a signed, sealed bundle in a folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.i18n import _


def register(sub: Any) -> None:
    from kiosk.cli import add_common

    p = sub.add_parser("export", help="write a bundle of what was not exported yet")
    add_common(p)
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--all", action="store_true", help="every entry, not only the new ones")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.cli import emit, open_store
    from kiosk.services.sync import export_bundle

    settings, store = open_store(args)
    result = export_bundle(store, settings.keys_dir, Path(args.out), everything=args.all)
    if result is None:
        emit(args, {"exported": False}, _("Nothing new to export."))
        return 0
    emit(
        args,
        {
            "exported": True,
            "path": str(result.path),
            "from_seq": result.from_seq,
            "to_seq": result.to_seq,
            "count": result.count,
        },
        _("Bundle written: {path} (entries {first} to {last}).").format(
            path=result.path, first=result.from_seq, last=result.to_seq
        ),
    )
    return 0
