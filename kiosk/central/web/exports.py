"""Exports: today's CSV, XLSX, JSON and Decidim files, pseudonymised by default; the
proposals page's filters apply; contacts need their own permission; every export is
written to the audit log."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from kiosk.central import exports as central_exports
from kiosk.central.accounts import EXPORT, EXPORT_CONTACTS, audit
from kiosk.central.review import ProposalFilter, filtered_ids
from kiosk.central.web.deps import (
    ConsoleDep,
    Forbidden,
    UserDep,
    check_csrf,
    client_address,
    event_for,
    render,
)
from kiosk.central.web.events import safe_name

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.ms-excel", "json": "application/json",
           "decidim": "text/csv"}  # fmt: skip


@router.get("/events/{code}/exports")
def exports_page(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = event_for(console, user, code, EXPORT)
    f = ProposalFilter.from_params(request.query_params)
    f = ProposalFilter(**{**f.__dict__, "event": event.code})
    return render(
        request,
        "exports.html",
        {
            "event": event,
            "params": f.params(),
            "count": len(filtered_ids(console.store, f)),
            "can_contacts": user.can(EXPORT_CONTACTS, event.id),
        },
        user=user,
    )


def filtered_proposals_csv(console: ConsoleDep, event_code: str, f: ProposalFilter) -> bytes:
    """The proposals matching ``f`` in the export's own CSV form (same columns, same
    formula neutralisation as ``kiosk-central export --format csv``)."""
    wanted = set(filtered_ids(console.store, f))
    data = central_exports.collect(console.store, event_code)
    rows = [p for p in data["proposals"] if p["id"] in wanted]
    return central_exports._csv(rows, list(central_exports.PROPOSAL_COLUMNS))


@router.post("/events/{code}/exports")
def export_file(
    request: Request,
    code: str,
    console: ConsoleDep,
    user: UserDep,
    fmt: Annotated[str, Form(max_length=10)] = "csv",
    what: Annotated[str, Form(max_length=20)] = "filtered",
    contacts: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    event = event_for(console, user, code, EXPORT)
    with_contacts = contacts in ("1", "on")
    if with_contacts and not user.can(EXPORT_CONTACTS, event.id):
        raise Forbidden()
    if fmt not in FORMATS:
        fmt = "csv"
    f = ProposalFilter.from_params(request.query_params)
    f = ProposalFilter(**{**f.__dict__, "event": event.code})
    name = safe_name(event.code)
    if what == "filtered" and fmt == "csv":
        body = filtered_proposals_csv(console, event.code, f)
        filename = f"{name}-proposals.csv"
        count = body.count(b"\r\n") - 1
    else:
        with tempfile.TemporaryDirectory(dir=console.data_dir) as scratch:
            out = Path(scratch) / f"{name}.{'csv' if fmt == 'decidim' else fmt}"
            central_exports.export(console.store, event.code, fmt, out, with_contacts=with_contacts)
            if what == "attendance" and fmt == "csv":
                out = out.with_name(out.stem + "-attendance" + out.suffix)
            body = out.read_bytes()
            filename = out.name
        count = -1
    audit(
        console.store,
        user,
        "export_contacts" if with_contacts else "export",
        event_code=event.code,
        target=filename,
        detail={"format": fmt, "what": what, "filter": f.params(), "rows": count},
        address=client_address(request),
    )
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
