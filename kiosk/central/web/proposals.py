"""Proposals: the filtered, searchable table; one proposal in its script and
direction; moderation and review (every change journaled in the audit log)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query
from fastapi.responses import RedirectResponse, Response

from kiosk.central.accounts import MANAGE, MODERATE
from kiosk.central.models import REVIEW_STATES
from kiosk.central.review import (
    ProposalFilter,
    ProposalRow,
    get_proposal,
    list_proposals,
    update_review,
)
from kiosk.central.web import deps
from kiosk.central.web.deps import EventPage
from kiosk.domain.errors import KioskError
from kiosk.domain.vocab import AGE_BANDS, PROFILES
from kiosk.i18n import LANGUAGES, NATIVE_NAMES

router = deps.console_router()


@router.get("/events/{code}/proposals")
def proposals_page(page: deps.Viewing, number: Annotated[int, Query(alias="page")] = 1) -> Response:
    from kiosk.central.web.events import _themes

    f = ProposalFilter.from_params(page.request.query_params, event=page.event.code)
    return page.render(
        "proposals.html",
        {
            "result": list_proposals(page.store, f, page=number),
            "f": f,
            "params": f.params(),
            "themes": _themes(page.console, page.event.id),
            "states": REVIEW_STATES,
            "languages_all": [(c, NATIVE_NAMES[c]) for c in LANGUAGES],
            "age_bands": AGE_BANDS,
            "profiles": PROFILES,
            "can_moderate": page.can(MODERATE),
            "can_manage": page.can(MANAGE),
        },
    )


def _proposal(page: EventPage, proposal_id: str) -> ProposalRow:
    """The proposal ``proposal_id`` if it belongs to this page's event (else 403)."""
    row = get_proposal(page.store, proposal_id)
    if row.event_code != page.event.code:
        raise deps.Forbidden()
    return row


def _proposal_page(page: EventPage, row: ProposalRow, error: str = "") -> Response:
    """One proposal with its review; ``error``: the change just refused (HTTP 422)."""
    return page.render(
        "proposal.html",
        {
            "p": row,
            "states": REVIEW_STATES,
            "can_moderate": page.can(MODERATE),
            "can_answer": page.can(MANAGE),
        },
        error=error,
    )


@router.get("/events/{code}/proposals/{proposal_id}")
def proposal_page(page: deps.Viewing, proposal_id: str) -> Response:
    try:
        row = _proposal(page, proposal_id)
    except KioskError:
        missing = {"message_id": "No such proposal."}
        return deps.render(page.request, "error.html", missing, status_code=404, user=page.user)
    return _proposal_page(page, row)


@router.post("/events/{code}/proposals/{proposal_id}")
def review_proposal(
    page: deps.Viewing,
    proposal_id: str,
    action: Annotated[str, Form(max_length=20)],
    state: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=600)] = "",
    note: Annotated[str, Form(max_length=6000)] = "",
    assignee: Annotated[str, Form(max_length=64)] = "",
    answer: Annotated[str, Form(max_length=12000)] = "",
) -> Response:
    row = _proposal(page, proposal_id)
    if not page.can(MANAGE if action in ("answer", "publish", "unpublish") else MODERATE):
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
            page.store,
            proposal_id,
            by=page.user,
            address=deps.client_address(page.request),
            **changes,  # type: ignore[arg-type]
        )
    except KioskError as exc:
        error = page.error_text(exc)
    if not error:
        return RedirectResponse(page.url(f"/proposals/{proposal_id}"), status_code=303)
    return _proposal_page(page, row, error=error)
