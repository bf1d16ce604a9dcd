"""Exports of proposals and attendance: CSV, XLSX, JSON and Decidim's import (CSV, JSON,
XLSX), filtered and pseudonymised by default. The console's Exports page and
``kiosk-central export`` both call :func:`export` with an :class:`ExportFilter`.

Pseudonymised (the default): no names, organisations, roster ids, contacts or receipt
codes; the attendee is a pseudonym, the same in both sheets of one export (so an
analyst can tell that two proposals have one author) but different in the next export:
it is an HMAC of the attendee id under a key drawn for this export and never kept.
``with_contacts=True`` gives names, contacts and ids; the caller must have checked that
the person may see them (the console checks the role, the CLI is the organiser's own).

Neutralised per format: in CSV for spreadsheets, a cell that a spreadsheet would run as
a formula (``=``, ``+``, ``-``, ``@``, a tab or a return, also after invisible marks such
as LRM or ALM, and in their full-width forms) gets a leading apostrophe; XLSX cells are
typed as text, and JSON and Decidim's import get every value as it is (so a phone number
stays ``+212...``).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import io
import json
import os
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import and_, or_, select

from kiosk.central import decidim
from kiosk.domain import search
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.vocab import AGE_BANDS, CATEGORIES, PROFILES
from kiosk.i18n import LANGUAGES, N_, Msg
from kiosk.storage.files import write_atomically
from kiosk.storage.models import Attendee, CheckIn, Event, Proposal, Theme
from kiosk.storage.store import Store
from kiosk.sync import records

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx", "json", "decidim", "decidim-csv", "decidim-json", "decidim-xlsx")
# What a proposal record holds (kiosk.sync.records), less what stays internal or links
# the row to a person (the receipt code is in the citizen's hand), with the theme's name
# in the proposal's language next to its code.
_NOT_EXPORTED = {
    "id",
    "theme",
    "device_id",
    "event_id",
    "attendee_id",
    "training",
    "receipt_code",
}
PROPOSAL_COLUMNS = (
    "id",
    "theme",
    "theme_name",
    *(f for f in records.field_names(records.ProposalSubmitted) if f not in _NOT_EXPORTED),
    "device_id",
    "event",
    "author",  # the attendee's pseudonym (their id with contacts); "" when anonymous
)
CONTACT_PROPOSAL_COLUMNS = (*PROPOSAL_COLUMNS, "receipt_code")
ATTENDANCE_COLUMNS = (
    "attendee",  # pseudonym (the attendee id with contacts)
    "event",
    "kind",
    "category",
    "province",
    "checked_in_at",
    "station",
)
CONTACT_ATTENDANCE_COLUMNS = (
    *ATTENDANCE_COLUMNS,
    "external_id",
    "name",
    "name_latin",
    "organisation",
    "phone",
    "email",
)
MAX_SEARCH = 200
_UUID = records.Uuid


@dataclasses.dataclass(frozen=True)
class ExportFilter:
    """Which rows an export holds. Empty criteria select everything.

    Proposals: every criterion. Attendance (one row per attendee): event, province,
    category, and the date range and device of the attendee's first check-in; theme,
    language, age band and text describe proposals only.
    """

    event: str | None = None  # an event code; None: every event (the national view)
    themes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    # Attendee category from the roster; for a proposal without a known attendee, the
    # profile its author chose on the kiosk.
    categories: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    since: dt.datetime | None = None  # from (inclusive), UTC-aware
    until: dt.datetime | None = None  # to (exclusive)
    devices: tuple[str, ...] = ()
    text: str = ""  # every word, in title or body, folded as the kiosk's name search
    include_training: bool = False
    # The console's own criteria (review state, hidden), as the proposals they leave:
    # None is no restriction. Proposals only; the audit log gets their count.
    proposal_ids: frozenset[str] | None = None

    def describe(self) -> dict[str, Any]:
        """The filter as plain JSON values (for the export's JSON and the audit log)."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, frozenset):
                value = len(value)
            elif isinstance(value, dt.datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            if value not in (None, "", [], False):
                out[field.name] = value
        return out


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """What was written: files, row counts, and whether contacts were in it."""

    files: tuple[Path, ...]
    format: str
    proposals: int
    attendance: int | None  # None: the format has no attendance (Decidim)
    with_contacts: bool
    filter: ExportFilter


@dataclasses.dataclass(frozen=True)
class Collected:
    proposals: list[dict[str, Any]]
    attendance: list[dict[str, Any]]
    regions: dict[str, str]  # event code -> region


def neutralise(value: Any) -> Any:
    """A CSV cell as a spreadsheet will not run it."""
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first.isascii():  # no invisible mark, NFKC the same: the sign itself decides
        return "'" + value if first in FORMULA_START else value
    if unicodedata.category(first)[0] == "L":  # a letter (Arabic, Tifinagh...) is text
        return value
    # Invisible format marks (LRM, RLM, ALM...) before the sign do not stop a
    # spreadsheet; full-width signs are read as the ASCII ones (NFKC).
    visible = value.lstrip("".join(c for c in value[:8] if unicodedata.category(c) == "Cf"))
    if unicodedata.normalize("NFKC", visible[:1]).startswith(FORMULA_START) or value.startswith(
        FORMULA_START
    ):
        return "'" + value
    return value


class Pseudonyms:
    """Attendee ids to pseudonyms, stable within one export and unlinkable across them:
    HMAC-SHA256 under a random key that lives as long as this object."""

    def __init__(self) -> None:
        self._key = os.urandom(32)

    def __call__(self, attendee_id: str | None) -> str:
        if not attendee_id:
            return ""
        digest = hmac.new(self._key, attendee_id.encode("ascii"), hashlib.sha256)
        return "P-" + digest.hexdigest()[:16]


@functools.cache
def _marks() -> dict[int, None]:
    # Every combining mark (Unicode categories Mn and Me) and tatweel, for str.translate:
    # the name search drops the same characters one by one, which is slow on bodies.
    table: dict[int, None] = dict.fromkeys(
        cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) in ("Mn", "Me")
    )
    table[0x0640] = None
    return table


def fold(text: str) -> str:
    """``kiosk.domain.search.search_key(text)``, the same result, faster on long text
    (tests/central/test_export_filters.py compares the two)."""
    arabic = search._ARABIC_FOLD  # the one table of the name search
    decomposed = unicodedata.normalize("NFD", text.translate(arabic))
    kept = decomposed if decomposed.isascii() else decomposed.translate(_marks())
    folded = unicodedata.normalize("NFC", kept).translate(arabic).casefold()
    return " ".join(folded.split())


def text_matches(query: str) -> Callable[[str, str], bool]:
    """A predicate on (title, body) for a search text, folded like the name search
    (kiosk.domain.search): every word of the query must occur."""
    words = fold(query).split() if query.strip() else []

    def match(title: str, body: str) -> bool:
        if not words:
            return True
        key = fold(title + " " + body)
        return all(word in key for word in words)

    return match


def _unknown(kind: Msg, values: Iterable[str], known: Iterable[str]) -> None:
    bad = sorted(set(values) - set(known))
    if bad:
        raise ValidationError(
            N_("Unknown {kind} in the filter: {values}."),
            code="bad_filter",
            kind=kind,
            values=", ".join(bad),
        )


def check_filter(flt: ExportFilter, theme_codes: Iterable[str]) -> None:
    """Refuse a filter that could only select nothing by mistake (a typo)."""
    _unknown(Msg(N_("theme")), flt.themes, theme_codes)
    _unknown(Msg(N_("language")), flt.languages, LANGUAGES)
    _unknown(Msg(N_("age band")), flt.age_bands, AGE_BANDS)
    _unknown(Msg(N_("category")), flt.categories, {*CATEGORIES, *PROFILES})
    try:
        msgspec.json.decode(msgspec.json.encode(list(flt.devices)), type=list[_UUID])
    except msgspec.ValidationError as exc:
        raise ValidationError(
            N_("Not a device id: {values}."), code="bad_filter", values=", ".join(flt.devices)
        ) from exc
    for when in (flt.since, flt.until):
        if when is not None and when.tzinfo is None:
            raise ValueError("naive datetime in an export filter")
    if flt.since and flt.until and flt.since >= flt.until:
        raise ValidationError(
            N_("The filter's start ({since}) is not before its end ({until})."),
            code="bad_filter",
            since=flt.since.isoformat(),
            until=flt.until.isoformat(),
        )
    if len(flt.text) > MAX_SEARCH:
        raise ValidationError(
            N_("The search text is longer than {limit} characters."),
            code="bad_filter",
            limit=MAX_SEARCH,
        )


def collect(
    store: Store,
    flt: ExportFilter,
    *,
    with_contacts: bool = False,
    pseudonyms: Pseudonyms | None = None,
) -> Collected:
    """The rows the filter selects, pseudonymised unless ``with_contacts``."""
    alias = pseudonyms or Pseudonyms()

    def who(attendee_id: str | None) -> str:
        return (attendee_id or "") if with_contacts else alias(attendee_id)

    with store.uow(readonly=True) as uow:
        s = uow.session
        events = select(Event)
        if flt.event is not None:
            events = events.where(Event.code == flt.event)
        event_rows = list(s.scalars(events))
        if flt.event is not None and not event_rows:
            raise KioskError(
                N_("No event with the code {event}."), code="unknown_event", event=flt.event
            )
        codes = {e.id: e.code for e in event_rows}
        themes: dict[tuple[str, str], dict[str, Any]] = {
            (t.event_id, t.code): t.names
            for t in s.scalars(select(Theme).where(Theme.event_id.in_(list(codes))))
        }
        check_filter(flt, {code for _event, code in themes})

        where: list[Any] = [Proposal.event_id.in_(list(codes))]
        if not flt.include_training:
            where.append(Proposal.training.is_(False))
        for column, values in (
            (Proposal.theme_code, flt.themes),
            (Proposal.language, flt.languages),
            (Proposal.province, flt.provinces),
            (Proposal.age_band, flt.age_bands),
            (Proposal.device_id, flt.devices),
        ):
            if values:
                where.append(column.in_(values))
        if flt.categories:
            where.append(
                or_(
                    Attendee.category.in_(flt.categories),
                    and_(Attendee.id.is_(None), Proposal.profile.in_(flt.categories)),
                )
            )
        if flt.since is not None:
            where.append(Proposal.created_at >= flt.since)
        if flt.until is not None:
            where.append(Proposal.created_at < flt.until)
        matches = text_matches(flt.text)
        proposals = []
        # Columns, not ORM objects: none to build for 100,000 proposals.
        query = (
            select(
                Proposal.id,
                Proposal.event_id,
                Proposal.attendee_id,
                Proposal.device_id,
                Proposal.theme_code,
                Proposal.language,
                Proposal.title,
                Proposal.body,
                Proposal.age_band,
                Proposal.gender,
                Proposal.province,
                Proposal.profile,
                Proposal.consent_publish,
                Proposal.receipt_code,
                Proposal.created_at,
            )
            .outerjoin(Attendee, Attendee.id == Proposal.attendee_id)
            .where(*where)
            .order_by(Proposal.created_at, Proposal.id)
        )
        for p in s.execute(query):
            if flt.text and not matches(p.title, p.body):
                continue
            if flt.proposal_ids is not None and p.id not in flt.proposal_ids:
                continue
            names = themes.get((p.event_id, p.theme_code), {})
            row = {
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
                "created_at": p.created_at.isoformat(),
                "device_id": p.device_id,
                "event": codes[p.event_id],
                "author": who(p.attendee_id),
            }
            if with_contacts:
                row["receipt_code"] = p.receipt_code
            proposals.append(row)

        first: dict[str, CheckIn] = {}
        for c in s.scalars(
            select(CheckIn)
            .where(
                CheckIn.event_id.in_(list(codes)),
                CheckIn.outcome == "accepted",
                CheckIn.undone_at.is_(None),
            )
            .order_by(CheckIn.at, CheckIn.id)
        ):
            if c.attendee_id and (flt.include_training or not c.training):
                first.setdefault(c.attendee_id, c)
        people = select(Attendee).where(Attendee.event_id.in_(list(codes)))
        if flt.provinces:
            people = people.where(Attendee.province.in_(flt.provinces))
        if flt.categories:
            people = people.where(Attendee.category.in_(flt.categories))
        by_check_in = flt.since is not None or flt.until is not None or bool(flt.devices)
        attendance = []
        for a in s.scalars(people.order_by(Attendee.event_id, Attendee.external_id, Attendee.id)):
            seen = first.get(a.id)
            if by_check_in and not _check_in_selected(seen, flt):
                continue
            row = {
                "attendee": who(a.id),
                "event": codes[a.event_id],
                "kind": a.kind,
                "category": a.category,
                "province": a.province,
                "checked_in_at": seen.at.isoformat() if seen else "",
                "station": seen.station if seen else "",
            }
            if with_contacts:
                row |= {
                    "external_id": a.external_id or "",
                    "name": a.name,
                    "name_latin": a.name_latin,
                    "organisation": a.organisation,
                    "phone": a.phone,
                    "email": a.email,
                }
            attendance.append(row)
        regions = {e.code: e.region for e in event_rows}
    return Collected(proposals, attendance, regions)


def _check_in_selected(seen: CheckIn | None, flt: ExportFilter) -> bool:
    if seen is None:
        return False
    if flt.since is not None and seen.at < flt.since:
        return False
    if flt.until is not None and seen.at >= flt.until:
        return False
    return not flt.devices or seen.device_id in flt.devices


def _csv(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    *,
    for_spreadsheets: bool = True,
    delimiter: str = ",",
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", delimiter=delimiter)
    writer.writerow(columns)
    cell = neutralise if for_spreadsheets else (lambda value: value)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    text = buf.getvalue().encode("utf-8")
    # UTF-8 with BOM for spreadsheet programs (then they read Arabic and Tifinagh
    # right); none for Decidim, whose older readers keep a BOM in the first header.
    return b"\xef\xbb\xbf" + text if for_spreadsheets else text


def _xlsx(sheets: Sequence[tuple[str, Sequence[dict[str, Any]], Sequence[str]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    # Write-only: rows go to the file as they come (100,000 proposals in seconds, not
    # minutes, and not all in memory).
    book = Workbook(write_only=True)
    for name, rows, columns in sheets:
        sheet = book.create_sheet(name)
        sheet.append(list(columns))
        for row in rows:
            cells: list[Any] = []
            for column in columns:
                value = row.get(column)
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # text, never a formula
                    value = cell
                cells.append(value)
            sheet.append(cells)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def decidim_rows(
    data: Collected, platform: decidim.DecidimMap
) -> tuple[list[str], list[dict[str, Any]]]:
    """The rows of Decidim's proposal import (see kiosk.central.decidim)."""
    published = [p for p in data.proposals if p["consent_publish"]]
    # Only what the authors let us publish goes to a public platform.
    decidim.check_mapped(
        platform, (p["theme"] for p in published), {data.regions[p["event"]] for p in published}
    )
    rows = [decidim.proposal_row(p, data.regions[p["event"]], platform) for p in published]
    return decidim.columns(platform.locales), rows


def export(
    store: Store,
    flt: ExportFilter,
    fmt: str,
    out: Path,
    *,
    with_contacts: bool = False,
    platform: decidim.DecidimMap | None = None,
    csv_separator: str = decidim.DEFAULT_CSV_SEPARATOR,
) -> ExportResult:
    """Write the rows ``flt`` selects in ``fmt`` to ``out`` (CSV: a second file
    ``<out>-attendance.csv``). ``with_contacts`` only for a caller allowed to see them;
    a Decidim export never holds any. ``platform``: the Decidim map (locales, themes,
    regions); ``csv_separator``: the platform's ``default_csv_col_sep``."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    kind = "csv" if fmt == "decidim" else fmt.removeprefix("decidim-")
    is_decidim = fmt.startswith("decidim")
    if is_decidim:
        with_contacts = False
        if out.suffix.lower() != "." + kind:
            raise ValidationError(
                N_(
                    "A Decidim {kind} file must end in .{kind} "
                    "(Decidim tells the type by the name)."
                ),
                code="decidim_file_name",
                kind=kind,
            )
        if csv_separator not in decidim.CSV_SEPARATORS:
            raise ValidationError(
                N_("Decidim's CSV separator is ';' or ','."), code="decidim_separator"
            )
    data = collect(store, flt, with_contacts=with_contacts)
    proposal_cols = CONTACT_PROPOSAL_COLUMNS if with_contacts else PROPOSAL_COLUMNS
    attendance_cols = CONTACT_ATTENDANCE_COLUMNS if with_contacts else ATTENDANCE_COLUMNS
    written = [out]
    attendance: int | None = len(data.attendance)
    if is_decidim:
        columns, rows = decidim_rows(data, platform or decidim.DecidimMap())
        if kind == "csv":
            blob = _csv(rows, columns, for_spreadsheets=False, delimiter=csv_separator)
        elif kind == "json":
            # Decidim takes each object's values in the order of the first one's keys.
            ordered = [{c: row[c] for c in columns} for row in rows]
            blob = json.dumps(ordered, ensure_ascii=False, indent=1).encode("utf-8")
        else:
            blob = _xlsx([("proposals", rows, columns)])
        write_atomically(out, blob)
        return ExportResult(tuple(written), fmt, len(rows), None, False, flt)
    if fmt == "json":
        document = {
            "filter": flt.describe(),
            "pseudonymised": not with_contacts,
            "proposals": data.proposals,
            "attendance": data.attendance,
        }
        write_atomically(out, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
    elif fmt == "csv":
        write_atomically(out, _csv(data.proposals, proposal_cols))
        people = out.with_name(out.stem + "-attendance" + out.suffix)
        write_atomically(people, _csv(data.attendance, attendance_cols))
        written.append(people)
    else:
        write_atomically(
            out,
            _xlsx(
                [
                    ("proposals", data.proposals, proposal_cols),
                    ("attendance", data.attendance, attendance_cols),
                ]
            ),
        )
    return ExportResult(tuple(written), fmt, len(data.proposals), attendance, with_contacts, flt)
