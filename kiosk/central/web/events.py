"""Events: the list, the national view, create and edit (themes in four languages),
and the event pack's download."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import ADMIN, MANAGE, VIEW, audit
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
from kiosk.central.web.deps import ConsoleDep, UserDep
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
        name=str(form.get("name", ""))[:300],
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
def event_page(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = deps.event_for(console, user, code, VIEW)
    stats = event_stats(console.store, event.code)
    passphrase = pack_passphrase(console.store, event.code) if user.can(MANAGE, event.id) else ""
    return deps.render(
        request,
        "event.html",
        {
            "event": event,
            "stats": stats,
            "themes": _themes(console, event.id),
            "passphrase": passphrase,
            "can_manage": user.can(MANAGE, event.id),
        },
        user=user,
    )


@router.get("/events/{code}/edit")
def edit_event_page(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = deps.event_for(console, user, code, MANAGE)
    return deps.render(
        request,
        "event_form.html",
        {"event": event, "themes": _themes(console, event.id), "error": "", "saved": False},
        user=user,
    )


@router.post("/events/{code}/edit")
async def save_event_page(
    request: Request, code: str, console: ConsoleDep, user: UserDep
) -> Response:
    event = await run_in_threadpool(deps.event_for, console, user, code, MANAGE)
    form = await request.form()
    error = ""
    try:
        fields = _event_form(form)
        themes = _themes_form(form)
        await run_in_threadpool(lambda: update_event(console.store, event.code, **fields))
        await run_in_threadpool(save_themes, console.store, event.code, themes)
        await run_in_threadpool(
            audit,
            console.store,
            user,
            "event_edit",
            event_code=event.code,
            detail={"themes": len(themes)},
            address=deps.client_address(request),
        )
    except KioskError as exc:
        error = deps.error_text(request, exc)
    event = await run_in_threadpool(deps.event_for, console, user, code, MANAGE)
    return deps.render(
        request,
        "event_form.html",
        {
            "event": event,
            "themes": await run_in_threadpool(_themes, console, event.id),
            "error": error,
            "saved": not error,
        },
        status_code=422 if error else 200,
        user=user,
    )


@router.get("/events/{code}/pack")
def download_pack(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = deps.event_for(console, user, code, MANAGE)
    built = build_pack(console.store, event.code, console.data_dir)
    audit(console.store, user, "pack_download", event_code=event.code,
          address=deps.client_address(request))  # fmt: skip
    return Response(
        built.data,
        media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="{safe_name(event.code)}.kpack"'},
    )
