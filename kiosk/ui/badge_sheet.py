"""A4 sheets of badges drawn with Qt's PDF writer (names shaped, in their direction)."""

from __future__ import annotations

from pathlib import Path

from kiosk.services.badge_sheet import BadgeCard, qr_matrix
from kiosk.services.sync import commit_file, output_folder, temporary_name
from kiosk.ui.qt import (
    QColor,
    QFont,
    QImage,
    QPagedPaintDevice,
    QPainter,
    QPen,
    QRectF,
    Qt,
)
from kiosk.ui.report_pdf import a4_writer, ensure_app, load_bundled_fonts

COLUMNS, ROWS = 2, 4
DPI = 300


def qr_image(token: str) -> QImage:
    """The QR code as an 8-bit image, one pixel per module (scaled without smoothing)."""
    matrix = qr_matrix(token)
    n = len(matrix)
    data = bytes(0 if dark else 255 for row in matrix for dark in row)
    return QImage(data, n, n, n, QImage.Format.Format_Grayscale8).copy()


def draw_qr(painter: QPainter, token: str, rect: QRectF) -> None:
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    side = min(rect.width(), rect.height())
    painter.drawImage(QRectF(rect.x(), rect.y(), side, side), qr_image(token))


def _text(painter: QPainter, rect: QRectF, text: str, size: float, bold: bool = False) -> None:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    painter.setFont(font)
    # Qt picks each string's direction from its own script: Arabic right to left.
    flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
    painter.drawText(rect, int(flags), text)


def write_badges_pdf(cards: list[BadgeCard], out: Path) -> Path:
    """Write the sheet atomically; raises if the PDF could not be written whole."""
    output_folder(out)
    ensure_app()
    load_bundled_fonts()
    tmp = temporary_name(out)
    writer = a4_writer(tmp, margin_mm=10, dpi=DPI)
    writer.setTitle("Badges")
    paint_badges(writer, cards)
    del writer  # closes the file
    commit_file(tmp, out)
    return out


def paint_badges(device: QPagedPaintDevice, cards: list[BadgeCard]) -> None:
    """Draw the badges, eight to a page, on a PDF writer or a printer."""
    painter = QPainter(device)
    width, height = device.width(), device.height()
    cell_w, cell_h = width / COLUMNS, height / ROWS
    pad = cell_w * 0.04
    for index, card in enumerate(cards):
        slot = index % (COLUMNS * ROWS)
        if index and slot == 0:
            device.newPage()
        x = (slot % COLUMNS) * cell_w
        y = (slot // COLUMNS) * cell_h
        painter.setPen(QPen(QColor("#9aa5ad"), 2, Qt.PenStyle.DashLine))
        painter.drawRect(QRectF(x, y, cell_w, cell_h))
        painter.setPen(QColor("#1b1b1b"))
        qr_side = cell_h * 0.62
        draw_qr(
            painter,
            card.token,
            QRectF(x + (cell_w - qr_side) / 2, y + cell_h - qr_side - pad, qr_side, qr_side),
        )
        text_h = cell_h - qr_side - 2 * pad
        _text(
            painter,
            QRectF(x + pad, y + pad, cell_w - 2 * pad, text_h * 0.45),
            card.name,
            15,
            bold=True,
        )
        subtitle = " \u00b7 ".join(part for part in (card.name_latin, card.organisation) if part)
        _text(
            painter,
            QRectF(x + pad, y + pad + text_h * 0.45, cell_w - 2 * pad, text_h * 0.35),
            subtitle,
            8.5,
        )
        _text(
            painter,
            QRectF(x + pad, y + pad + text_h * 0.8, cell_w - 2 * pad, text_h * 0.2),
            card.event_name,
            7,
        )
    painter.end()
