"""Organiser accounts of the console: argon2id passwords, optional TOTP, roles per
event, log-in rate limiting, and the audit log. The pages and ``kiosk-central user``
call these same functions.

Roles (per event, or for every event with ``'*'``) grant capabilities:

- viewer: read the event's pages (figures, proposals, devices);
- analyst: viewer, and pseudonymised exports;
- moderator: viewer, and moderation and review of proposals;
- organiser: all of the above, roster, devices, bundles, answers, exports with
  contacts;
- admin: everything, accounts and new events included.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from kiosk.central.models import ALL_EVENTS, ROLES, AuditEntry, ConsoleRole, ConsoleUser
from kiosk.central.organiser import find_event
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.i18n import N_
from kiosk.ids import new_id
from kiosk.storage.store import Store

VIEW = "view"
EXPORT = "export"
EXPORT_CONTACTS = "export_contacts"
MODERATE = "moderate"
MANAGE = "manage"  # roster, devices, bundles, the event itself, answers
ADMIN = "admin"  # accounts, new events

CAPABILITIES: dict[str, frozenset[str]] = {
    "viewer": frozenset({VIEW}),
    "analyst": frozenset({VIEW, EXPORT}),
    "moderator": frozenset({VIEW, MODERATE}),
    "organiser": frozenset({VIEW, EXPORT, EXPORT_CONTACTS, MODERATE, MANAGE}),
    "admin": frozenset({VIEW, EXPORT, EXPORT_CONTACTS, MODERATE, MANAGE, ADMIN}),
}
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# argon2id with argon2-cffi's defaults (RFC 9106 "low memory": t=3, m=64 MiB, p=4).
_hasher = PasswordHasher()
# Verified against when the user does not exist, so both cases cost the same.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    has_totp: bool
    roles: dict[str, str]  # event id (or '*') -> role
    must_change_password: bool = False  # logged in with a one-time password

    def can(self, capability: str, event_id: str | None = None) -> bool:
        """Whether this user holds ``capability`` in ``event_id`` (any event if None)."""
        held: list[str]
        if event_id is None:
            held = list(self.roles.values())
        else:
            held = [r for e, r in self.roles.items() if e in (event_id, ALL_EVENTS)]
        return any(capability in CAPABILITIES.get(role, frozenset()) for role in held)

    def event_ids(self) -> set[str] | None:
        """Events this user may see (None: every event)."""
        if ALL_EVENTS in self.roles:
            return None
        return set(self.roles)


def _user(row: ConsoleUser, roles: dict[str, str]) -> User:
    return User(row.id, row.username, row.display_name, bool(row.totp_secret), roles,
                bool(row.password_change_required))  # fmt: skip


def _check_username(username: str) -> str:
    name = unicodedata.normalize("NFC", username.strip())
    if not (1 <= len(name) <= 64) or not all(c.isalnum() or c in "._-@" for c in name):
        raise ValidationError(
            N_("A user name has 1 to 64 letters, digits or . _ - @."), code="bad_username"
        )
    return name


def _check_password(password: str) -> None:
    if not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise ValidationError(
            N_("A password has {low} to {high} characters."),
            code="bad_password",
            low=MIN_PASSWORD,
            high=MAX_PASSWORD,
        )


def _roles_of(store_session: Any, user_id: str) -> dict[str, str]:
    return {
        r.event_id: r.role
        for r in store_session.scalars(select(ConsoleRole).where(ConsoleRole.user_id == user_id))
    }


def add_user(
    store: Store,
    username: str,
    password: str,
    *,
    display_name: str = "",
    role: str | None = None,
    event_code: str | None = None,
    by: User | None = None,
    address: str = "",
    temporary: bool = False,
) -> User:
    """A new account; with ``role``, that role in ``event_code`` (or every event);
    ``temporary``: the password is a one-time one, the first log-in chooses another."""
    name = _check_username(username)
    _check_password(password)
    with store.uow() as uow:
        if uow.session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == name)):
            raise ValidationError(
                N_("The user {username} already exists."), code="duplicate_user", username=name
            )
        row = ConsoleUser(
            id=new_id(),
            username=name,
            display_name=display_name[:200],
            password_hash=_hasher.hash(password),
            password_change_required=temporary,
            created_at=store.clock.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        record(uow, store, by, "user_add", target=name, address=address)
        uow.commit()
    if role is not None:
        set_role(store, name, role, event_code, by=by, address=address)
    return get_user(store, name)


def get_user(store: Store, username: str) -> User:
    with store.uow(readonly=True) as uow:
        row = uow.session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
        if row is None:
            raise KioskError(N_("No user {username}."), code="unknown_user", username=username)
        return _user(row, _roles_of(uow.session, row.id))


def user_by_id(store: Store, user_id: str) -> User | None:
    with store.uow(readonly=True) as uow:
        row = uow.session.get(ConsoleUser, user_id)
        if row is None or row.disabled_at is not None:
            return None
        return _user(row, _roles_of(uow.session, row.id))


def list_users(store: Store) -> list[User]:
    with store.uow(readonly=True) as uow:
        rows = list(uow.session.scalars(select(ConsoleUser).order_by(ConsoleUser.username)))
        return [_user(r, _roles_of(uow.session, r.id)) for r in rows]


def set_password(
    store: Store, username: str, password: str, *, by: User | None = None, address: str = "",
    temporary: bool = False,
) -> None:  # fmt: skip
    """A new password; ``temporary`` (a one-time password handed over): the next log-in
    must choose another before any page opens."""
    _check_password(password)
    with store.uow() as uow:
        row = uow.session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
        if row is None:
            raise KioskError(N_("No user {username}."), code="unknown_user", username=username)
        row.password_hash = _hasher.hash(password)
        row.password_change_required = temporary
        record(uow, store, by, "user_password", target=username, address=address)
        uow.commit()


def set_role(
    store: Store,
    username: str,
    role: str,
    event_code: str | None = None,
    *,
    by: User | None = None,
    address: str = "",
) -> None:
    """Give ``username`` ``role`` in an event (every event without one); role ``none``
    takes the role away."""
    if role not in (*ROLES, "none"):
        raise ValidationError(
            N_("Unknown role {role} (admin, organiser, moderator, analyst, viewer, none)."),
            code="unknown_role",
            role=role[:40],
        )
    with store.uow() as uow:
        row = uow.session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
        if row is None:
            raise KioskError(N_("No user {username}."), code="unknown_user", username=username)
        event_id = find_event(uow, event_code).id if event_code else ALL_EVENTS
        uow.session.execute(
            delete(ConsoleRole).where(
                ConsoleRole.user_id == row.id, ConsoleRole.event_id == event_id
            )
        )
        if role != "none":
            uow.session.add(ConsoleRole(user_id=row.id, event_id=event_id, role=role))
        record(
            uow,
            store,
            by,
            "role_change",
            event_code=event_code or "",
            target=username,
            detail={"role": role},
            address=address,
        )
        uow.commit()


def set_totp(
    store: Store, username: str, secret: str | None, *, by: User | None = None, address: str = ""
) -> None:
    """Turn on a TOTP second factor (a base32 secret from :func:`new_totp_secret`) or off."""
    with store.uow() as uow:
        row = uow.session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
        if row is None:
            raise KioskError(N_("No user {username}."), code="unknown_user", username=username)
        row.totp_secret = secret
        record(uow, store, by, "user_totp", target=username, detail={"on": bool(secret)},
               address=address)  # fmt: skip
        uow.commit()


def new_totp_secret() -> str:
    import pyotp

    return str(pyotp.random_base32())


class RateLimiter:
    """At most ``limit`` events per key within ``window`` seconds (a sliding window,
    kept in memory: one server process, as ``kiosk-central serve`` runs)."""

    def __init__(self, limit: int, window: float, clock: Any = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event; whether it was still within the limit."""
        with self._lock:
            now = self.clock()
            hits = self._recent(key, now)
            if len(self._hits) > 100_000:  # a flood of keys: forget them all
                self._hits.clear()
                hits = self._recent(key, now)
            hits.append(now)
            return len(hits) <= self.limit


# Failed log-ins: per user name and per address (guessing one account slowly from many
# addresses, or many accounts from one).
LOGIN_FAILURES_PER_USER = RateLimiter(5, 15 * 60)
LOGIN_FAILURES_PER_ADDRESS = RateLimiter(20, 15 * 60)


class LoginRefused(KioskError, code="login_refused"): ...


def authenticate(
    store: Store,
    username: str,
    password: str,
    totp: str = "",
    *,
    address: str = "",
    per_user: RateLimiter = LOGIN_FAILURES_PER_USER,
    per_address: RateLimiter = LOGIN_FAILURES_PER_ADDRESS,
) -> User:
    """The user, if name, password (and TOTP code, when set) are right; every attempt
    goes to the audit log. Too many failures lock the name and the address out for a
    while, right password or not."""
    name = unicodedata.normalize("NFC", username.strip())[:64]
    if per_user.blocked(name) or per_address.blocked(address):
        _audit_login(store, None, name, "login_blocked", address)
        raise LoginRefused(
            N_("Too many failed log-ins: wait a quarter of an hour and try again."),
            code="login_rate_limited",
        )
    with store.uow(readonly=True) as uow:
        row = uow.session.scalar(select(ConsoleUser).where(ConsoleUser.username == name))
        found = None if row is None else (row.id, row.password_hash, row.totp_secret)
        disabled = row is not None and row.disabled_at is not None
    ok = False
    try:
        ok = _hasher.verify(found[1] if found else _DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and found and found[2]:
        import pyotp

        ok = bool(pyotp.TOTP(found[2]).verify(totp.strip(), valid_window=1))
    if not ok or found is None or disabled:
        per_user.hit(name)
        per_address.hit(address)
        _audit_login(store, found[0] if found else None, name, "login_failed", address)
        raise LoginRefused(N_("Wrong user name, password or code."), code="bad_login")
    _audit_login(store, found[0], name, "login", address)
    user = user_by_id(store, found[0])
    assert user is not None
    return user


class Where(TypedDict, total=False):
    """Where an audited action took place: its event, what it acted on, its details,
    and the address it came from."""

    event_code: str
    target: str
    detail: dict[str, Any]
    address: str


def _entry(
    store: Store, user_id: str | None, username: str, action: str, **where: Unpack[Where]
) -> AuditEntry:
    return AuditEntry(
        id=new_id(),
        at=store.clock.now(),
        user_id=user_id,
        username=username,
        action=action,
        event_code=where.get("event_code", "")[:64],
        target=where.get("target", "")[:200],
        detail=where.get("detail") or {},
        address=where.get("address", "")[:64],
    )


def _audit_login(store: Store, user_id: str | None, name: str, action: str, address: str) -> None:
    with store.uow() as uow:
        uow.session.add(_entry(store, user_id, name, action, address=address))
        uow.commit()


def record(uow: Any, store: Store, by: User | None, action: str, **where: Unpack[Where]) -> None:
    """Add one audit entry inside the caller's unit of work (kept with its change)."""
    name = by.username if by else "(command line)"
    uow.session.add(_entry(store, by.id if by else None, name, action, **where))


def audit(store: Store, by: User | None, action: str, **where: Unpack[Where]) -> None:
    """One audit entry in its own unit of work (for actions of other services)."""
    with store.uow() as uow:
        record(uow, store, by, action, **where)
        uow.commit()


@dataclass(frozen=True)
class AuditRow:
    at: Any
    username: str
    action: str
    event_code: str
    target: str
    detail: dict[str, Any]
    address: str


def audit_log(
    store: Store, *, event_codes: set[str] | None = None, limit: int = 500, action: str = ""
) -> list[AuditRow]:
    """The newest entries first; ``event_codes`` limits to those events' entries."""
    with store.uow(readonly=True) as uow:
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if event_codes is not None:
            query = query.where(AuditEntry.event_code.in_(sorted(event_codes)))
        if action:
            query = query.where(AuditEntry.action == action)
        return [
            AuditRow(r.at, r.username, r.action, r.event_code, r.target, r.detail, r.address)
            for r in uow.session.scalars(query.limit(limit))
        ]
