"""``kiosk-central roster reissue``: a new badge for a lost one (the old one revoked)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.central.cli_common import command, emit, open_store
from kiosk.i18n import _


def register_roster(roster: Any) -> None:
    """Add ``reissue`` to the ``roster`` sub-commands."""
    r = command(roster, "reissue", "a new badge for a lost one; the old one is refused with "
                "the next pack", cmd_reissue, event=True)  # fmt: skip
    r.add_argument("ref", metavar="TOKEN|ATTENDEE|EXTERNAL_ID")


def cmd_reissue(args: argparse.Namespace) -> int:
    from kiosk.central.badge_reissue import reissue_badge

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
