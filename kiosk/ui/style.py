"""Fonts and the stylesheet (sizes and colours for the two accessibility toggles)."""

from __future__ import annotations

from typing import Any

from kiosk.config import assets_dir
from kiosk.i18n import N_, current_language, gettext_for, is_rtl, set_language
from kiosk.ui import qt
from kiosk.ui.qt import QApplication, QFont, QFontDatabase, QGuiApplication, QWidget

# Text on background 16.1:1, white on accent 5.9:1: WCAG AA (4.5:1) with margin.
NORMAL = {
    "fg": "#1b1b1b",
    "bg": "#f7f5f0",
    "muted": "#4a4a4a",
    "button": "#ffffff",
    "border": "#8c8c8c",
    "accent": "#16607a",
    "accent_fg": "#ffffff",
    "field": "#ffffff",
    "error": "#a4161a",
    "keyboard_bg": "#e6e2d8",
}
HIGH_CONTRAST = {
    "fg": "#ffffff",
    "bg": "#000000",
    "muted": "#ffffff",
    "button": "#000000",
    "border": "#ffffff",
    "accent": "#ffd400",
    "accent_fg": "#000000",
    "field": "#000000",
    "error": "#ff8080",
    "keyboard_bg": "#1a1a1a",
}
FAMILIES = ["Noto Sans", "Noto Sans Arabic", "Noto Sans Tifinagh"]


def load_fonts() -> list[str]:
    """Register the bundled fonts (never rely on the system's)."""
    families: list[str] = []
    for path in sorted((assets_dir() / "fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def stylesheet(large: bool = False, high_contrast: bool = False) -> str:
    scale = 1.3 if large else 1.0
    sizes = {"text": 22, "small": 17, "title": 34, "huge": 56, "key": 26}
    values = {k: str(int(v * scale)) for k, v in sizes.items()}
    values.update(HIGH_CONTRAST if high_contrast else NORMAL)
    template = (assets_dir() / "theme" / "kiosk.qss").read_text(encoding="utf-8")
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def apply_style(app: QApplication, large: bool = False, high_contrast: bool = False) -> None:
    font = QFont("Noto Sans")
    # Fallbacks per script: Arabic and Tifinagh glyphs come from the bundled fonts.
    font.setFamilies(FAMILIES)
    app.setFont(font)
    app.setStyleSheet(stylesheet(large, high_contrast))


def apply_language(window: QWidget, lang: str) -> str:
    """Switch the UI language; right-to-left languages mirror the whole application.
    Returns the language code actually used."""
    code = set_language(lang)
    rtl = is_rtl(code)
    # Compared as booleans: the first use of a Qt enum costs ~20 ms (PySide6 builds
    # the whole ``Qt`` namespace), which start-up leaves until after the first paint.
    if QGuiApplication.isRightToLeft() != rtl or window.isRightToLeft() != rtl:
        direction = qt.Qt.LayoutDirection.RightToLeft if rtl else qt.Qt.LayoutDirection.LeftToRight
        QGuiApplication.setLayoutDirection(direction)
        window.setLayoutDirection(direction)
    return code


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property it selects on has changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


# Qt's own dialogs (the folder chooser, the print dialog, message boxes) in the
# screen's language: Qt's catalogs where Qt has one (Arabic, French), and the
# standard buttons from ours in every language (Qt has no Tamazight).
STANDARD_BUTTONS = {
    "OK": N_("OK"),
    "&OK": N_("OK"),
    "Cancel": N_("Cancel"),
    "&Cancel": N_("Cancel"),
    "Yes": N_("Yes"),
    "&Yes": N_("Yes"),
    "No": N_("No"),
    "&No": N_("No"),
    "Open": N_("Open"),
    "&Open": N_("Open"),
    "Save": N_("Save"),
    "&Save": N_("Save"),
    "Close": N_("Close"),
    "&Close": N_("Close"),
    "Choose": N_("Choose"),
    "&Choose": N_("Choose"),
}
_qt_translators: dict[str, Any] = {}


def translate_qt_dialogs(lang: str | None = None) -> None:
    """Install the translators for ``lang`` (the current language by default) before
    a Qt dialog is shown; the previous language's are removed."""
    from kiosk.ui.qt import QLibraryInfo, QTranslator

    code = lang or current_language()
    if _qt_translators.get("lang") == code:
        return
    app = QApplication.instance()
    if app is None:
        return
    for key in ("qt", "ours"):
        old = _qt_translators.pop(key, None)
        if old is not None:
            app.removeTranslator(old)

    class Buttons(QTranslator):
        def translate(
            self, context: str, source: str, disambiguation: str | None = None, n: int = -1
        ) -> str:
            msgid = STANDARD_BUTTONS.get(source)
            if msgid is None or code == "en":
                return ""  # not ours: Qt's catalog or the source text
            return gettext_for(code, msgid)

    qt_catalog = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if code != "en" and qt_catalog.load(f"qtbase_{code}", folder):
        app.installTranslator(qt_catalog)
        _qt_translators["qt"] = qt_catalog
    ours = Buttons(app)
    app.installTranslator(ours)  # asked first: the last one installed is
    _qt_translators["ours"] = ours
    _qt_translators["lang"] = code
