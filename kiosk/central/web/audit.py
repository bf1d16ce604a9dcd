"""Audit log: who did what, when, from where."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from kiosk.central.accounts import ADMIN, MANAGE, audit_log
from kiosk.central.web import deps
from kiosk.central.web.deps import ConsoleDep, UserDep

router = deps.console_router()


@router.get("/audit")
def audit_page(request: Request, console: ConsoleDep, user: UserDep, action: str = "") -> Response:
    if user.can(ADMIN, None):
        codes = None  # every entry, log-ins and accounts too
    else:
        codes = {e.code for e in deps.visible_events(console, user) if user.can(MANAGE, e.id)}
        if not codes:
            raise deps.Forbidden()
    rows = audit_log(console.store, event_codes=codes, action=action[:40])
    return deps.render(request, "audit.html", {"rows": rows, "action": action[:40]}, user=user)
