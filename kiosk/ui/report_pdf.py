"""The event report as a PDF, laid out by Qt (Arabic shaped and right-to-left).

A QTextDocument built from HTML, with bar charts painted into images, printed
to a QPdfWriter: Qt's text engine does the shaping, bidi and pagination.
"""

from __future__ import annotations

import html
from pathlib import Path

from kiosk.config import assets_dir
from kiosk.domain.vocab import CATEGORIES, province_name
from kiosk.i18n import NATIVE_NAMES, _, direction, format_number, gettext_for, language
from kiosk.services.report import ReportData
from kiosk.services.sync import commit_file, output_folder, temporary_name
from kiosk.ui.qt import (
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QMarginsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QRectF,
    QSizeF,
    Qt,
    QTextDocument,
    QTextOption,
)

BAR_COLOUR = QColor("#1f6f8b")
TEXT_COLOUR = QColor("#1b1b1b")


def load_bundled_fonts() -> list[str]:
    """Register the fonts shipped in assets/fonts; returns the family names."""
    families: list[str] = []
    for path in sorted((assets_dir() / "fonts").glob("*.[ot]tf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def bar_chart(rows: list[tuple[str, int]], rtl: bool, width: int = 1400) -> QImage:
    """Horizontal bars with their labels and values, mirrored for right-to-left."""
    row_h, pad = 56, 16
    height = max(1, len(rows)) * row_h + 2 * pad
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(26)
    painter.setFont(font)
    label_w, value_w = int(width * 0.38), 90
    bar_max = width - label_w - value_w - 4 * pad
    top = max((n for _label, n in rows), default=1) or 1
    direction_flag = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    painter.setLayoutDirection(direction_flag)
    for i, (label, count) in enumerate(rows):
        y = pad + i * row_h
        bar = int(bar_max * count / top)
        if rtl:
            label_rect = QRectF(width - pad - label_w, y, label_w, row_h - 8)
            bar_rect = QRectF(width - 2 * pad - label_w - bar, y + 8, bar, row_h - 24)
            value_rect = QRectF(bar_rect.left() - pad - value_w, y, value_w, row_h - 8)
            label_align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            value_align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        else:
            label_rect = QRectF(pad, y, label_w, row_h - 8)
            bar_rect = QRectF(2 * pad + label_w, y + 8, bar, row_h - 24)
            value_rect = QRectF(bar_rect.right() + pad, y, value_w, row_h - 8)
            label_align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            value_align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(TEXT_COLOUR)
        painter.drawText(label_rect, int(label_align), label)
        painter.fillRect(bar_rect, BAR_COLOUR)
        painter.drawText(value_rect, int(value_align), format_number(count))
    painter.end()
    return image


def _table(rows: list[tuple[str, str]], rtl: bool) -> str:
    align = "right" if rtl else "left"
    cells = "".join(
        f'<tr><td align="{align}">{html.escape(a)}</td><td align="center">{html.escape(b)}'
        "</td></tr>"
        for a, b in rows
    )
    return f'<table width="100%" cellpadding="6" border="1" cellspacing="0">{cells}</table>'


def heading(level: int, text: str) -> str:
    return f"<h{level}>{html.escape(text)}</h{level}>"


def build_document(data: ReportData, lang: str) -> QTextDocument:
    rtl = direction(lang) == "rtl"
    doc = QTextDocument()
    option = QTextOption()
    option.setTextDirection(
        Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
    )
    doc.setDefaultTextOption(option)
    font = QFont()
    font.setPointSize(11)
    doc.setDefaultFont(font)

    with language(lang):
        f = data.figures
        themes = {t.code: t.name(lang) for t in data.event.themes}
        theme_rows = [(themes.get(code, code), n) for code, n in f.proposals_per_theme]
        for code, name in themes.items():  # themes with no proposal still appear
            if code not in dict(f.proposals_per_theme):
                theme_rows.append((name, 0))
        category_rows = [
            (gettext_for(lang, CATEGORIES.get(c, c)) if c in CATEGORIES else c, n)
            for c, n in f.categories
        ]
        charts = {"themes": bar_chart(theme_rows, rtl), "categories": bar_chart(category_rows, rtl)}
        for name, image in charts.items():
            doc.addResource(QTextDocument.ResourceType.ImageResource, f"chart://{name}", image)

        parts = [
            f'<html dir="{"rtl" if rtl else "ltr"}"><body>',
            f"<h1>{html.escape(data.event.name_in(lang))}</h1>",
            "<p>"
            + html.escape(
                _("Region: {region}. Venue: {venue}.").format(
                    region=data.event.region, venue=data.event.venue
                )
            )
            + "</p>",
            heading(2, _("Attendance")),
            _table(
                [
                    (_("Checked in"), format_number(f.checked_in)),
                    (_("Expected (invited)"), format_number(f.expected)),
                    (_("Walk-ins"), format_number(f.walk_ins)),
                    (_("Rejected scans"), format_number(f.rejected_scans)),
                ],
                rtl,
            ),
            heading(3, _("By category")),
            '<p><img src="chart://categories" width="620"></p>',
            heading(3, _("By province")),
            _table(
                [
                    (province_name(p) if p else _("Not given"), format_number(n))
                    for p, n in f.provinces
                ],
                rtl,
            ),
            heading(2, _("Proposals")),
            "<p>"
            + html.escape(_("Proposals received: {n}").format(n=format_number(f.proposals)))
            + "</p>",
            heading(3, _("By theme")),
            '<p><img src="chart://themes" width="620"></p>',
            heading(3, _("By language")),
            _table(
                [(NATIVE_NAMES.get(code, code), format_number(n)) for code, n in f.languages], rtl
            ),
            heading(2, _("Published proposals")),
            "<p>"
            + html.escape(_("Only proposals whose authors consented to publication appear here."))
            + "</p>",
        ]
        current = None
        for item in data.published:
            if item.theme != current:
                current = item.theme
                parts.append(f"<h3>{html.escape(themes.get(item.theme, item.theme))}</h3>")
            # Each proposal keeps its own direction (an English one in an Arabic report).
            item_dir = "rtl" if direction(item.language) == "rtl" else "ltr"
            parts.append(
                f'<div dir="{item_dir}"><p><b>{html.escape(item.title)}</b><br>'
                + html.escape(item.body).replace("\n", "<br>")
                + "</p></div>"
            )
        if not data.published:
            parts.append(
                "<p>" + html.escape(_("No proposal was consented for publication.")) + "</p>"
            )
        parts.append("</body></html>")
    doc.setHtml("".join(parts))
    return doc


def a4_writer(path: Path, margin_mm: float, dpi: int) -> QPdfWriter:
    """A PDF writer of portrait A4 pages with even margins (report and badge sheets)."""
    writer = QPdfWriter(str(path))
    writer.setResolution(dpi)
    margins = QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            margins,
            QPageLayout.Unit.Millimeter,
        )
    )
    return writer


def ensure_app() -> None:
    """A GUI application object for headless use (the command line), offscreen if
    there is no display."""
    import os

    from kiosk.ui.qt import QApplication

    if QApplication.instance() is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QApplication([])


def write_report_pdf(data: ReportData, lang: str, out: Path) -> Path:
    """Write the A4 report; returns the path."""
    output_folder(out)
    ensure_app()
    load_bundled_fonts()
    doc = build_document(data, lang)
    tmp = temporary_name(out)
    writer = a4_writer(tmp, margin_mm=15, dpi=150)
    writer.setTitle(data.event.name_in(lang))
    doc.setPageSize(QSizeF(writer.width(), writer.height()))
    doc.print_(writer)
    del writer  # closes the file
    commit_file(tmp, out)
    return out
