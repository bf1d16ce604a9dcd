"""Devices: enrolment requests to approve by the code the kiosk shows, the enrolled
kiosks with their state, revocation of one or many."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import MANAGE, VIEW, User, audit
from kiosk.central.devices import approve, list_devices, revoke_devices
from kiosk.central.stats import event_stats
from kiosk.central.web import deps
from kiosk.central.web.deps import ConsoleDep, UserDep
from kiosk.domain.errors import KioskError
from kiosk.storage.models import Event

router = deps.console_router()


def _page(
    request: Request, console: deps.Console, user: User, event: Event, **extra: Any
) -> Response:
    rows = list_devices(console.store, event.code)
    marks = {d["device_id"]: d for d in event_stats(console.store, event.code)["devices"]}
    return deps.render(
        request,
        "devices.html",
        {
            "event": event,
            "pending": [r for r in rows if r.status == "pending"],
            "devices": [r for r in rows if r.status != "pending"],
            "marks": marks,
            "can_manage": user.can(MANAGE, event.id),
            "error": "",
            "approved": None,
            **extra,
        },
        status_code=422 if extra.get("error") else 200,
        user=user,
    )


@router.get("/events/{code}/devices")
def devices_page(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = deps.event_for(console, user, code, VIEW)
    return _page(request, console, user, event)


@router.post("/events/{code}/devices/approve")
def approve_device(
    request: Request,
    code: str,
    console: ConsoleDep,
    user: UserDep,
    request_code: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    event = deps.event_for(console, user, code, MANAGE)
    try:
        approval = approve(
            console.store,
            console.data_dir,
            event.code,
            code=request_code,
            name=name.strip() or None,
            role=role if role in ("checkin", "proposals", "both") else None,
        )
    except KioskError as exc:
        return _page(request, console, user, event, error=deps.error_text(request, exc))
    audit(console.store, user, "device_approve", event_code=event.code,
          target=approval.device_id, detail={"name": approval.name, "role": approval.role},
          address=deps.client_address(request))  # fmt: skip
    return _page(request, console, user, event, approved=approval)


@router.post("/events/{code}/devices/revoke")
async def revoke_device(
    request: Request, code: str, console: ConsoleDep, user: UserDep
) -> Response:
    event = await run_in_threadpool(deps.event_for, console, user, code, MANAGE)
    form = await request.form()
    chosen = [str(v)[:64] for v in form.getlist("device")][:500]
    try:
        done = await run_in_threadpool(revoke_devices, console.store, event.code, chosen)
    except KioskError as exc:
        message = deps.error_text(request, exc)
        return await run_in_threadpool(lambda: _page(request, console, user, event, error=message))
    address = deps.client_address(request)
    for device_id in done:
        await run_in_threadpool(
            partial(
                audit, console.store, user, "device_revoke",
                event_code=event.code, target=device_id, address=address,
            )
        )  # fmt: skip
    return RedirectResponse(f"/console/events/{event.code}/devices", status_code=303)
