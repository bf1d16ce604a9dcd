"""Central exports: BOM CSV, neutralised formulas, contacts only on request, Decidim."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from kiosk.central.exports import ExportFilter, export
from kiosk.central.keys import load_sealing_key
from kiosk.central.merge import import_files
from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.sync import export_bundle
from kiosk.storage import Store
from tests.sync.test_bundles import kiosk


def test_exports(organiser, tmp_path: Path) -> None:
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("external_id,full_name,category,phone\nF-1,=SUM(A1),citizen,+2126\n")
    organiser("roster", "import", "SM-2026", str(csv_file))
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    a, cfg = kiosk(tmp_path, "k", pack, organiser)
    submit_proposal(
        a,
        ProposalDraft(
            "skills", "ar", "\u0641\u0643\u0631\u0629", "@cmd body", consent_publish=True
        ),
    )
    submit_proposal(a, ProposalDraft("other", "fr", "Secret", "pas de publication"))
    bundle = export_bundle(a, cfg.keys_dir, tmp_path / "usb")
    assert bundle is not None
    central = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    import_files(central, [bundle.path], load_sealing_key(organiser.folder), tmp_path / "q")

    event = ExportFilter(event="SM-2026")
    written = export(central, event, "csv", tmp_path / "out.csv").files
    raw = written[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["title"] for r in rows} == {"\u0641\u0643\u0631\u0629", "Secret"}
    assert any(r["body"] == "'@cmd body" for r in rows)
    people = list(csv.DictReader(io.StringIO(written[1].read_bytes().decode("utf-8-sig"))))
    # Pseudonymised by default: no names, no contacts.
    assert people and "name" not in people[0] and "phone" not in people[0]
    named = export(central, event, "csv", tmp_path / "named.csv", with_contacts=True).files
    people = list(csv.DictReader(io.StringIO(named[1].read_bytes().decode("utf-8-sig"))))
    assert any(p["name"] == "'=SUM(A1)" for p in people)
    with_contacts = export(central, event, "json", tmp_path / "out.json", with_contacts=True)
    data = json.loads(with_contacts.files[0].read_text("utf-8"))
    assert any(p.get("phone") == "+2126" for p in data["attendance"])

    export(central, event, "xlsx", tmp_path / "out.xlsx", with_contacts=True)
    book = load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["proposals", "attendance"]
    cells = [c for row in book["attendance"].iter_rows() for c in row]
    # XLSX cells are typed: the name is text as typed, never a formula (issue 15).
    [name] = [c for c in cells if c.value == "=SUM(A1)"]
    assert name.data_type == "s" and "'=SUM(A1)" not in [c.value for c in cells]

    export(central, event, "decidim", tmp_path / "decidim.csv")
    dec = list(
        csv.DictReader(
            io.StringIO((tmp_path / "decidim.csv").read_bytes().decode("utf-8")), delimiter=";"
        )
    )
    assert len(dec) == 1  # only the consented proposal
    assert dec[0]["title/ar"] == "\u0641\u0643\u0631\u0629" and "body/fr" in dec[0]
    central.close()
