"""``kiosk run`` (and ``kiosk`` with no sub-command): the kiosk screen.

Kept apart from the other commands: starting the screen imports nothing but the
composition root, which paints the welcome screen before the storage layer loads.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.commands.common import add_common
from kiosk.i18n import _


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="start the attendee kiosk (the default)")
    add_common(p)
    p.add_argument("--demo", action="store_true", help="set up the demo event first if needed")
    p.add_argument("--windowed", action="store_true", help="not full screen (development)")
    p.add_argument(
        "--role",
        choices=("both", "checkin", "proposals"),
        help="set this kiosk's role first (checkin: open on the check-in screen)",
    )
    p.set_defaults(handler=run_ui)


def run_ui(args: argparse.Namespace) -> int:
    try:
        from kiosk.app import run
    except ImportError as exc:  # PySide6 missing: say so plainly
        print(_("The kiosk screen needs PySide6: {detail}").format(detail=exc), file=sys.stderr)
        return 2
    return run(args)
