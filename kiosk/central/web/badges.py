"""Badge re-issue from the roster page: a new badge for a lost one (the same service as
``kiosk-central roster reissue``), then the badge sheet of that one person to print."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central.accounts import MANAGE
from kiosk.central.badge_reissue import reissue_badge
from kiosk.central.web import deps
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_, gettext_for

REFUSED = N_("The badge was not re-issued")
router = deps.console_router()


@router.post("/events/{code}/roster/reissue")
def reissue(
    request: Request,
    code: str,
    console: deps.ConsoleDep,
    user: deps.UserDep,
    attendee: Annotated[str, Form(max_length=300)],
) -> Response:
    event = deps.event_for(console, user, code, MANAGE)
    try:
        done = reissue_badge(console.store, event.code, attendee, console.data_dir, by=user,
                             address=deps.client_address(request))  # fmt: skip
    except KioskError as exc:
        page = {"title": gettext_for(deps.page_language(request), REFUSED),
                "message": deps.error_text(request, exc), "event": event}  # fmt: skip
        return deps.render(request, "error.html", page, status_code=422, user=user)
    target = f"/console/events/{event.code}/badges?attendee={done.new_id}&reissued=1"
    return RedirectResponse(target, status_code=303)
