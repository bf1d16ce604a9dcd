"""The event's name in the document's language (issue 18: "English on Arabic and
French screens: the event name on badges and the report title"): the report PDF's
title and every badge of a sheet name the event in the language they are made in."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from kiosk.central.demo import demo_pack
from kiosk.central.store import open_central
from kiosk.config import assets_dir
from kiosk.i18n import language
from kiosk.services.badge_sheet import badge_cards
from kiosk.services.report import report_data
from kiosk.services.setup import DEMO_EVENT_CODE, DEMO_EVENT_NAME
from kiosk.storage.models import Event
from kiosk.ui.badge_sheet import write_badges_pdf
from kiosk.ui.report_pdf import write_report_pdf

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (bootstrap) needed"
)


def demo_names() -> dict[str, str]:
    """The demo event's names as the data file gives them."""
    path = assets_dir() / "data" / "demo_event.json"
    names: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["names"]
    return names


def folded(text: str) -> str:
    """Letters and digits only, NFKC: Arabic read back from shaped glyphs (presentation
    forms) compares with its source, and the bidi marks, spaces and (mirrored)
    brackets that pdftotext adds around right-to-left runs are left out."""
    return "".join(
        c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] in "LMN"
    )


def pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return folded(text)


def contains_name(text: str, name: str) -> bool:
    # Right-to-left runs may come back from the PDF in either order of their words.
    words = [folded(w) for w in name.split()]
    return folded(name) in text or all(w in text for w in words)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_report_title_is_the_event_name_in_the_report_language(
    qapp, demo_store, tmp_path: Path, lang: str
) -> None:
    out = write_report_pdf(report_data(demo_store), lang, tmp_path / f"report-{lang}.pdf")
    text = pdf_text(out)
    assert folded(DEMO_EVENT_NAME) not in text  # the English name, on main
    assert contains_name(text, demo_names()[lang])


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_badges_name_the_event_in_the_sheet_language(qapp, tmp_path: Path, lang: str) -> None:
    folder = tmp_path / "organiser"
    demo_pack(folder, dt.datetime(2026, 11, 23, 7, tzinfo=dt.UTC))
    central = open_central(f"sqlite:///{folder / 'central.db'}")
    try:
        with central.uow(readonly=True) as uow:
            event_id = uow.session.query(Event.id).filter(Event.code == DEMO_EVENT_CODE).scalar()
        with language(lang):
            cards = badge_cards(central, event_id=event_id)[:8]
    finally:
        central.close()
    out = write_badges_pdf(cards, tmp_path / f"badges-{lang}.pdf")
    text = pdf_text(out)
    assert folded(DEMO_EVENT_NAME) not in text
    assert contains_name(text, demo_names()[lang])
