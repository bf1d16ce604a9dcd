"""Exports: CSV, XLSX, JSON and Decidim files through :func:`kiosk.central.exports.export`
(the one implementation ``kiosk-central export`` uses), pseudonymised by default; the
proposals page's filters apply (its review state and hidden criteria as the proposals
they leave); contacts need their own permission; every export goes to the audit log."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from kiosk.central import exports as central_exports
from kiosk.central.accounts import EXPORT, EXPORT_CONTACTS, User, audit
from kiosk.central.review import ProposalFilter, filtered_ids
from kiosk.central.web import deps
from kiosk.central.web.deps import ConsoleDep, UserDep
from kiosk.central.web.events import safe_name
from kiosk.domain.errors import KioskError
from kiosk.storage.models import Event

router = deps.console_router()
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "decidim-csv": "text/csv",
    "decidim-json": "application/json",
    "decidim-xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_filter(
    console: deps.Console, f: ProposalFilter, *, whole: bool
) -> central_exports.ExportFilter:
    """The proposals page's filter as the export's (``whole``: the event, unfiltered)."""
    if whole:
        return central_exports.ExportFilter(event=f.event)

    def one(value: str) -> tuple[str, ...]:
        return (value,) if value else ()

    def day(value: str) -> dt.datetime | None:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC) if value else None

    until = day(f.date_to)
    console_only = f.state or f.hidden != "all" or f.personal_data or f.assignee
    return central_exports.ExportFilter(
        event=f.event,
        themes=one(f.theme),
        languages=one(f.language),
        provinces=one(f.province),
        categories=one(f.category),
        age_bands=one(f.age_band),
        since=day(f.date_from),
        until=until + dt.timedelta(days=1) if until else None,
        devices=one(f.device),
        text=f.query,
        proposal_ids=frozenset(filtered_ids(console.store, f)) if console_only else None,
    )


def _exports_page(
    request: Request, console: deps.Console, user: User, event: Event, error: str = ""
) -> Response:
    """The export form for the proposals page's filters (in the query); ``error``: why
    the export was refused (HTTP 422)."""
    f = ProposalFilter.from_params(request.query_params, event=event.code)
    return deps.render(
        request,
        "exports.html",
        {
            "event": event,
            "params": f.params(),
            "count": len(filtered_ids(console.store, f)),
            "can_contacts": user.can(EXPORT_CONTACTS, event.id),
            "error": error,
        },
        status_code=422 if error else 200,
        user=user,
    )


@router.get("/events/{code}/exports")
def exports_page(request: Request, code: str, console: ConsoleDep, user: UserDep) -> Response:
    event = deps.event_for(console, user, code, EXPORT)
    return _exports_page(request, console, user, event)


@router.post("/events/{code}/exports")
def export_file(
    request: Request,
    code: str,
    console: ConsoleDep,
    user: UserDep,
    fmt: Annotated[str, Form(max_length=20)] = "csv",
    what: Annotated[str, Form(max_length=20)] = "filtered",
    contacts: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    event = deps.event_for(console, user, code, EXPORT)
    with_contacts = contacts in ("1", "on") and not fmt.startswith("decidim")
    if with_contacts and not user.can(EXPORT_CONTACTS, event.id):
        raise deps.Forbidden()
    if fmt not in FORMATS:
        fmt = "csv"
    f = ProposalFilter.from_params(request.query_params, event=event.code)
    flt = export_filter(console, f, whole=what == "all")
    kind = "csv" if fmt == "decidim" else fmt.removeprefix("decidim-")
    name = safe_name(event.code)
    try:
        with tempfile.TemporaryDirectory(dir=console.data_dir) as scratch:
            out = (
                Path(scratch)
                / f"{name}-{'decidim' if fmt.startswith('decidim') else 'proposals'}.{kind}"
            )
            result = central_exports.export(
                console.store, flt, fmt, out, with_contacts=with_contacts
            )
            chosen = out
            if what == "attendance" and fmt == "csv" and len(result.files) > 1:
                chosen = result.files[1]
            body, filename = chosen.read_bytes(), chosen.name
    except KioskError as exc:
        return _exports_page(request, console, user, event, deps.error_text(request, exc))
    audit(
        console.store,
        user,
        "export_contacts" if with_contacts else "export",
        event_code=event.code,
        target=filename,
        detail={"format": fmt, "what": what, "filter": flt.describe(), "rows": result.proposals},
        address=deps.client_address(request),
    )
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
