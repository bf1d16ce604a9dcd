"""Exports: CSV, XLSX, JSON and Decidim files through :func:`kiosk.central.exports.export`
(the one implementation ``kiosk-central export`` uses), pseudonymised by default; the
proposals page's filters apply (its review state and hidden criteria as the proposals
they leave); contacts need their own permission; every export goes to the audit log."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import Form
from fastapi.responses import Response

from kiosk.central import exports as central_exports
from kiosk.central.accounts import EXPORT_CONTACTS
from kiosk.central.review import ProposalFilter, filtered_ids
from kiosk.central.web import deps
from kiosk.central.web.deps import EventPage
from kiosk.central.web.events import safe_name
from kiosk.domain.errors import KioskError

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


def _exports_page(page: EventPage, error: str = "") -> Response:
    """The export form for the proposals page's filters (in the query); ``error``: why
    the export was refused (HTTP 422)."""
    f = ProposalFilter.from_params(page.request.query_params, event=page.event.code)
    return page.render(
        "exports.html",
        {
            "params": f.params(),
            "count": len(filtered_ids(page.store, f)),
            "can_contacts": page.can(EXPORT_CONTACTS),
        },
        error=error,
    )


@router.get("/events/{code}/exports")
def exports_page(page: deps.Exporting) -> Response:
    return _exports_page(page)


@router.post("/events/{code}/exports")
def export_file(
    page: deps.Exporting,
    fmt: Annotated[str, Form(max_length=20)] = "csv",
    what: Annotated[str, Form(max_length=20)] = "filtered",
    contacts: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    with_contacts = contacts in ("1", "on") and not fmt.startswith("decidim")
    if with_contacts and not page.can(EXPORT_CONTACTS):
        raise deps.Forbidden()
    if fmt not in FORMATS:
        fmt = "csv"
    f = ProposalFilter.from_params(page.request.query_params, event=page.event.code)
    flt = export_filter(page.console, f, whole=what == "all")
    kind = "csv" if fmt == "decidim" else fmt.removeprefix("decidim-")
    name = safe_name(page.event.code)
    try:
        with tempfile.TemporaryDirectory(dir=page.console.data_dir) as scratch:
            out = (
                Path(scratch)
                / f"{name}-{'decidim' if fmt.startswith('decidim') else 'proposals'}.{kind}"
            )
            result = central_exports.export(page.store, flt, fmt, out, with_contacts=with_contacts)
            chosen = out
            if what == "attendance" and fmt == "csv" and len(result.files) > 1:
                chosen = result.files[1]
            body, filename = chosen.read_bytes(), chosen.name
    except KioskError as exc:
        return _exports_page(page, page.error_text(exc))
    page.audit(
        "export_contacts" if with_contacts else "export",
        target=filename,
        detail={"format": fmt, "what": what, "filter": flt.describe(), "rows": result.proposals},
    )
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
