"""``kiosk-central user add|passwd|role|list|totp|disable|enable``: the console's accounts (the same
services as its pages)."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any

from kiosk.i18n import _

ENV_PASSWORD = "KIOSK_CENTRAL_PASSWORD"
GENERATE_HELP = "make a one-time password and print it once (to hand over)"


def register(sub: Any) -> None:
    from kiosk.central.cli import add_common

    p = sub.add_parser("user", help="organiser console accounts and their roles")
    usub = p.add_subparsers(dest="user_command", required=True)
    a = usub.add_parser("add", help="a new account (password asked, or $KIOSK_CENTRAL_PASSWORD)")
    add_common(a)
    a.add_argument("username")
    a.add_argument("--name", default="", help="display name")
    a.add_argument("--role", choices=("admin", "organiser", "moderator", "analyst", "viewer"))
    a.add_argument("--event", help="the role's event (default: every event)")
    a.add_argument("--generate-password", action="store_true", help=GENERATE_HELP)
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_add)
    w = usub.add_parser("passwd", help="set an account's password")
    add_common(w)
    w.add_argument("username")
    w.add_argument("--generate-password", action="store_true", help=GENERATE_HELP)
    w.add_argument("--json", action="store_true")
    w.set_defaults(handler=cmd_passwd)
    r = usub.add_parser("role", help="give a role in an event (or every event); 'none' removes")
    add_common(r)
    r.add_argument("username")
    r.add_argument("role", choices=("admin", "organiser", "moderator", "analyst", "viewer", "none"))
    r.add_argument("--event", help="the event (default: every event)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_role)
    t = usub.add_parser("totp", help="turn the TOTP second factor on (prints the secret) or off")
    add_common(t)
    t.add_argument("username")
    t.add_argument("--off", action="store_true")
    t.add_argument("--json", action="store_true")
    t.set_defaults(handler=cmd_totp)
    for name, text in (("disable", "disable an account (it can no longer log in)"),
                       ("enable", "enable a disabled account again")):  # fmt: skip
        d = usub.add_parser(name, help=text)
        add_common(d)
        d.add_argument("username")
        d.add_argument("--json", action="store_true")
        d.set_defaults(handler=cmd_disable, disable=name == "disable")
    lst = usub.add_parser("list", help="accounts and their roles")
    add_common(lst)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(handler=cmd_list)


def _password(args: argparse.Namespace | None = None) -> str:
    if args is not None and getattr(args, "generate_password", False):
        from kiosk.central.account_admin import one_time_password

        return one_time_password()
    value = os.environ.get(ENV_PASSWORD)
    if value is not None:
        return value
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Password again: ")) != first:
        from kiosk.domain.errors import ValidationError
        from kiosk.i18n import N_

        raise ValidationError(N_("The two passwords differ."), code="password_mismatch")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import add_user
    from kiosk.central.cli import emit, open_store

    _folder, store = open_store(args)
    password = _password(args)
    user = add_user(
        store, args.username, password, display_name=args.name, role=args.role,
        event_code=args.event,
    )  # fmt: skip
    shown = _shown_once(args, password)
    emit(args, {"id": user.id, "username": user.username, "roles": user.roles,
                "password": password if shown else None},
         _("User {username} added.").format(username=user.username) + shown)  # fmt: skip
    return 0


def _shown_once(args: argparse.Namespace, password: str) -> str:
    """The generated password, printed this once (it is kept only as its hash)."""
    if not getattr(args, "generate_password", False):
        return ""
    return "\n" + _("One-time password (shown once): {password}").format(password=password)


def cmd_passwd(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import set_password
    from kiosk.central.cli import emit, open_store

    _folder, store = open_store(args)
    password = _password(args)
    set_password(store, args.username, password)
    shown = _shown_once(args, password)
    emit(args, {"username": args.username, "password": password if shown else None},
         _("Password changed.") + shown)  # fmt: skip
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import change_role
    from kiosk.central.cli import emit, open_store

    _folder, store = open_store(args)
    change_role(store, args.username, args.role, args.event, by=None)
    emit(args, {"username": args.username, "role": args.role, "event": args.event},
         _("Role set."))  # fmt: skip
    return 0


def cmd_totp(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import reset_totp
    from kiosk.central.cli import emit, open_store

    _folder, store = open_store(args)
    secret = reset_totp(store, args.username, turn_on=not args.off, by=None)
    text = (
        _("Second factor off.")
        if secret is None
        else _("TOTP secret (enter it in the authenticator app): {secret}").format(secret=secret)
    )
    emit(args, {"username": args.username, "secret": secret}, text)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import list_accounts
    from kiosk.central.cli import emit, open_store

    _folder, store = open_store(args)
    users = list_accounts(store)
    disabled = _("disabled")
    emit(
        args,
        [
            {
                "username": u.username,
                "roles": dict(u.roles),
                "totp": u.has_totp,
                "disabled": u.disabled,
            }
            for u in users
        ],
        "\n".join(
            f"{u.username}\t{','.join(f'{e}:{r}' for e, r in u.roles)}"
            + (f"\t({disabled})" if u.disabled else "")
            for u in users
        ),
    )
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import set_disabled
    from kiosk.central.cli import emit, open_store

    _folder, store = open_store(args)
    set_disabled(store, args.username, args.disable, by=None)
    text = _("Account disabled.") if args.disable else _("Account enabled again.")
    emit(args, {"username": args.username, "disabled": args.disable}, text)
    return 0
