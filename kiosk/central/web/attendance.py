"""Attendance: who came, per door, hour, category, province, invited or walk-in."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kiosk.central.accounts import VIEW
from kiosk.central.stats import attendance_figures
from kiosk.central.web.deps import ConsoleDep, UserDep, check_csrf, event_for, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


@router.get("/events/{code}/attendance")
def attendance_page(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = event_for(console, user, code, VIEW)
    figures = attendance_figures(console.store, event.code)
    return render(request, "attendance.html", {"event": event, "f": figures}, user=user)
