"""Badges and reports on paper or in PDF (Qt's painter; UI thread)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.services.badge_sheet import BadgeCard
from kiosk.ui.qt import QWidget


def save_badge_pdf(card: BadgeCard, folder: Path) -> Path:
    """One badge as an A4 PDF in ``folder`` (named by the attendee id, any script safe)."""
    from kiosk.ui.badge_sheet import write_badges_pdf

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"badge-{card.attendee_id}.pdf"
    write_badges_pdf([card], out)  # written whole or not at all
    return out


def printers_available() -> bool:
    from kiosk.ui.qt import QPrinterInfo

    return bool(QPrinterInfo.availablePrinters())


def print_badge(card: BadgeCard, parent: QWidget) -> bool:
    """The system print dialog, then the badge; False if staff cancelled."""
    from kiosk.ui.badge_sheet import paint_badges
    from kiosk.ui.qt import QPrintDialog, QPrinter
    from kiosk.ui.report_pdf import load_bundled_fonts

    if not printers_available():
        raise KioskError(N_("No printer found: save the badge as PDF."), code="no_printer")
    from kiosk.ui.style import translate_qt_dialogs

    translate_qt_dialogs()  # the system print dialog in the screen's language
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    load_bundled_fonts()
    paint_badges(printer, [card])
    return True


def read_event_report(store: Any, include_training: bool) -> Any:
    """The report's figures, read from the database (a background operation)."""
    from kiosk.services import report

    return report.report_data(store, include_training=include_training)


def draw_event_report(data: Any, lang: str, folder: Path) -> Path:
    """The report of ``data`` (already read) as a PDF in ``folder``: drawn with Qt's
    painter, on the UI thread."""
    from kiosk.ui.report_pdf import write_report_pdf

    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    out = folder / f"report-{data.event.code}-{lang}-{stamp}.pdf"
    write_report_pdf(data, lang, out)  # written whole or not at all
    return out
