"""``kiosk export``: this kiosk's journal as a signed, sealed bundle in a folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.commands.common import add_common, emit, open_store
from kiosk.i18n import _
from kiosk.services.sync import export_bundle
from kiosk.services.upload import sync


def register(sub: Any) -> None:

    p = sub.add_parser("export", help="write a bundle of what was not exported yet")
    add_common(p)
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--all", action="store_true", help="every entry, not only the new ones")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("sync", help="upload to the central platform what it lacks")
    add_common(p)
    p.add_argument("--url", required=True)
    p.add_argument("--chunk", type=int, default=5000, help="entries per bundle")
    p.add_argument(
        "--attempts", type=int, default=5, help="tries per call before giving up (backoff doubles)"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sync)


def cmd_export(args: argparse.Namespace) -> int:

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


def cmd_sync(args: argparse.Namespace) -> int:

    settings, store = open_store(args)
    attempts = max(1, args.attempts)
    report = sync(store, settings.keys_dir, args.url, chunk=args.chunk, attempts=attempts)
    if report.rejected:
        emit(
            args,
            {"ok": False, "uploaded": report.uploaded, "rejected": report.rejected},
            _(
                "The central platform refused a bundle: {reason}. Everything stays on this kiosk."
            ).format(reason=report.rejected.get("reason")),
        )
        return 1
    emit(
        args,
        {"ok": True, "uploaded": report.uploaded, "high_water": report.high_water},
        _(
            "In sync: {n} bundle(s) uploaded; the central platform has every entry up to {seq}."
        ).format(n=len(report.uploaded), seq=report.high_water),
    )
    return 0
