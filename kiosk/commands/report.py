"""``kiosk report``: the event report as a PDF in a chosen language."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.commands.common import command, emit, open_store
from kiosk.i18n import LANGUAGES, _
from kiosk.services.report import report_data


def register(sub: Any) -> None:

    p = command(sub, "report", help="the event report (PDF)", handler=cmd_report)
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--language", dest="report_language", choices=LANGUAGES, default="fr")
    p.add_argument(
        "--include-training", action="store_true", help="also count records made in training mode"
    )


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk.ui.report_pdf import write_report_pdf

    _settings, store = open_store(args)
    data = report_data(store, include_training=args.include_training)
    out = write_report_pdf(data, args.report_language, Path(args.out))
    emit(
        args,
        {"report": str(out), "language": args.report_language, "published": len(data.published)},
        _("Report written: {path}").format(path=out),
    )
    return 0
