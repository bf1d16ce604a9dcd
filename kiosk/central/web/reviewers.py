"""Reviewers per theme (organisers): the console user who reviews each theme's proposals
(:mod:`kiosk.central.theme_reviewers`, as ``kiosk-central reviewer``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form
from fastapi.responses import RedirectResponse, Response

from kiosk.central.theme_reviewers import possible_reviewers, set_theme_reviewer, theme_reviewers
from kiosk.central.web import deps
from kiosk.central.web.events import _themes
from kiosk.domain.errors import KioskError

router = deps.console_router()


def _page(page: deps.EventPage, error: str = "") -> Response:
    context = {
        "themes": _themes(page.console, page.event.id),
        "reviewers": theme_reviewers(page.store, page.event.code),
        "people": possible_reviewers(page.store, page.event.code),
    }
    return page.render("reviewers.html", context, error=error)


@router.get("/events/{code}/reviewers")
def reviewers_page(page: deps.Managing) -> Response:
    return _page(page)


@router.post("/events/{code}/reviewers")
def set_reviewer(page: deps.Managing, theme: Annotated[str, Form(max_length=64)],
                 username: Annotated[str, Form(max_length=64)] = "") -> Response:  # fmt: skip
    try:
        set_theme_reviewer(page.store, page.event.code, theme, username, by=page.user,
                           address=deps.client_address(page.request))  # fmt: skip
    except KioskError as exc:
        return _page(page, page.error_text(exc))
    return RedirectResponse(page.url("/reviewers"), status_code=303)
