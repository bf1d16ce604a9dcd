"""Devices: enrolment requests to approve by the code the kiosk shows, the enrolled
kiosks with their state, revocation of one or many."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import Form
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import MANAGE
from kiosk.central.devices import approve, list_devices, revoke_devices
from kiosk.central.stats import event_stats
from kiosk.central.web import deps
from kiosk.central.web.deps import EventPage
from kiosk.domain.errors import KioskError

router = deps.console_router()


def _page(page: EventPage, error: str = "", **extra: Any) -> Response:
    rows = list_devices(page.store, page.event.code)
    marks = {d["device_id"]: d for d in event_stats(page.store, page.event.code)["devices"]}
    return page.render(
        "devices.html",
        {
            "pending": [r for r in rows if r.status == "pending"],
            "devices": [r for r in rows if r.status != "pending"],
            "marks": marks,
            "can_manage": page.can(MANAGE),
            "approved": None,
            **extra,
        },
        error=error,
    )


@router.get("/events/{code}/devices")
def devices_page(page: deps.Viewing) -> Response:
    return _page(page)


@router.post("/events/{code}/devices/approve")
def approve_device(
    page: deps.Managing,
    request_code: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=100)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        approval = approve(
            page.store,
            page.console.data_dir,
            page.event.code,
            code=request_code,
            name=name.strip() or None,
            role=role if role in ("checkin", "proposals", "both") else None,
        )
    except KioskError as exc:
        return _page(page, error=page.error_text(exc))
    page.audit("device_approve", target=approval.device_id,
               detail={"name": approval.name, "role": approval.role})  # fmt: skip
    return _page(page, approved=approval)


@router.post("/events/{code}/devices/revoke")
async def revoke_device(page: deps.Managing) -> Response:
    form = await page.request.form()
    chosen = [str(v)[:64] for v in form.getlist("device")][:500]
    try:
        done = await run_in_threadpool(revoke_devices, page.store, page.event.code, chosen)
    except KioskError as exc:
        return await run_in_threadpool(_page, page, page.error_text(exc))
    for device_id in done:
        await run_in_threadpool(partial(page.audit, "device_revoke", target=device_id))
    return RedirectResponse(page.url("/devices"), status_code=303)
