"""``kiosk-central user add|passwd|role|list|totp|disable|enable``: the console's
accounts (the same services as its Accounts page)."""

from __future__ import annotations

import argparse
import getpass
import os
from typing import Any

from kiosk.central.cli_common import command, emit, open_store
from kiosk.i18n import _

ENV_PASSWORD = "KIOSK_CENTRAL_PASSWORD"
GENERATE_HELP = "make a one-time password and print it once (to hand over)"


def register(sub: Any) -> None:
    from kiosk.central.models import ROLES

    p = sub.add_parser("user", help="organiser console accounts and their roles")
    usub = p.add_subparsers(dest="user_command", required=True)
    a = command(usub, "add", "a new account (password asked, or $KIOSK_CENTRAL_PASSWORD)", cmd_add)
    a.add_argument("username")
    a.add_argument("--name", default="", help="display name")
    a.add_argument("--role", choices=ROLES)
    a.add_argument("--event", help="the role's event (default: every event)")
    a.add_argument("--generate-password", action="store_true", help=GENERATE_HELP)
    w = command(usub, "passwd", "set an account's password", cmd_passwd)
    w.add_argument("username")
    w.add_argument("--generate-password", action="store_true", help=GENERATE_HELP)
    r = command(usub, "role", "give a role in an event (or every event); 'none' removes", cmd_role)
    r.add_argument("username")
    r.add_argument("role", choices=(*ROLES, "none"))
    r.add_argument("--event", help="the event (default: every event)")
    t = command(usub, "totp", "turn the TOTP second factor on (prints the secret) or off", cmd_totp)
    t.add_argument("username")
    t.add_argument("--off", action="store_true")
    command(usub, "list", "accounts and their roles", cmd_list)
    for name, text in (("disable", "disable an account (it can no longer log in)"),
                       ("enable", "enable a disabled account again")):  # fmt: skip
        d = command(usub, name, text, cmd_disable)
        d.add_argument("username")
        d.set_defaults(disable=name == "disable")


def _password(args: argparse.Namespace) -> str:
    """The password typed (or in the environment); empty with --generate-password (the
    service then makes a one-time one)."""
    if getattr(args, "generate_password", False):
        return ""
    value = os.environ.get(ENV_PASSWORD)
    if value is not None:
        return value
    first = getpass.getpass(_("Password: "))
    if getpass.getpass(_("Password again: ")) != first:
        from kiosk.domain.errors import ValidationError
        from kiosk.i18n import N_

        raise ValidationError(N_("The two passwords differ."), code="password_mismatch")
    return first


def _shown_once(generated: str | None) -> str:
    """A generated password, printed this once (it is kept only as its hash)."""
    if not generated:
        return ""
    return "\n" + _("One-time password (shown once): {password}").format(password=generated)


def cmd_add(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import add_account
    from kiosk.central.accounts import get_user

    _folder, store = open_store(args)
    generated = add_account(
        store, args.username, _password(args), display_name=args.name, role=args.role or "",
        event_code=args.event or "", by=None,
    )  # fmt: skip
    user, shown = get_user(store, args.username), _shown_once(generated)
    emit(args, {"id": user.id, "username": user.username, "roles": user.roles,
                "password": generated},
         _("User {username} added.").format(username=user.username) + shown)  # fmt: skip
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import reset_password

    _folder, store = open_store(args)
    generated = reset_password(store, args.username, _password(args), by=None)
    shown = _shown_once(generated)
    emit(args, {"username": args.username, "password": generated},
         _("Password changed.") + shown)  # fmt: skip
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import change_role

    _folder, store = open_store(args)
    change_role(store, args.username, args.role, args.event, by=None)
    emit(args, {"username": args.username, "role": args.role, "event": args.event},
         _("Role set."))  # fmt: skip
    return 0


def cmd_totp(args: argparse.Namespace) -> int:
    from kiosk.central.account_admin import reset_totp

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

    _folder, store = open_store(args)
    set_disabled(store, args.username, args.disable, by=None)
    text = _("Account disabled.") if args.disable else _("Account enabled again.")
    emit(args, {"username": args.username, "disabled": args.disable}, text)
    return 0
