"""What an admin does to other accounts, for the Accounts page and ``kiosk-central user``:
the list with each role's event, a generated one-time password, disabling an account,
a new or no TOTP secret. Passwords, roles and TOTP go through :mod:`kiosk.central.accounts`;
every change is one audit entry.

Accounts are managed by admins of every event only: an admin of one event who could
edit accounts could give themselves every event.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from kiosk.central.accounts import (
    User,
    add_user,
    new_totp_secret,
    record,
    set_password,
    set_role,
    set_totp,
)
from kiosk.central.models import ALL_EVENTS, ROLES, ConsoleRole, ConsoleUser
from kiosk.central.organiser import find_event
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.i18n import N_
from kiosk.storage.models import Event
from kiosk.storage.store import Store

# No 0/O, 1/l/I: the password is read off a screen and typed once.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    has_totp: bool
    disabled: bool
    roles: tuple[tuple[str, str], ...]  # (event code, or '*' for every event; role)


def is_account_admin(user: User) -> bool:
    """Whether ``user`` may manage accounts (admin of every event)."""
    return user.roles.get(ALL_EVENTS) == "admin"


def one_time_password() -> str:
    """A new random password to hand over once (some 95 bits, in groups of five)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(20))
    return "-".join(chars[i : i + 5] for i in range(0, 20, 5))


def add_account(
    store: Store, username: str, password: str = "", *, display_name: str = "",
    role: str = "", event_code: str = "", by: User | None, address: str = "",
) -> str | None:  # fmt: skip
    """A new account with ``password``, or with a one-time password when it is empty
    (returned, to be shown once); with ``role`` in ``event_code`` (every event if
    empty). Role and event are checked before anything is written."""
    if role:
        check_role(store, role, event_code)
    generated = "" if password else one_time_password()
    add_user(store, username, password or generated, display_name=display_name, by=by,
             address=address, temporary=bool(generated))  # fmt: skip
    if role:
        change_role(store, username, role, event_code, by=by, address=address)
    return generated or None


def reset_password(
    store: Store, username: str, password: str = "", *, by: User | None, address: str = ""
) -> str | None:
    """Set ``password``, or a one-time password when it is empty (returned; its holder
    must choose their own at the next log-in)."""
    generated = "" if password else one_time_password()
    set_password(store, username, password or generated, by=by, address=address,
                 temporary=bool(generated))  # fmt: skip
    return generated or None


def change_own_password(
    store: Store, user: User, password: str, again: str, *, address: str = ""
) -> None:
    """The signed-in user chooses their password (after a one-time one, or any time)."""
    if password != again:
        raise ValidationError(N_("The two passwords differ."), code="password_mismatch")
    set_password(store, user.username, password, by=user, address=address)


def list_accounts(store: Store) -> list[Account]:
    """Every account, disabled ones too, with its roles by event code."""
    with store.uow(readonly=True) as uow:
        codes = dict(uow.session.execute(select(Event.id, Event.code)).tuples().all())
        codes[ALL_EVENTS] = ALL_EVENTS
        roles: dict[str, list[tuple[str, str]]] = {}
        for r in uow.session.scalars(select(ConsoleRole)):
            roles.setdefault(r.user_id, []).append((codes.get(r.event_id, r.event_id), r.role))
        return [
            Account(
                u.username,
                u.display_name,
                bool(u.totp_secret),
                u.disabled_at is not None,
                tuple(sorted(roles.get(u.id, []), key=lambda er: (er[0] != ALL_EVENTS, er))),
            )
            for u in uow.session.scalars(select(ConsoleUser).order_by(ConsoleUser.username))
        ]


def _not_yourself(by: User | None, username: str, msgid: str, code: str) -> None:
    if by is not None and by.username == username:
        raise ValidationError(msgid, code=code)


def check_role(store: Store, role: str, event_code: str | None) -> None:
    """Refuse an unknown role or event before anything is written."""
    if role not in (*ROLES, "none"):
        raise ValidationError(
            N_("Unknown role {role} (admin, organiser, moderator, analyst, viewer, none)."),
            code="unknown_role",
            role=role[:40],
        )
    if event_code:
        with store.uow(readonly=True) as uow:
            find_event(uow, event_code)


def change_role(
    store: Store,
    username: str,
    role: str,
    event_code: str | None,
    *,
    by: User | None,
    address: str = "",
) -> None:
    """:func:`~kiosk.central.accounts.set_role`, but an admin never takes away their own
    admin role of every event (nobody would be left to give it back)."""
    if not event_code and role != "admin":
        _not_yourself(by, username, N_("You cannot take away your own admin role."), "own_admin")
    set_role(store, username, role, event_code or None, by=by, address=address)


def set_disabled(
    store: Store, username: str, disabled: bool, *, by: User | None, address: str = ""
) -> None:
    """Disable an account (its sessions end at the next request, it cannot log in) or
    enable it again; its roles and its entries in the audit log stay."""
    if disabled:
        _not_yourself(by, username, N_("You cannot disable your own account."), "own_account")
    with store.uow() as uow:
        row = uow.session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
        if row is None:
            raise KioskError(N_("No user {username}."), code="unknown_user", username=username)
        row.disabled_at = store.clock.now() if disabled else None
        action = "user_disable" if disabled else "user_enable"
        record(uow, store, by, action, target=username, address=address)
        uow.commit()


def reset_totp(
    store: Store, username: str, *, turn_on: bool, by: User | None, address: str = ""
) -> str | None:
    """A new TOTP secret for ``username`` (returned, to be shown once) or none at all
    (a lost phone: the next log-in asks for the password only)."""
    secret = new_totp_secret() if turn_on else None
    set_totp(store, username, secret, by=by, address=address)
    return secret


def totp_uri(username: str, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads (typed or scanned)."""
    import pyotp

    return str(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Listening Kiosk"))


# What a page calls each role (translated at display).
ROLE_NAMES = {
    "admin": N_("admin"),
    "organiser": N_("organiser"),
    "moderator": N_("moderator"),
    "analyst": N_("analyst"),
    "viewer": N_("viewer"),
}
