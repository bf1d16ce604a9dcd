"""``kiosk-central import``, ``serve`` and ``stats`` (``export``: export_commands)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kiosk.central.cli_common import command, open_store
from kiosk.i18n import _


def register(sub: Any) -> None:

    p = command(sub, "import", "verify and merge kiosk bundles", cmd_import)
    p.add_argument("files", nargs="+", metavar="FILE")

    p = command(
        sub,
        "serve",
        "the organiser console (/console/) and the kiosks' sync API (/docs)",
        cmd_serve,
        json=False,
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument(
        "--https-only-cookies",
        action="store_true",
        help="session cookies only over HTTPS (behind a TLS reverse proxy)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="set up the demo event, its roster and a first admin, and print the log-in",
    )
    p.add_argument("--demo-roster", metavar="FILE.csv", help="the demo's roster CSV")
    _serve_limits(p)

    command(sub, "stats", "figures of an event", cmd_stats, event=True)


def cmd_import(args: argparse.Namespace) -> int:
    from kiosk.central.keys import load_sealing_keys, load_signing_key
    from kiosk.central.merge import import_files

    folder, store = open_store(args)
    results = import_files(
        store,
        [Path(f) for f in args.files],
        load_sealing_keys(folder),
        folder / "quarantine",
        bytes(load_signing_key(folder).verify_key),
    )
    if args.json:
        print(json.dumps([r.__dict__ for r in results], ensure_ascii=False))
    else:
        from kiosk.central.import_reasons import reason_text
        from kiosk.central.models import LABELS
        from kiosk.i18n import current_language

        lang = current_language()
        for r in results:
            line = f"{_(LABELS.get(r.outcome, r.outcome))}: {r.file}"
            if r.reason:
                line += f" ({reason_text(r.code, r.reason, lang, r.seq)} [{r.code}])"
            if r.gaps:
                line += " " + _("gaps: {gaps}").format(
                    gaps=", ".join(f"{a}-{b}" for a, b in r.gaps)
                )
            print(line)
    return 1 if any(r.outcome == "rejected" for r in results) else 0


def cmd_stats(args: argparse.Namespace) -> int:
    from kiosk.central.stats import event_stats

    _folder, store = open_store(args)
    stats = event_stats(store, args.event)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False))
        return 0
    for key in (
        "attendees",
        "walk_ins",
        "unique_checkins",
        "duplicate_scans",
        "rejected_scans",
        "proposals",
    ):
        print(f"{key}: {stats[key]}")
    for lang, n in sorted(stats["proposals_by_language"].items()):
        print(f"  {lang}: {n}")
    for theme, n in sorted(stats["proposals_by_theme"].items()):
        print(f"  {theme}: {n}")
    for device in stats["devices"]:
        print(
            f"device {device['name'] or device['device_id']}: last seq {device['last_seq']}, "
            f"gaps {device['gaps'] or '-'}, clock warnings {device['clock_warnings']}"
        )
    return 0


def _positive(kind: type[float] | type[int]) -> Any:
    def parse(text: str) -> float | int:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be above 0: {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its error
    return parse


def _serve_limits(p: argparse.ArgumentParser) -> None:
    from kiosk.central import server, serving

    mib = 1024 * 1024
    g = p.add_argument_group("limits (docs/deploy.md)")
    limits: tuple[tuple[str, type[float] | type[int], float | int, str, str], ...] = (
        ("--header-timeout", float, serving.HEADER_TIMEOUT_S, "S",
         "seconds for a request's headers"),
        ("--body-timeout", float, server.BODY_TIMEOUT_S, "S",
         "seconds between two pieces of an upload"),
        ("--keep-alive", float, serving.KEEP_ALIVE_S, "S",
         "seconds an idle connection stays open"),
        ("--max-connections", int, serving.MAX_CONNECTIONS, "N", "open connections"),
        ("--max-header-bytes", int, serving.MAX_HEADER_BYTES, "N",
         "size of a request's headers"),
        ("--max-upload-mb", int, server.MAX_UPLOAD_BYTES // mib, "MB", "size of one upload"),
        ("--quarantine-mb", int, server.QUARANTINE_TOTAL_BYTES // mib, "MB",
         "refused uploads kept, in all"),
        ("--quarantine-device-mb", int, server.QUARANTINE_DEVICE_BYTES // mib, "MB",
         "refused uploads kept, per device"),
        ("--import-workers", int, server.IMPORT_WORKERS, "N",
         "processes that merge uploads, beside the pages'"),
    )  # fmt: skip
    for flag, kind, default, metavar, help in limits:
        g.add_argument(
            flag,
            type=_positive(kind),
            default=default,
            metavar=metavar,
            help=f"{help} (default %(default)s)",
        )
    g.add_argument("--log-level", default="warning",
                   choices=("debug", "info", "warning", "error"))  # fmt: skip


def cmd_serve(args: argparse.Namespace) -> int:
    from kiosk.central import server
    from kiosk.central.merge import QuarantineQuota
    from kiosk.central.serving import ServeLimits, serve

    mib = 1024 * 1024
    folder, store = open_store(args)
    if args.demo:  # before the app, which loads the keys the demo makes
        from kiosk.central.demo import console_demo

        roster = Path(args.demo_roster) if args.demo_roster else None
        username, password = console_demo(folder, store, roster)
    app = server.create_app(
        store,
        folder,
        args.max_upload_mb * mib,
        body_timeout=args.body_timeout,
        quota=QuarantineQuota(
            total_bytes=args.quarantine_mb * mib,
            total_files=server.QUARANTINE_FILES,
            device_bytes=args.quarantine_device_mb * mib,
            device_files=server.QUARANTINE_DEVICE_FILES,
        ),
        import_workers=args.import_workers,
    )
    from kiosk.central.web import mount_console

    mount_console(app, store, folder, https_only=args.https_only_cookies)
    if args.demo:
        print(
            _("First admin: {username} / {password}").format(
                username=username,
                password=password or _("(set before; 'kiosk-central user passwd admin')"),
            ),
            flush=True,
        )
    print(
        _("Organiser console: http://{host}:{port}/console/").format(
            host=args.host, port=args.port
        ),
        flush=True,
    )
    limits = ServeLimits(
        header_timeout=args.header_timeout,
        keep_alive=args.keep_alive,
        max_connections=args.max_connections,
        max_header_bytes=args.max_header_bytes,
    )
    try:
        serve(app, args.host, args.port, limits, args.log_level)
    finally:
        app.state.importer.close()
    return 0
