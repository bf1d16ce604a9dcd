"""The organiser console: server-rendered pages (Jinja2) over the central services.

Every page calls the same functions as ``kiosk-central``; nothing here is a second
implementation. Sessions are signed cookies (Starlette's SessionMiddleware, which
signs with itsdangerous); every POST carries the session's CSRF token; assets are
served from this package and the kiosk's own fonts (no CDN: a venue has no internet).
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from kiosk.central.store import upgrade_central
from kiosk.central.web.deps import Console, Forbidden, LoginNeeded, PasswordChangeNeeded, render
from kiosk.config import assets_dir
from kiosk.storage.store import Store

SECRET_FILE = "console-session.key"
SESSION_MAX_AGE = 12 * 3600  # one working day at a venue


def session_secret(data_dir: Path) -> str:
    """The key that signs session cookies, made once and kept private in the data folder."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48), encoding="ascii")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text(encoding="ascii").strip()


class ServerTiming:
    """Adds ``Server-Timing: app;dur=<ms>`` to every answer: the time from the request's
    arrival to its answer's head, queueing for a thread or a connection included (what
    a browser's developer tools show, and what bench/bench_console.py reads)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message: Any) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - start) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={ms:.1f}".encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed)


def mount_console(
    app: FastAPI, store: Store, data_dir: Path, *, https_only: bool = False
) -> Console:
    """Add the console's pages, the public follow-up page and their middleware."""
    from kiosk.central.web import (
        accounts,
        attendance,
        audit,
        auth,
        badges,
        bundles,
        devices,
        events,
        exports,
        password,
        proposals,
        public,
        reviewers,
        roster,
    )

    upgrade_central(store.engine)
    console = Console(store, data_dir)
    app.state.console = console
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(data_dir),
        session_cookie="kiosk_console",
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=https_only,
    )
    app.add_middleware(ServerTiming)  # added last: outermost, so it times the rest too
    here = Path(__file__).resolve().parent
    app.mount("/console/static", StaticFiles(directory=here / "static"), name="static")
    app.mount("/console/fonts", StaticFiles(directory=assets_dir() / "fonts"), name="fonts")
    for module in (auth, events, roster, devices, bundles, attendance, proposals, exports, audit):
        app.include_router(module.router, prefix="/console")
    app.include_router(accounts.router, prefix="/console")
    app.include_router(badges.router, prefix="/console")
    app.include_router(reviewers.router, prefix="/console")
    app.include_router(password.router, prefix="/console")
    app.include_router(public.router)

    @app.exception_handler(LoginNeeded)
    def login_needed(request: Request, exc: LoginNeeded) -> Response:
        return RedirectResponse("/console/login", status_code=303)

    @app.exception_handler(PasswordChangeNeeded)
    def password_change_needed(request: Request, exc: PasswordChangeNeeded) -> Response:
        return RedirectResponse("/console/password", status_code=303)

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", {"message_id": exc.message_id}, status_code=403)

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/console/", status_code=303)

    return console
