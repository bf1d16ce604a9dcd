"""Issue 15: one set of limits, applied at roster import with the line number, so that
no accepted row can break a kiosk's set-up later; a field over the CSV module's limit is
one rejected row, not a crash."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import central


def test_rows_over_the_limits_are_rejected_at_import(organiser, tmp_path: Path, capsys) -> None:
    rows = tmp_path / "limits.csv"
    rows.write_text(
        "external_id,full_name,full_name_latin,organisation,category,province\n"
        f"L-1,Ok Name,,{'o' * 250},citizen,\n"
        f"L-2,Ok Name,,,citizen,{'p' * 150}\n"
        f"L-3,Ok Name,{'n' * 300},,citizen,\n"
        "L-4,Fine Person,,Cooperative,citizen,Tiznit\n",
        encoding="utf-8",
    )
    out = central(capsys, "--data-dir", str(organiser.folder), "roster", "import", "SM-2026",
                  str(rows), "--json")  # fmt: skip
    results = {r["line"]: r for r in json.loads(out)}
    assert [results[n]["accepted"] for n in (2, 3, 4, 5)] == [False, False, False, True]
    assert {results[n]["error"] for n in (2, 3, 4)} == {"too_long"}


def test_a_field_over_128_kb_is_one_rejected_row(organiser, tmp_path: Path, capsys) -> None:
    rows = tmp_path / "huge.csv"
    rows.write_text(
        "external_id,full_name,organisation,category\n"
        f'H-1,Huge,"{"x" * 140_000}",citizen\n'
        "H-2,After Huge,,citizen\n",
        encoding="utf-8",
    )
    out = central(capsys, "--data-dir", str(organiser.folder), "roster", "import", "SM-2026",
                  str(rows), "--json")  # fmt: skip
    results = json.loads(out)
    assert [(r["line"], r["accepted"]) for r in results] == [(2, False), (3, True)]
