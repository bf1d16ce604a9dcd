"""Proposals: the filtered, searchable table; one proposal in its script and
direction; moderation and review (every change journaled in the audit log)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from kiosk.central.accounts import MANAGE, MODERATE, VIEW, User
from kiosk.central.models import REVIEW_STATES
from kiosk.central.review import (
    ProposalFilter,
    ProposalRow,
    get_proposal,
    list_proposals,
    update_review,
)
from kiosk.central.web import deps
from kiosk.central.web.deps import ConsoleDep, UserDep
from kiosk.domain.errors import KioskError
from kiosk.domain.vocab import AGE_BANDS, PROFILES
from kiosk.i18n import LANGUAGES, NATIVE_NAMES
from kiosk.storage.models import Event

router = deps.console_router()


@router.get("/events/{code}/proposals")
def proposals_page(
    request: Request, code: str, console: ConsoleDep, user: UserDep, page: int = 1
) -> Response:
    event = deps.event_for(console, user, code, VIEW)
    f = ProposalFilter.from_params(request.query_params, event=event.code)
    result = list_proposals(console.store, f, page=page)
    from kiosk.central.web.events import _themes

    return deps.render(
        request,
        "proposals.html",
        {
            "event": event,
            "result": result,
            "f": f,
            "params": f.params(),
            "themes": _themes(console, event.id),
            "states": REVIEW_STATES,
            "languages_all": [(c, NATIVE_NAMES[c]) for c in LANGUAGES],
            "age_bands": AGE_BANDS,
            "profiles": PROFILES,
            "can_moderate": user.can(MODERATE, event.id),
            "can_manage": user.can(MANAGE, event.id),
        },
        user=user,
    )


def _proposal_event(console: ConsoleDep, user: UserDep, code: str, proposal_id: str):  # type: ignore[no-untyped-def]
    event = deps.event_for(console, user, code, VIEW)
    row = get_proposal(console.store, proposal_id)
    if row.event_code != event.code:
        raise deps.Forbidden()
    return event, row


def _proposal_page(
    request: Request, user: User, event: Event, row: ProposalRow, error: str = ""
) -> Response:
    """One proposal with its review; ``error``: the change just refused (HTTP 422)."""
    return deps.render(
        request,
        "proposal.html",
        {
            "event": event,
            "p": row,
            "states": REVIEW_STATES,
            "can_moderate": user.can(MODERATE, event.id),
            "can_answer": user.can(MANAGE, event.id),
            "error": error,
        },
        status_code=422 if error else 200,
        user=user,
    )


@router.get("/events/{code}/proposals/{proposal_id}")
def proposal_page(
    request: Request, code: str, proposal_id: str, console: ConsoleDep, user: UserDep
) -> Response:
    try:
        event, row = _proposal_event(console, user, code, proposal_id)
    except KioskError:
        missing = {"message_id": "No such proposal."}
        return deps.render(request, "error.html", missing, status_code=404, user=user)
    return _proposal_page(request, user, event, row)


@router.post("/events/{code}/proposals/{proposal_id}")
def review_proposal(
    request: Request,
    code: str,
    proposal_id: str,
    console: ConsoleDep,
    user: UserDep,
    action: Annotated[str, Form(max_length=20)],
    state: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=600)] = "",
    note: Annotated[str, Form(max_length=6000)] = "",
    assignee: Annotated[str, Form(max_length=64)] = "",
    answer: Annotated[str, Form(max_length=12000)] = "",
) -> Response:
    event, row = _proposal_event(console, user, code, proposal_id)
    needed = MANAGE if action in ("answer", "publish", "unpublish") else MODERATE
    if not user.can(needed, event.id):
        raise deps.Forbidden()
    changes: dict[str, object] = {}
    if action == "review":
        changes = {"state": state, "note": note, "assignee": assignee}
    elif action == "hide":
        changes = {"hide": reason}
    elif action == "restore":
        changes = {"restore": True}
    elif action == "personal":
        changes = {"personal_data": not row.personal_data}
    elif action == "answer":
        changes = {"answer": answer}
    elif action == "publish":
        changes = {"answer": answer, "publish": True}
    elif action == "unpublish":
        changes = {"publish": False}
    error = ""
    try:
        row = update_review(
            console.store,
            proposal_id,
            by=user,
            address=deps.client_address(request),
            **changes,  # type: ignore[arg-type]
        )
    except KioskError as exc:
        error = deps.error_text(request, exc)
    if not error:
        return RedirectResponse(
            f"/console/events/{event.code}/proposals/{proposal_id}", status_code=303
        )
    return _proposal_page(request, user, event, row, error=error)
