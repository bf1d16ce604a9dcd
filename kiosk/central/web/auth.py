"""Log-in, log-out and the page language."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central.accounts import LoginRefused, authenticate
from kiosk.central.web import deps
from kiosk.central.web.deps import CSRF_FIELD, ConsoleDep
from kiosk.i18n import LANGUAGES

router = deps.console_router()


@router.get("/login")
def login_page(request: Request) -> Response:
    return deps.render(request, "login.html", {"error": ""})


@router.post("/login")
def login(
    request: Request,
    console: ConsoleDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=300)] = "",
    totp: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        user = authenticate(
            console.store, username, password, totp, address=deps.client_address(request)
        )
    except LoginRefused as exc:
        status = 429 if exc.code == "login_rate_limited" else 401
        return deps.render(
            request, "login.html", {"error": deps.error_text(request, exc)}, status_code=status
        )
    lang = request.session.get("lang")
    request.session.clear()  # a new session at log-in (no fixation)
    request.session.update(
        {"user_id": user.id, CSRF_FIELD: secrets.token_urlsafe(32)}
        | ({"lang": lang} if lang else {})
    )
    return RedirectResponse("/console/", status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang
    return RedirectResponse("/console/login", status_code=303)


@router.get("/lang/{code}")
def choose_language(request: Request, code: str, next: str = "/console/") -> Response:
    if code in LANGUAGES:
        request.session["lang"] = code
    # Only back into the console (never an open redirect).
    target = (
        next
        if next.startswith("/console/") and "//" not in next and "\\" not in next
        else "/console/"
    )
    return RedirectResponse(target, status_code=303)
