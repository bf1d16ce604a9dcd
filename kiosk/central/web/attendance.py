"""Attendance: who came, per door, hour, category, province, invited or walk-in."""

from __future__ import annotations

from fastapi.responses import Response

from kiosk.central.stats import attendance_figures
from kiosk.central.web import deps

router = deps.console_router()


@router.get("/events/{code}/attendance")
def attendance_page(page: deps.Viewing) -> Response:
    return page.render("attendance.html", {"f": attendance_figures(page.store, page.event.code)})
