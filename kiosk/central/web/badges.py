"""Badge re-issue from the roster page: a new badge for a lost one (the same service as
``kiosk-central roster reissue``), then the badge sheet of that one person to print."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import RedirectResponse, Response

from kiosk.central.badge_reissue import reissue_badge
from kiosk.central.web import deps
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_, gettext_for

REFUSED = N_("The badge was not re-issued")
router = deps.console_router()


@router.post("/events/{code}/roster/reissue")
def reissue(page: deps.Managing, attendee: Annotated[str, Form(max_length=300)]) -> Response:
    try:
        done = reissue_badge(page.store, page.event.code, attendee, page.console.data_dir,
                             by=page.user, address=deps.client_address(page.request))  # fmt: skip
    except KioskError as exc:
        title = gettext_for(deps.page_language(page.request), REFUSED)
        return page.render("error.html", {"title": title, "message": page.error_text(exc)},
                           error=page.error_text(exc))  # fmt: skip
    return RedirectResponse(page.url(f"/badges?attendee={done.new_id}&reissued=1"), 303)
