"""``kiosk-central roster reissue``: a new badge for a lost one (the old one revoked)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.i18n import _


def register_roster(rsub: Any) -> None:
    """Add ``reissue`` to the ``roster`` sub-commands."""
    from kiosk.central.cli import add_common

    r = rsub.add_parser(
        "reissue", help="a new badge for a lost one; the old one is refused with the next pack"
    )
    add_common(r)
    for name, metavar in (("event", "EVENT"), ("ref", "TOKEN|ATTENDEE|EXTERNAL_ID")):
        r.add_argument(name, metavar=metavar)
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_reissue)


def cmd_reissue(args: argparse.Namespace) -> int:
    from kiosk.central.badge_reissue import reissue_badge
    from kiosk.central.cli import emit, open_store

    folder, store = open_store(args)
    done = reissue_badge(store, args.event, args.ref, folder, by=None)
    store.close()
    emit(
        args,
        {
            "old": done.old_id,
            "attendee": done.new_id,
            "external_id": done.external_id,
            "token": done.token,
        },
        _(
            "New badge for {name}: {token}\n"
            "The old badge is refused by kiosks set up with the next pack; "
            "print the new one from the roster page."
        ).format(name=done.name, token=done.token),
    )
    return 0
