"""Reviewers per theme (organisers): the console user who reviews each theme's proposals
(:mod:`kiosk.central.theme_reviewers`, as ``kiosk-central reviewer``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central.accounts import MANAGE, User
from kiosk.central.theme_reviewers import possible_reviewers, set_theme_reviewer, theme_reviewers
from kiosk.central.web import deps
from kiosk.central.web.events import _themes
from kiosk.domain.errors import KioskError
from kiosk.storage.models import Event

router = deps.console_router()


def _page(request: Request, console: deps.Console, user: User, event: Event,
          error: str = "") -> Response:  # fmt: skip
    context = {
        "event": event,
        "themes": _themes(console, event.id),
        "reviewers": theme_reviewers(console.store, event.code),
        "people": possible_reviewers(console.store, event.code),
        "error": error,
    }
    status = 422 if error else 200
    return deps.render(request, "reviewers.html", context, status_code=status, user=user)


@router.get("/events/{code}/reviewers")
def reviewers_page(request: Request, code: str, console: deps.ConsoleDep,
                   user: deps.UserDep) -> Response:  # fmt: skip
    return _page(request, console, user, deps.event_for(console, user, code, MANAGE))


@router.post("/events/{code}/reviewers")
def set_reviewer(
    request: Request, code: str, console: deps.ConsoleDep, user: deps.UserDep,
    theme: Annotated[str, Form(max_length=64)], username: Annotated[str, Form(max_length=64)] = "",
) -> Response:  # fmt: skip
    event = deps.event_for(console, user, code, MANAGE)
    try:
        set_theme_reviewer(console.store, event.code, theme, username, by=user,
                           address=deps.client_address(request))  # fmt: skip
    except KioskError as exc:
        return _page(request, console, user, event, deps.error_text(request, exc))
    return RedirectResponse(f"/console/events/{event.code}/reviewers", status_code=303)
