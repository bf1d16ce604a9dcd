"""``kiosk export``: this kiosk's journal as a signed, sealed bundle in a folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.commands.common import command, emit, open_store
from kiosk.services.messages import export_text, sync_text
from kiosk.services.sync import export_bundle
from kiosk.services.upload import sync


def register(sub: Any) -> None:

    p = command(
        sub, "export", help="write a bundle of what was not exported yet", handler=cmd_export
    )
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--all", action="store_true", help="every entry, not only the new ones")

    p = command(sub, "sync", help="upload to the central platform what it lacks", handler=cmd_sync)
    p.add_argument("--url", required=True)
    p.add_argument("--chunk", type=int, default=5000, help="entries per bundle")
    p.add_argument(
        "--attempts", type=int, default=5, help="tries per call before giving up (backoff doubles)"
    )


def cmd_export(args: argparse.Namespace) -> int:

    settings, store = open_store(args)
    result = export_bundle(store, settings.keys_dir, Path(args.out), everything=args.all)
    if result is None:
        emit(args, {"exported": False}, export_text(None))
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
        export_text(result),
    )
    return 0


def cmd_sync(args: argparse.Namespace) -> int:

    settings, store = open_store(args)
    attempts = max(1, args.attempts)
    report = sync(store, settings.keys_dir, args.url, chunk=args.chunk, attempts=attempts)
    if report.rejected:
        emit(
            args,
            {"ok": False, "uploaded": report.uploaded, "rejected": report.rejected},
            sync_text(report),
        )
        return 1
    emit(
        args,
        {"ok": True, "uploaded": report.uploaded, "high_water": report.high_water},
        sync_text(report),
    )
    return 0
