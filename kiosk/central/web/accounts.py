"""Accounts (admins of every event only): the users with their roles per event; add one
with a password the admin types or a one-time password shown once; change or remove a
role, set a password, disable or enable, a new or no TOTP secret. The same services as
``kiosk-central user``; each change is in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central import account_admin as admin
from kiosk.central.accounts import User
from kiosk.central.models import ROLES
from kiosk.central.web import deps
from kiosk.domain.errors import KioskError

router = deps.console_router()
Text = Annotated[str, Form(max_length=300)]
Role = Annotated[str, Form(max_length=16)]
EventCode = Annotated[str, Form(max_length=64)]


def account_admin(user: deps.UserDep) -> User:
    """The current user if they manage accounts (else 403)."""
    if not admin.is_account_admin(user):
        raise deps.Forbidden()
    return user


AdminDep = Annotated[User, Depends(account_admin)]


def _page(request: Request, console: deps.Console, user: User, **extra: Any) -> Response:
    once = extra.get("shown_once")
    if once and once.get("secret"):
        once["uri"] = admin.totp_uri(once["username"], once["secret"])
    context = {
        "accounts": admin.list_accounts(console.store),
        "events": deps.visible_events(console, user),
        "roles": ROLES,
        "role_names": admin.ROLE_NAMES,
        "error": "",
        "shown_once": None,
        **extra,
    }
    status = 422 if context["error"] else 200
    return deps.render(request, "accounts.html", context, status_code=status, user=user)


@router.get("/accounts")
def accounts_page(request: Request, console: deps.ConsoleDep, user: AdminDep) -> Response:
    return _page(request, console, user)


def _act(
    request: Request, console: deps.Console, user: User, username: str, what: str,
    change: Callable[[dict[str, Any]], str | None],
) -> Response:  # fmt: skip
    """Run one change (given the user and address to audit); its error, as a translated
    line, or a password or TOTP secret it made, on this one answer and never again."""
    try:
        made = change({"by": user, "address": deps.client_address(request)})
    except KioskError as exc:
        return _page(request, console, user, error=deps.error_text(request, exc))
    if made:
        return _page(request, console, user, shown_once={"username": username, what: made})
    return RedirectResponse("/console/accounts", status_code=303)


@router.post("/accounts/add")
def add_account(
    request: Request, console: deps.ConsoleDep, user: AdminDep, username: Text,
    display_name: Text = "", password: Text = "", role: Role = "", event: EventCode = "",
) -> Response:  # fmt: skip
    return _act(request, console, user, username, "password", lambda who: admin.add_account(
        console.store, username, password, display_name=display_name, role=role,
        event_code=event, **who,
    ))  # fmt: skip


@router.post("/accounts/role")
def change_role(
    request: Request, console: deps.ConsoleDep, user: AdminDep, username: Text, role: Role,
    event: EventCode = "",
) -> Response:  # fmt: skip
    return _act(request, console, user, username, "", lambda who: admin.change_role(
        console.store, username, role, event, **who
    ))  # fmt: skip


@router.post("/accounts/password")
def reset_password(
    request: Request, console: deps.ConsoleDep, user: AdminDep, username: Text,
    password: Text = "",
) -> Response:  # fmt: skip
    return _act(request, console, user, username, "password", lambda who: admin.reset_password(
        console.store, username, password, **who
    ))  # fmt: skip


# The buttons that switch something on or off for an account (the form's ``action``).
SWITCHES: dict[str, Callable[..., str | None]] = {
    "disable": lambda store, name, **who: admin.set_disabled(store, name, True, **who),
    "enable": lambda store, name, **who: admin.set_disabled(store, name, False, **who),
    "totp_on": lambda store, name, **who: admin.reset_totp(store, name, turn_on=True, **who),
    "totp_off": lambda store, name, **who: admin.reset_totp(store, name, turn_on=False, **who),
}


@router.post("/accounts/switch")
def switch(
    request: Request, console: deps.ConsoleDep, user: AdminDep, username: Text, action: Role
) -> Response:
    if action not in SWITCHES:
        raise HTTPException(status_code=422, detail="unknown action")
    return _act(request, console, user, username, "secret", lambda who: SWITCHES[action](
        console.store, username, **who
    ))  # fmt: skip
