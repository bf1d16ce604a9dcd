"""The public follow-up page: anyone holding a receipt code sees the proposal's state
and the organiser's published answer, in the proposal's language. No log-in, no
personal data, rate limited per address; receipt codes carry 40 random bits, so they
are neither guessed nor enumerated at that rate."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import RateLimiter
from kiosk.central.review import normalise_receipt, public_followup
from kiosk.central.web import deps
from kiosk.central.web.deps import console_of

router = APIRouter(include_in_schema=False)
LOOKUPS = RateLimiter(30, 60.0)  # per address and minute


@router.get("/r")
def followup_form(request: Request, code: str = "") -> Response:
    if code:
        receipt = normalise_receipt(code)
        return RedirectResponse(f"/r/{receipt or 'unknown'}", status_code=303)
    return deps.render(
        request, "followup.html", {"result": None, "code": "", "asked": False}, public=True
    )


@router.get("/r/{code}")
async def followup(request: Request, code: str) -> Response:
    if not LOOKUPS.hit(deps.client_address(request)):
        return deps.render(
            request, "followup.html", {"result": None, "code": "", "asked": False, "limited": True},
            status_code=429, public=True,
        )  # fmt: skip
    console = console_of(request)
    result = await run_in_threadpool(public_followup, console.store, code[:20])
    return deps.render(
        request,
        "followup.html",
        {"result": result, "code": normalise_receipt(code[:20]), "asked": True},
        status_code=200 if result else 404,
        lang=result.language if result and "lang" not in request.session else None,
        public=True,
    )
