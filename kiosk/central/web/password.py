"""The signed-in user's own password: chosen here after a one-time password (no other
page opens until then), or changed any time."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central.account_admin import change_own_password
from kiosk.central.web import deps
from kiosk.domain.errors import KioskError

router = deps.console_router()
Secret = Annotated[str, Form(max_length=300)]


@router.get("/password")
def password_page(request: Request, user: deps.UserDep) -> Response:
    return deps.render(request, "password.html", {"error": ""}, user=user)


@router.post("/password")
def choose_password(
    request: Request, console: deps.ConsoleDep, user: deps.UserDep, password: Secret,
    again: Secret,
) -> Response:  # fmt: skip
    try:
        change_own_password(console.store, user, password, again,
                            address=deps.client_address(request))  # fmt: skip
    except KioskError as exc:
        context = {"error": deps.error_text(request, exc)}
        return deps.render(request, "password.html", context, status_code=422, user=user)
    return RedirectResponse("/console/", status_code=303)
