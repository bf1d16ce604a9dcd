"""``kiosk-central reviewer set|list``: the console user who reviews each event theme
(the same service as the console's Reviewers page)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.central.cli_common import command, emit, open_store
from kiosk.i18n import _, ngettext


def register(sub: Any) -> None:
    p = sub.add_parser("reviewer", help="who reviews each theme's proposals (their assignee)")
    rsub = p.add_subparsers(dest="reviewer_command", required=True)
    s = command(rsub, "set", "name a theme's reviewer (no USER: nobody)", cmd_set, event=True)
    s.add_argument("theme", metavar="THEME")
    s.add_argument("username", metavar="USER", nargs="?", default="")
    command(rsub, "list", "each theme's reviewer", cmd_list, event=True)


def cmd_set(args: argparse.Namespace) -> int:
    from kiosk.central.theme_reviewers import set_theme_reviewer

    _folder, store = open_store(args)
    given = set_theme_reviewer(store, args.event, args.theme, args.username, by=None)
    text = (
        ngettext(
            "{user} reviews {theme}; {n} proposal assigned to them.",
            "{user} reviews {theme}; {n} proposals assigned to them.",
            given,
        ).format(user=args.username, theme=args.theme, n=given)
        if args.username
        else _("Nobody reviews {theme} now.").format(theme=args.theme)
    )
    emit(args, {"theme": args.theme, "username": args.username, "assigned": given}, text)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.central.theme_reviewers import theme_reviewers

    _folder, store = open_store(args)
    found = theme_reviewers(store, args.event)
    emit(args, found, "\n".join(f"{theme}\t{user}" for theme, user in sorted(found.items())))
    return 0
