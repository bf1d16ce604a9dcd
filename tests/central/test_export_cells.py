"""Issue 15: exports neutralise formulas for spreadsheets, per format, and add nothing
where the format is typed (XLSX string cells, JSON, Decidim's CSV import)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import unicodedata
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from kiosk.central.exports import FORMULA_START, ExportFilter, export, neutralise
from kiosk.storage import Store
from kiosk.storage.models import Event, Proposal

LRM_FORMULA = '\u200e=HYPERLINK("http://x")'
WIDE_FORMULA = "\uff1dSUM(A1)"
PHONE = "+212600000000"
TITLE = "-1+1"
EVENT = ExportFilter(event="SM-2026")


def roster(organiser, tmp_path: Path) -> Store:
    rows = tmp_path / "people.csv"
    rows.write_text(
        "external_id,full_name,category,phone\n"
        f"F-1,{LRM_FORMULA.replace(chr(34), '')},citizen,{PHONE}\n"
        f"F-2,{WIDE_FORMULA},citizen,{PHONE}\n",
        encoding="utf-8",
    )
    organiser("roster", "import", "SM-2026", str(rows))
    store = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    with store.uow() as uow:
        event_id = uow.session.scalar(select(Event.id).where(Event.code == "SM-2026"))
        uow.session.add(
            Proposal(
                id="01a20707-3187-7c24-977d-8fa5b3b1e0aa",
                event_id=event_id,
                attendee_id=None,
                device_id="01a20707-3187-8c24-977d-8fa5b3b1e0ab",
                theme_code="skills",
                language="fr",
                title=TITLE,
                body="=1+2",
                consent_publish=True,
                receipt_code="ABCD2345",
                created_at=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC),
            )
        )
        uow.commit()
    return store


def test_csv_neutralises_what_a_spreadsheet_would_run(organiser, tmp_path: Path) -> None:
    store = roster(organiser, tmp_path)
    written = export(store, EVENT, "csv", tmp_path / "out.csv", with_contacts=True).files
    text = written[1].read_bytes().decode("utf-8-sig")
    rows = csv.DictReader(io.StringIO(text))
    names = [r["name"] for r in rows if r["external_id"] in ("F-1", "F-2")]
    assert len(names) == 2
    for name in names:
        assert name.startswith("'"), name  # LRM then '=', and the full-width '=' too
    proposals = list(csv.DictReader(io.StringIO(written[0].read_bytes().decode("utf-8-sig"))))
    assert proposals[0]["title"] == "'" + TITLE
    store.close()


def test_typed_formats_get_the_values_as_they_are(organiser, tmp_path: Path) -> None:
    store = roster(organiser, tmp_path)
    [xlsx] = export(store, EVENT, "xlsx", tmp_path / "out.xlsx", with_contacts=True).files
    book = load_workbook(xlsx)
    sheet = book["attendance"]
    header = [c.value for c in sheet[1]]
    phones = [row[header.index("phone")].value for row in sheet.iter_rows(min_row=2)]
    assert PHONE in phones
    title_cell = book["proposals"]["E2"]
    assert title_cell.value == TITLE and title_cell.data_type == "s"
    body_cell = book["proposals"]["F2"]
    assert body_cell.value == "=1+2" and body_cell.data_type == "s"  # text, not a formula
    [js] = export(store, EVENT, "json", tmp_path / "out.json", with_contacts=True).files
    data = json.loads(js.read_text(encoding="utf-8"))
    assert PHONE in [a.get("phone") for a in data["attendance"]]
    assert data["proposals"][0]["title"] == TITLE
    [decidim] = export(store, EVENT, "decidim", tmp_path / "decidim.csv").files
    rows = list(csv.DictReader(io.StringIO(decidim.read_bytes().decode("utf-8")), delimiter=";"))
    assert rows[0]["title/fr"] == TITLE
    store.close()


def reference_neutralise(value: object) -> object:
    """The rule as first written (issue 15), without the fast paths."""
    if not isinstance(value, str):
        return value
    visible = value.lstrip("".join(c for c in value[:8] if unicodedata.category(c) == "Cf"))
    if unicodedata.normalize("NFKC", visible[:1]).startswith(FORMULA_START) or value.startswith(
        FORMULA_START
    ):
        return "'" + value
    return value


def test_fast_paths_neutralise_as_the_rule() -> None:
    rng = random.Random(15)
    alphabet = [
        *"=+-@\t\rabc019 '\"",
        "\u200e", "\u200f", "\u061c", "\u2066", "\ufeff",  # invisible marks (Cf)
        "\uff1d", "\uff0b", "\uff0d", "\uff20", "\u207a", "\ufe62", "\u2212",  # look-alikes
        "\u0641", "\u2d5c", "\u00e9", "\u0301", "\u0660", "\u00b2",
    ]  # fmt: skip
    for _ in range(20000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        assert neutralise(value) == reference_neutralise(value), repr(value)
