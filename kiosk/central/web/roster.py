"""Roster: CSV upload with each row's outcome, search, revocation, badge sheet."""

from __future__ import annotations

import base64
import io

from fastapi import Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import MANAGE, VIEW, User, audit
from kiosk.central.organiser import (
    MAX_ROSTER_BYTES,
    RowResult,
    import_roster,
    revoke,
    search_roster,
)
from kiosk.central.web import deps
from kiosk.central.web.deps import Console, ConsoleDep, UserDep
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.i18n import N_
from kiosk.storage.models import Event

router = deps.console_router()
PAGE = 50


def _roster_page(
    request: Request,
    console: Console,
    user: User,
    event: Event,
    *,
    q: str = "",
    page: int = 1,
    results: list[RowResult] | None = None,
    error: str = "",
) -> Response:
    """The roster (a page of it, matching ``q``), with an upload's outcome if any;
    ``error``: why the upload was refused (HTTP 422)."""
    rows, total = search_roster(console.store, event.code, q, page=page, page_size=PAGE)
    return deps.render(
        request,
        "roster.html",
        {
            "event": event,
            "rows": rows,
            "total": total,
            "q": q,
            "page": max(1, page),
            "pages": max(1, -(-total // PAGE)),
            "results": results,
            "error": error,
            "can_manage": user.can(MANAGE, event.id),
        },
        status_code=422 if error else 200,
        user=user,
    )


@router.get("/events/{code}/roster")
def roster_page(
    request: Request, code: str, console: ConsoleDep, user: UserDep, q: str = "", page: int = 1
) -> Response:
    event = deps.event_for(console, user, code, VIEW)
    return _roster_page(request, console, user, event, q=q[:100], page=page)


@router.post("/events/{code}/roster")
async def upload_roster(
    request: Request, code: str, console: ConsoleDep, user: UserDep, file: UploadFile
) -> Response:
    event = await run_in_threadpool(deps.event_for, console, user, code, MANAGE)
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
            import_roster, console.store, event.code, data, console.data_dir
        )
        await run_in_threadpool(
            lambda: audit(
                console.store,
                user,
                "roster_import",
                event_code=event.code,
                target=(file.filename or "")[:200],
                detail={
                    "accepted": sum(r.accepted for r in results or []),
                    "rejected": sum(not r.accepted for r in results or []),
                },
                address=deps.client_address(request),
            )
        )
    except KioskError as exc:
        error = deps.error_text(request, exc)
    return await run_in_threadpool(
        lambda: _roster_page(request, console, user, event, results=results, error=error)
    )


@router.post("/events/{code}/roster/revoke")
def revoke_attendee(
    request: Request,
    code: str,
    console: ConsoleDep,
    user: UserDep,
    attendee: str = Form(max_length=300),
) -> Response:
    event = deps.event_for(console, user, code, MANAGE)
    attendee_id = revoke(console.store, event.code, attendee)
    audit(console.store, user, "attendee_revoke", event_code=event.code, target=attendee_id,
          address=deps.client_address(request))  # fmt: skip
    return RedirectResponse(f"/console/events/{event.code}/roster", status_code=303)


def _qr_svg(token: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(token, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buf = io.BytesIO()
    image.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


@router.get("/events/{code}/badges")
def badge_sheet(
    request: Request, code: str, console: ConsoleDep, user: UserDep, q: str = "",
    attendee: str = "", reissued: str = "",
) -> Response:  # fmt: skip
    """A printable A4 sheet of badges (the browser prints it or saves it as PDF, with the
    names shaped in their own direction); ``q`` narrows it to matching people,
    ``attendee`` to one person (a re-issued badge)."""
    from kiosk.services.badge_sheet import badge_cards

    event = deps.event_for(console, user, code, MANAGE)
    ids = None
    if attendee:
        ids = [attendee[:36]]
    elif q:
        rows, _total = search_roster(console.store, event.code, q[:100], page_size=400)
        ids = [r.id for r in rows]
    cards = badge_cards(console.store, ids, event_id=event.id)[:2000]
    audit(console.store, user, "badge_sheet", event_code=event.code,
          detail={"badges": len(cards)}, address=deps.client_address(request))  # fmt: skip
    return deps.render(
        request,
        "badges.html",
        {"event": event, "cards": [(c, _qr_svg(c.token)) for c in cards], "reissued": reissued},
        user=user,
    )
