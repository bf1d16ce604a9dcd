"""Attendance: who came, per door, hour, category, province, invited or walk-in."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from kiosk.central.accounts import VIEW
from kiosk.central.stats import attendance_figures
from kiosk.central.web import deps
from kiosk.central.web.deps import ConsoleDep, UserDep

router = deps.console_router()


@router.get("/events/{code}/attendance")
def attendance_page(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = deps.event_for(console, user, code, VIEW)
    figures = attendance_figures(console.store, event.code)
    return deps.render(request, "attendance.html", {"event": event, "f": figures}, user=user)
