"""Roster CSV: encodings, separators, multi-line fields; every rejection reason."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from kiosk.central.cli import main as central_main

HEADER = (
    "external_id,full_name,full_name_latin,organisation,category,province,phone,email,"
    "preferred_language"
)


def import_rows(organiser, tmp_path: Path, capsys, content: bytes) -> list[dict]:
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    code = central_main(
        ["--data-dir", str(organiser.folder), "roster", "import", "SM-2026", str(path), "--json"]
    )
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_sample_roster_all_accepted(organiser) -> None:
    tokens = organiser.tokens()
    assert len(tokens) == 300
    arabic = [t for t in tokens if any("\u0600" <= c <= "\u06ff" for c in t["name"])]
    assert arabic, "Arabic names survive the import"


def test_bom_semicolons_and_multiline_fields(organiser, tmp_path: Path, capsys) -> None:
    decomposed = "Fe\u0301ti\u0301ha"  # stored NFC
    text = (
        HEADER.replace(",", ";") + "\n"
        f'N-1;"{decomposed}";;"Coop\nTiwizi";cooperative;Tiznit;;;fr\n'
        "N-2;\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56;;;citizen;;;;zgh\n"
    )
    rows = import_rows(organiser, tmp_path, capsys, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [(r["line"], r["accepted"]) for r in rows] == [(2, True), (4, True)]
    names = {t["external_id"]: t["name"] for t in organiser.tokens()}
    assert names["N-1"] == unicodedata.normalize("NFC", decomposed)
    assert names["N-2"] == "\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56"


def test_each_rejection_reason_with_its_line(organiser, tmp_path: Path, capsys) -> None:
    lines = [
        HEADER,
        "R-1,,,,citizen,,,,",  # blank name
        "R-2," + "x" * 201 + ",,,citizen,,,,",  # too long
        "R-3,Bad\x07Name,,,citizen,,,,",  # control character
        "R-4,Someone,,,astronaut,,,,",  # unknown category
        "INV-7-000000,Dup,,,citizen,,,,",  # duplicate of the sample roster
        "R-6,Fine,,,student,,,,",
        "R-6,Again,,,student,,,,",  # duplicate within the file
        '"R-8","=HYPERLINK(""x"")",,,media,,,,',  # kept as written; neutralised on export
    ]
    raw = ("\n".join(lines) + "\n").encode("utf-8") + b"R-9,Caf\xe9,,,citizen,,,,\n"
    rows = import_rows(organiser, tmp_path, capsys, raw)
    got = {r["line"]: (r["accepted"], r["error"]) for r in rows}
    assert got == {
        2: (False, "blank_name"),
        3: (False, "name_too_long"),
        4: (False, "control_character"),
        5: (False, "unknown_category"),
        6: (False, "duplicate_external_id"),
        7: (True, None),
        8: (False, "duplicate_external_id"),
        9: (True, None),
        10: (False, "invalid_utf8"),
    }
    assert all(r["reason"] for r in rows if not r["accepted"])
    names = {t["external_id"]: t["name"] for t in organiser.tokens()}
    assert names["R-8"] == '=HYPERLINK("x")'
