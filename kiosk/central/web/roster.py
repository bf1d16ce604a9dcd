"""Roster: CSV upload with each row's outcome, search, revocation, badge sheet."""

from __future__ import annotations

import base64
import io
from typing import Annotated

from fastapi import Form, Query, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import MANAGE
from kiosk.central.organiser import (
    MAX_ROSTER_BYTES,
    RowResult,
    import_roster,
    revoke,
    search_roster,
)
from kiosk.central.web import deps
from kiosk.central.web.deps import EventPage
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.i18n import N_

router = deps.console_router()
PAGE = 50


def _roster_page(
    page: EventPage,
    *,
    q: str = "",
    number: int = 1,
    results: list[RowResult] | None = None,
    error: str = "",
) -> Response:
    """The roster (page ``number`` of it, matching ``q``), with an upload's outcome if
    any; ``error``: why the upload was refused (HTTP 422)."""
    rows, total = search_roster(page.store, page.event.code, q, page=number, page_size=PAGE)
    return page.render(
        "roster.html",
        {
            "rows": rows,
            "total": total,
            "q": q,
            "page": max(1, number),
            "pages": max(1, -(-total // PAGE)),
            "results": results,
            "can_manage": page.can(MANAGE),
        },
        error=error,
    )


@router.get("/events/{code}/roster")
def roster_page(
    page: deps.Viewing, q: str = "", number: Annotated[int, Query(alias="page")] = 1
) -> Response:
    return _roster_page(page, q=q[:100], number=number)


@router.post("/events/{code}/roster")
async def upload_roster(page: deps.Managing, file: UploadFile) -> Response:
    results, error = None, ""
    try:
        data = await file.read(MAX_ROSTER_BYTES + 1)
        if len(data) > MAX_ROSTER_BYTES:  # refused whole, nothing stored
            raise ValidationError(
                N_("The roster file is larger than {limit} MB."),
                code="roster_too_large",
                limit=MAX_ROSTER_BYTES // (1024 * 1024),
            )
        results = await run_in_threadpool(
            import_roster, page.store, page.event.code, data, page.console.data_dir
        )
        detail = {
            "accepted": sum(r.accepted for r in results),
            "rejected": sum(not r.accepted for r in results),
        }
        target = (file.filename or "")[:200]
        await run_in_threadpool(lambda: page.audit("roster_import", target=target, detail=detail))
    except KioskError as exc:
        error = page.error_text(exc)
    return await run_in_threadpool(lambda: _roster_page(page, results=results, error=error))


@router.post("/events/{code}/roster/revoke")
def revoke_attendee(
    page: deps.Managing, attendee: Annotated[str, Form(max_length=300)]
) -> Response:
    attendee_id = revoke(page.store, page.event.code, attendee)
    page.audit("attendee_revoke", target=attendee_id)
    return RedirectResponse(page.url("/roster"), status_code=303)


def _qr_svg(token: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(token, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buf = io.BytesIO()
    image.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@router.get("/events/{code}/badges")
def badge_sheet(
    page: deps.Managing, q: str = "", attendee: str = "", reissued: str = ""
) -> Response:
    """A printable A4 sheet of badges (the browser prints it or saves it as PDF, with the
    names shaped in their own direction); ``q`` narrows it to matching people,
    ``attendee`` to one person (a re-issued badge)."""
    from kiosk.services.badge_sheet import badge_cards

    ids = None
    if attendee:
        ids = [attendee[:36]]
    elif q:
        rows, _total = search_roster(page.store, page.event.code, q[:100], page_size=400)
        ids = [r.id for r in rows]
    lang = deps.page_language(page.request)
    cards = badge_cards(page.store, ids, event_id=page.event.id, lang=lang)[:2000]
    page.audit("badge_sheet", detail={"badges": len(cards)})
    cards_qr = [(c, _qr_svg(c.token)) for c in cards]
    return page.render("badges.html", {"cards": cards_qr, "reissued": reissued})
