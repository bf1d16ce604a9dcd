"""Events: the list, the national view, create and edit (themes in four languages),
and the event pack's download."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import ADMIN, MANAGE, audit
from kiosk.central.organiser import (
    EventFields,
    build_pack,
    create_event,
    pack_passphrase,
    save_themes,
    update_event,
)
from kiosk.central.stats import event_stats
from kiosk.central.web import deps
from kiosk.central.web.deps import ConsoleDep, EventPage, UserDep
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.i18n import LANGUAGES, N_
from kiosk.storage.models import Theme

EVENT_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
router = deps.console_router()


def safe_name(text: str) -> str:
    """A file name for a download header (an event code made by the CLI may hold anything)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)[:64]


def _time(value: str) -> dt.datetime:
    from kiosk.central.cli_common import parse_time

    return parse_time(value.strip()[:40])


@router.get("/")
def events_page(request: Request, console: ConsoleDep, user: UserDep) -> Response:
    events = deps.visible_events(console, user)
    return deps.render(
        request,
        "events.html",
        {"events": events, "can_create": user.can(ADMIN, None)},
        user=user,
    )


@router.get("/national")
def national_page(request: Request, console: ConsoleDep, user: UserDep) -> Response:
    rows: list[dict[str, Any]] = []
    for event in deps.visible_events(console, user):
        stats = event_stats(console.store, event.code)
        rows.append({"event": event, "stats": stats})
    totals = {
        key: sum(int(r["stats"][key]) for r in rows)
        for key in ("attendees", "walk_ins", "unique_checkins", "proposals")
    }
    return deps.render(request, "national.html", {"rows": rows, "totals": totals}, user=user)


def _event_form(form: Any) -> EventFields:
    return EventFields(
        # The one name follows the names per language (the form has no field for it).
        name=str(form.get("name", ""))[:300],
        names={lang: str(form.get(f"name_{lang}", ""))[:300] for lang in LANGUAGES},
        followup_url=str(form.get("followup_url", ""))[:300],
        region=str(form.get("region", ""))[:200],
        venue=str(form.get("venue", ""))[:200],
        starts=_time(str(form.get("starts", ""))),
        ends=_time(str(form.get("ends", ""))),
        languages=[lang for lang in LANGUAGES if form.get(f"lang_{lang}")],
    )


def _themes_form(form: Any) -> list[dict[str, Any]]:
    themes = []
    for i in range(60):
        if f"theme_{i}_code" not in form:
            continue
        themes.append(
            {
                "code": str(form.get(f"theme_{i}_code", ""))[:64],
                "names": {lang: str(form.get(f"theme_{i}_{lang}", ""))[:300] for lang in LANGUAGES},
            }
        )
    return themes


@router.get("/events/new")
def new_event_page(request: Request, user: UserDep) -> Response:
    if not user.can(ADMIN, None):
        raise deps.Forbidden()
    return deps.render(
        request, "event_form.html", {"event": None, "themes": [], "error": ""}, user=user
    )


@router.post("/events/new")
async def create_event_page(request: Request, console: ConsoleDep, user: UserDep) -> Response:
    if not user.can(ADMIN, None):
        raise deps.Forbidden()
    form = await request.form()
    code = str(form.get("code", "")).strip()[:64]
    try:
        if not EVENT_CODE.match(code):
            raise ValidationError(
                N_("An event code has 1 to 64 letters, digits, - or _."), code="bad_event_code"
            )
        fields = _event_form(form)
        await run_in_threadpool(lambda: create_event(console.store, code=code, **fields))
        await run_in_threadpool(
            audit,
            console.store,
            user,
            "event_create",
            event_code=code,
            address=deps.client_address(request),
        )
    except KioskError as exc:
        return deps.render(
            request,
            "event_form.html",
            {"event": None, "themes": [], "error": deps.error_text(request, exc)},
            status_code=422,
            user=user,
        )
    return RedirectResponse(f"/console/events/{code}/edit", status_code=303)


def _themes(console: Any, event_id: str) -> list[Theme]:
    with console.store.uow(readonly=True) as uow:
        rows = list(
            uow.session.scalars(
                select(Theme).where(Theme.event_id == event_id).order_by(Theme.position)
            )
        )
        for row in rows:
            uow.session.expunge(row)
        return rows


@router.get("/events/{code}")
def event_page(page: deps.Viewing) -> Response:
    can_manage = page.can(MANAGE)
    return page.render(
        "event.html",
        {
            "stats": event_stats(page.store, page.event.code),
            "themes": _themes(page.console, page.event.id),
            "passphrase": pack_passphrase(page.store, page.event.code) if can_manage else "",
            "can_manage": can_manage,
        },
    )


def _form_page(page: EventPage, error: str = "", saved: bool = False) -> Response:
    """The event's form with its themes as they are now (after a save, the new ones)."""
    event = deps.event_for(page.console, page.user, page.event.code, MANAGE)
    return replace(page, event=event).render(
        "event_form.html", {"themes": _themes(page.console, event.id), "saved": saved}, error=error
    )


@router.get("/events/{code}/edit")
def edit_event_page(page: deps.Managing) -> Response:
    return _form_page(page)


@router.post("/events/{code}/edit")
async def save_event_page(page: deps.Managing) -> Response:
    form = await page.request.form()
    error = ""
    try:
        fields = _event_form(form)
        themes = _themes_form(form)
        await run_in_threadpool(lambda: update_event(page.store, page.event.code, **fields))
        await run_in_threadpool(save_themes, page.store, page.event.code, themes)
        await run_in_threadpool(lambda: page.audit("event_edit", detail={"themes": len(themes)}))
    except KioskError as exc:
        error = page.error_text(exc)
    return await run_in_threadpool(_form_page, page, error, not error)


@router.get("/events/{code}/pack")
def download_pack(page: deps.Managing) -> Response:
    built = build_pack(page.store, page.event.code, page.console.data_dir)
    page.audit("pack_download")
    return Response(
        built.data,
        media_type="application/octet-stream",
        headers={
            "content-disposition": f'attachment; filename="{safe_name(page.event.code)}.kpack"'
        },
    )
