"""Audit log: who did what, when, from where."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kiosk.central.accounts import ADMIN, MANAGE, audit_log
from kiosk.central.web.deps import (
    ConsoleDep,
    Forbidden,
    UserDep,
    check_csrf,
    render,
    visible_events,
)

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


@router.get("/audit")
def audit_page(request: Request, console: ConsoleDep, user: UserDep, action: str = "") -> Response:
    if user.can(ADMIN, None):
        codes = None  # every entry, log-ins and accounts too
    else:
        codes = {e.code for e in visible_events(console, user) if user.can(MANAGE, e.id)}
        if not codes:
            raise Forbidden()
    rows = audit_log(console.store, event_codes=codes, action=action[:40])
    return render(request, "audit.html", {"rows": rows, "action": action[:40]}, user=user)
