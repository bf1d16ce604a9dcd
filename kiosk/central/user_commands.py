"""``kiosk-central user add|passwd|role|list|totp``: the console's accounts (the same
services as its pages)."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any

from kiosk.central.cli_common import command, emit, open_store
from kiosk.i18n import _

ENV_PASSWORD = "KIOSK_CENTRAL_PASSWORD"


def register(sub: Any) -> None:
    from kiosk.central.models import ROLES

    p = sub.add_parser("user", help="organiser console accounts and their roles")
    usub = p.add_subparsers(dest="user_command", required=True)
    a = command(usub, "add", "a new account (password asked, or $KIOSK_CENTRAL_PASSWORD)", cmd_add)
    a.add_argument("username")
    a.add_argument("--name", default="", help="display name")
    a.add_argument("--role", choices=ROLES)
    a.add_argument("--event", help="the role's event (default: every event)")
    command(usub, "passwd", "set an account's password", cmd_passwd).add_argument("username")
    r = command(usub, "role", "give a role in an event (or every event); 'none' removes", cmd_role)
    r.add_argument("username")
    r.add_argument("role", choices=(*ROLES, "none"))
    r.add_argument("--event", help="the event (default: every event)")
    t = command(usub, "totp", "turn the TOTP second factor on (prints the secret) or off", cmd_totp)
    t.add_argument("username")
    t.add_argument("--off", action="store_true")
    command(usub, "list", "accounts and their roles", cmd_list)


def _password() -> str:
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

    _folder, store = open_store(args)
    user = add_user(
        store, args.username, _password(), display_name=args.name, role=args.role,
        event_code=args.event,
    )  # fmt: skip
    emit(args, {"id": user.id, "username": user.username, "roles": user.roles},
         _("User {username} added.").format(username=user.username))  # fmt: skip
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import set_password

    _folder, store = open_store(args)
    set_password(store, args.username, _password())
    emit(args, {"username": args.username}, _("Password changed."))
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import set_role

    _folder, store = open_store(args)
    set_role(store, args.username, args.role, args.event)
    emit(args, {"username": args.username, "role": args.role, "event": args.event},
         _("Role set."))  # fmt: skip
    return 0


def cmd_totp(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import new_totp_secret, set_totp

    _folder, store = open_store(args)
    secret = None if args.off else new_totp_secret()
    set_totp(store, args.username, secret)
    text = (
        _("Second factor off.")
        if secret is None
        else _("TOTP secret (enter it in the authenticator app): {secret}").format(secret=secret)
    )
    emit(args, {"username": args.username, "secret": secret}, text)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import list_users

    _folder, store = open_store(args)
    users = list_users(store)
    emit(
        args,
        [{"username": u.username, "roles": u.roles, "totp": u.has_totp} for u in users],
        "\n".join(
            f"{u.username}\t{','.join(f'{e}:{r}' for e, r in sorted(u.roles.items()))}"
            for u in users
        ),
    )
    return 0
