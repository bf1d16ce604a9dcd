"""``kiosk run`` (and ``kiosk`` with no sub-command): the kiosk screen.

Kept apart from the other commands: starting the screen imports nothing but the
composition root, which paints the welcome screen before the storage layer loads.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.commands.common import command
from kiosk.i18n import _


def register(sub: Any) -> None:
    p = command(
        sub, "run", help="start the attendee kiosk (the default)", handler=run_ui, json=False
    )
    p.add_argument("--demo", action="store_true", help="set up the demo event first if needed")
    p.add_argument("--windowed", action="store_true", help="not full screen (development)")
    p.add_argument(
        "--role",
        choices=("both", "checkin", "proposals"),
        help="set this kiosk's role first (checkin: open on the check-in screen)",
    )


def run_ui(args: argparse.Namespace) -> int:
    try:
        from kiosk.app import run
    except ImportError as exc:  # PySide6 missing: say so plainly
        print(_("The kiosk screen needs PySide6: {detail}").format(detail=exc), file=sys.stderr)
        return 2
    return run(args)
