"""Exports of an event's proposals and attendance: CSV, XLSX, JSON and Decidim's import.

Neutralised per format: in CSV for spreadsheets, a cell that a spreadsheet would
run as a formula (``=``, ``+``, ``-``, ``@``, a tab or a return, also after
invisible marks such as LRM or ALM, and in their full-width forms) gets a leading
apostrophe; XLSX cells are typed as text, and JSON and Decidim's import get every
value as it is (so a phone number stays ``+212...``). Contact details (phone,
e-mail) are left out unless asked for.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kiosk.central.organiser import find_event
from kiosk.i18n import LANGUAGES
from kiosk.storage.models import Attendee, CheckIn, Proposal, Theme
from kiosk.storage.store import Store
from kiosk.sync import records

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What a proposal record holds (kiosk.sync.records), less what stays internal, with the
# theme's name in the proposal's language next to its code.
_NOT_EXPORTED = {"id", "theme", "device_id", "event_id", "attendee_id", "training"}
PROPOSAL_COLUMNS = (
    "id",
    "theme",
    "theme_name",
    *(f for f in records.field_names(records.ProposalSubmitted) if f not in _NOT_EXPORTED),
    "device_id",
)
ATTENDANCE_COLUMNS = (
    "id",
    "external_id",
    "kind",
    "name",
    "name_latin",
    "organisation",
    "category",
    "province",
    "checked_in_at",
    "station",
)


def neutralise(value: Any) -> Any:
    """A CSV cell as a spreadsheet will not run it."""
    if not isinstance(value, str):
        return value
    # Invisible format marks (LRM, RLM, ALM...) before the sign do not stop a
    # spreadsheet; full-width signs are read as the ASCII ones (NFKC).
    visible = value.lstrip("".join(c for c in value[:8] if unicodedata.category(c) == "Cf"))
    if unicodedata.normalize("NFKC", visible[:1]).startswith(FORMULA_START) or value.startswith(
        FORMULA_START
    ):
        return "'" + value
    return value


def collect(
    store: Store, event_code: str, *, with_contacts: bool = False, include_training: bool = False
) -> dict[str, list[dict[str, Any]]]:
    with store.uow(readonly=True) as uow:
        s = uow.session
        event = find_event(uow, event_code)
        themes = {
            t.code: t.names for t in s.scalars(select(Theme).where(Theme.event_id == event.id))
        }
        where = [Proposal.event_id == event.id]
        if not include_training:
            where.append(Proposal.training.is_(False))
        proposals = []
        for p in s.scalars(
            select(Proposal).where(*where).order_by(Proposal.created_at, Proposal.id)
        ):
            names = themes.get(p.theme_code, {})
            proposals.append(
                {
                    "id": p.id,
                    "theme": p.theme_code,
                    "theme_name": names.get(p.language) or names.get("en", p.theme_code),
                    "language": p.language,
                    "title": p.title,
                    "body": p.body,
                    "age_band": p.age_band,
                    "gender": p.gender,
                    "province": p.province,
                    "profile": p.profile,
                    "consent_publish": p.consent_publish,
                    "receipt_code": p.receipt_code,
                    "created_at": p.created_at.isoformat(),
                    "device_id": p.device_id,
                }
            )
        first: dict[str, CheckIn] = {}
        for c in s.scalars(
            select(CheckIn)
            .where(
                CheckIn.event_id == event.id,
                CheckIn.outcome == "accepted",
                CheckIn.undone_at.is_(None),
            )
            .order_by(CheckIn.at, CheckIn.id)
        ):
            if c.attendee_id and (include_training or not c.training):
                first.setdefault(c.attendee_id, c)
        attendance = []
        for a in s.scalars(
            select(Attendee)
            .where(Attendee.event_id == event.id)
            .order_by(Attendee.external_id, Attendee.id)
        ):
            seen = first.get(a.id)
            row = {
                "id": a.id,
                "external_id": a.external_id or "",
                "kind": a.kind,
                "name": a.name,
                "name_latin": a.name_latin,
                "organisation": a.organisation,
                "category": a.category,
                "province": a.province,
                "checked_in_at": seen.at.isoformat() if seen else "",
                "station": seen.station if seen else "",
            }
            if with_contacts:
                row |= {"phone": a.phone, "email": a.email}
            attendance.append(row)
    return {"proposals": proposals, "attendance": attendance}


def _csv(rows: list[dict[str, Any]], columns: list[str], *, for_spreadsheets: bool = True) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    cell = neutralise if for_spreadsheets else (lambda value: value)
    for row in rows:
        writer.writerow([cell(row.get(c, "")) for c in columns])
    # UTF-8 with BOM: spreadsheet programs then read Arabic and Tifinagh right.
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def decidim_rows(proposals: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Columns Decidim's proposal import reads: title/<locale>, body/<locale>, ..."""
    columns = (
        ["id"]
        + [f"title/{lang}" for lang in LANGUAGES]
        + [f"body/{lang}" for lang in LANGUAGES]
        + ["category/name", "reference"]
    )
    rows = []
    for p in proposals:
        if not p["consent_publish"]:
            continue  # only what the authors let us publish goes to a public platform
        row = {
            "id": p["id"],
            f"title/{p['language']}": p["title"],
            f"body/{p['language']}": p["body"],
            "category/name": p["theme_name"],
            "reference": p["receipt_code"],
        }
        rows.append(row)
    return columns, rows


def export(
    store: Store,
    event_code: str,
    fmt: str,
    out: Path,
    *,
    with_contacts: bool = False,
    include_training: bool = False,
) -> list[Path]:
    data = collect(
        store, event_code, with_contacts=with_contacts, include_training=include_training
    )
    attendance_cols = list(ATTENDANCE_COLUMNS) + (["phone", "email"] if with_contacts else [])
    written = [out]
    if fmt == "json":
        out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    elif fmt == "csv":
        out.write_bytes(_csv(data["proposals"], list(PROPOSAL_COLUMNS)))
        attendance = out.with_name(out.stem + "-attendance" + out.suffix)
        attendance.write_bytes(_csv(data["attendance"], attendance_cols))
        written.append(attendance)
    elif fmt == "decidim":
        columns, rows = decidim_rows(data["proposals"])
        out.write_bytes(_csv(rows, columns, for_spreadsheets=False))  # read by Decidim
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        for index, (name, rows, columns) in enumerate(
            (
                ("proposals", data["proposals"], list(PROPOSAL_COLUMNS)),
                ("attendance", data["attendance"], attendance_cols),
            )
        ):
            sheet = book.active if index == 0 else book.create_sheet()
            assert sheet is not None
            sheet.title = name
            sheet.append(columns)
            for row in rows:
                sheet.append([row.get(c, "") for c in columns])
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text, never a formula
        book.save(out)
    else:
        raise ValueError(fmt)
    return written
