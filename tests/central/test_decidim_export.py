"""Issue 16, Decidim for real: the export is read the way Decidim's proposal importer
reads it (tests/central/decidim_importer.py, which cites the Ruby file and line of each
rule: readers/csv.rb:19, readers/json.rb:25-27, readers/xlsx.rb:20-22, importer.rb:80-83,
proposals_verifier.rb:11 with verifier.rb:110-123, proposal_creator.rb:21-91 with
creator.rb:82-93, and the model's presence validation of title and body).

On main at 73d559b (before this branch) the CSV export was refused: a BOM, commas where Decidim
splits on ';' (so "missing headers title/ar, body/ar"), and read with commas, the
Tamazight proposal had no title in any of the organisation's locales, and the theme
(``category/name``) and receipt (``reference``) were ignored: no taxonomies, no scope.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.central import decidim
from kiosk.central.exports import ExportFilter, export
from kiosk.domain.errors import ValidationError
from kiosk.storage import Store
from kiosk.storage.models import Event, Proposal
from tests.central import decidim_importer
from tests.conftest import central

AR_TITLE = "\u0641\u0643\u0631\u0629 \u0631\u0642\u0645\u064a\u0629"
AR_BODY = "\u0646\u0642\u062a\u0631\u062d \u0634\u0628\u0643\u0629 \u0648\u0627\u0633\u0639\u0629"
FR_TITLE = "Wifi public"
FR_BODY = 'Des bornes dans chaque commune;\nsur deux lignes, avec "guillemets".'
ZGH_TITLE = "\u2d5c\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56\u2d5c"
ZGH_BODY = "\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56 \u2d49\u2d4f\u2d56\u2d4e\u2d49\u2d59\u2d4f"
DEVICE = "01a20707-3187-8c24-977d-8fa5b3b1e0ab"
LOCALES = ["ar", "fr", "en"]
MAP = {
    "locales": LOCALES,
    "themes": {"skills": [12, 14], "digital_inclusion": [11], "other": []},
    "regions": {
        "souss-massa": {"scope": 7, "address": "Agadir", "latitude": 30.42, "longitude": -9.6}
    },
}
EVENT = ExportFilter(event="SM-2026")


def add_proposals(store: Store) -> None:
    with store.uow() as uow:
        event_id = uow.session.scalar(select(Event.id).where(Event.code == "SM-2026"))
        rows = (
            ("ar", "skills", AR_TITLE, AR_BODY, True),
            ("fr", "digital_inclusion", FR_TITLE, FR_BODY, True),
            ("zgh", "other", ZGH_TITLE, ZGH_BODY, True),
            ("fr", "skills", "Priv\u00e9", "pas de publication", False),
        )
        for i, (lang, theme, title, body, consent) in enumerate(rows):
            uow.session.add(
                Proposal(
                    event_id=event_id,
                    attendee_id=None,
                    device_id=DEVICE,
                    theme_code=theme,
                    language=lang,
                    title=title,
                    body=body,
                    consent_publish=consent,
                    receipt_code=f"ABCD234{i}",
                    created_at=dt.datetime(2026, 11, 23, 10, i, tzinfo=dt.UTC),
                )
            )
        uow.commit()


@pytest.fixture
def store(organiser) -> Store:
    s = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    add_proposals(s)
    yield s
    s.close()


@pytest.mark.parametrize("kind", ["csv", "json", "xlsx"])
def test_decidim_importer_reads_every_proposal(store: Store, tmp_path: Path, kind: str) -> None:
    platform = decidim.parse_map(json.dumps(MAP).encode())
    out = tmp_path / f"decidim.{kind}"
    result = export(store, EVENT, f"decidim-{kind}", out, platform=platform)
    assert result.files == (out,) and result.proposals == 3 and result.attendance is None

    made = decidim_importer.import_file(out, LOCALES)
    assert len(made) == 3  # the one without consent to publish stays out
    ar, fr, zgh = made
    # A locale the organisation has: the text there, as written; the other locales
    # empty, so Decidim shows it there (or machine-translates it).
    assert ar.title == {"ar": AR_TITLE} and ar.body == {"ar": AR_BODY}
    assert fr.title == {"fr": FR_TITLE} and fr.body == {"fr": FR_BODY}
    # Tamazight, which the organisation lacks: the original in every locale, labelled.
    assert set(zgh.title) == set(zgh.body) == set(LOCALES)
    for loc in LOCALES:
        assert ZGH_TITLE in zgh.title[loc] and zgh.title[loc] != ZGH_TITLE
        label, original = zgh.body[loc].split("\n\n", 1)
        assert original == ZGH_BODY and label
    assert zgh.title["fr"] == "[" + decidim.language_name("zgh", "fr") + "] " + ZGH_TITLE
    assert decidim.language_name("zgh", "ar") in zgh.body["ar"]
    # ... and its original kept beside (columns Decidim does not read).
    assert zgh.data["original/language"] == "zgh"
    assert zgh.data["original/title"] == ZGH_TITLE
    assert zgh.data["original/body"] == ZGH_BODY
    # Themes to taxonomies, the region to a scope and a place.
    assert ar.taxonomies == [12, 14] and fr.taxonomies == [11] and zgh.taxonomies == []
    assert {m.scope for m in made} == {7}
    assert ar.address == "Agadir"
    assert float(ar.latitude) == 30.42 and float(ar.longitude) == -9.6
    # Nothing Decidim ignores in place of what it reads, nothing personal.
    for m in made:
        assert not {"category/name", "reference", "receipt_code", "title", "body"} & set(m.data)


def test_other_locales_and_separator(store: Store, tmp_path: Path) -> None:
    """An organisation with fr (default) and es, a platform whose separator is ','."""
    platform = decidim.parse_map(json.dumps(MAP).encode()).with_locales(["fr", "es"])
    out = tmp_path / "decidim.csv"
    export(store, EVENT, "decidim", out, platform=platform, csv_separator=",")
    with pytest.raises(decidim_importer.Refused):
        decidim_importer.import_file(out, ["fr", "es"])  # read with ';': no headers
    ar, fr, zgh = decidim_importer.import_file(out, ["fr", "es"], col_sep=",")
    # Arabic is not a locale of this organisation: labelled in French and in Spanish.
    assert set(ar.title) == {"fr", "es"} and AR_TITLE in ar.title["fr"]
    assert fr.title == {"fr": FR_TITLE}
    assert set(zgh.body) == {"fr", "es"}


def test_no_map_exports_without_taxonomies(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "decidim.json"
    export(store, EVENT, "decidim-json", out)
    made = decidim_importer.import_file(out, list(decidim.DEFAULT_LOCALES))
    assert [m.taxonomies for m in made] == [[], [], []] and {m.scope for m in made} == {0}


def test_map_must_place_every_theme_and_region(store: Store, tmp_path: Path) -> None:
    partial = dict(MAP, themes={"skills": [12]})
    with pytest.raises(ValidationError) as caught:
        export(
            store,
            EVENT,
            "decidim-csv",
            tmp_path / "d.csv",
            platform=decidim.parse_map(json.dumps(partial).encode()),
        )
    assert caught.value.code == "decidim_unmapped" and "digital_inclusion" in str(caught.value)
    no_region = dict(MAP, regions={"Draa-Tafilalet": 3})
    with pytest.raises(ValidationError, match="Souss-Massa"):
        export(
            store,
            EVENT,
            "decidim-csv",
            tmp_path / "d.csv",
            platform=decidim.parse_map(json.dumps(no_region).encode()),
        )
    assert not (tmp_path / "d.csv").exists()


@pytest.mark.parametrize(
    ("document", "where"),
    [
        (b"\xff\xfe", "malformed"),
        (b"[]", "object"),
        (b'{"themes": {"skills": ["12"]}}', "themes / skills: Expected `int`"),
        (b'{"themes": {"skills": [0]}}', "themes / skills: Expected `int` >= 1"),
        (b'{"regions": {"Souss-Massa": 2147483648}}', "Souss-Massa"),
        (b'{"locales": ["ar", "<script>"]}', "$.locales[1]"),
        (b'{"locales": ["ar", "ar"]}', "ar,ar"),
        (b'{"tehmes": {}}', "tehmes"),
        (b'{"regions": {"A": {"scope": 1, "latitude": 91, "longitude": 0}}}', "latitude"),
        (b'{"regions": {"Tata": {"scope": 1, "latitude": 30}}}', "Tata"),
        (b'{"regions": {"Souss-Massa": 1, "SOUSS-MASSA": 2}}', "SOUSS-MASSA"),
        (b" " * (decidim.MAX_MAP_BYTES + 1), "KB"),
    ],
)
def test_hostile_maps_are_one_clear_error(document: bytes, where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decidim.parse_map(document, "map.json")
    assert where.lower() in caught.value.message("en").lower()
    assert caught.value.message("fr") != caught.value.message("en")  # translated
    assert caught.value.code in ("decidim_map", "decidim_locales")


def test_file_name_must_tell_decidim_the_type(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        export(store, EVENT, "decidim-json", tmp_path / "decidim.csv")
    assert caught.value.code == "decidim_file_name"


def test_cli_keeps_the_map_and_uses_it(organiser, capsys, tmp_path: Path) -> None:
    s = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    add_proposals(s)
    s.close()
    map_file = tmp_path / "map.json"
    map_file.write_text(json.dumps(MAP), encoding="utf-8")
    out = organiser("decidim-map", str(map_file))
    assert "ar, fr, en" in out
    assert (organiser.folder / decidim.MAP_FILE).read_bytes() == map_file.read_bytes()
    target = tmp_path / "to-decidim.xlsx"
    organiser("export", "SM-2026", "--format", "decidim-xlsx", "--out", str(target))
    made = decidim_importer.import_file(target, LOCALES)
    assert [m.taxonomies for m in made] == [[12, 14], [11], []]

    from kiosk.central.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"themes": {"skills": "12"}}', encoding="utf-8")
    folder = str(organiser.folder)
    assert main(["--data-dir", folder, "decidim-map", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "themes / skills" in err and "Traceback" not in err
    # The map kept before is still there, whole.
    assert (organiser.folder / decidim.MAP_FILE).read_bytes() == map_file.read_bytes()
    assert main(["--data-dir", folder, "decidim-map", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    args = ["--data-dir", folder, "export", "SM-2026", "--format", "decidim-csv"]
    assert main([*args, "--out", str(tmp_path / "x.csv"), "--decidim-locales", "ar,<b>"]) == 2
    assert central(capsys, *args, "--out", str(tmp_path / "y.csv"), "--json")
