"""Does a screen fit? Walks the attendee and staff screens and lists what a person at
a touch screen of a given size could not reach or read (used by test_layout_fit.py
and bench/fit_screenshots.py).

What counts as a problem, on the screen as it is painted:
- the window is larger than the screen (Qt grows a window to its layout's minimum
  size, so a layout that needs more than the screen pushes rows off it);
- a visible control (button, field, drop-down, spin box, keyboard key, check box)
  is not wholly inside the window and inside every parent that clips it, or is
  smaller than 48x48 px; inside a scroll area it only has to be inside the
  scrolled content (a finger drag brings it into view);
- a visible label's text needs more room than the label has (word-wrapped: its
  height for its width; otherwise its width), or a button's text does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kiosk.ui.qt import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPoint,
    QRect,
    QScrollArea,
    QSpinBox,
    Qt,
    QWidget,
)

MIN_TOUCH = 48
SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
LANGUAGES = ("ar", "fr", "zgh", "en")

SAMPLE = {
    "ar": ("\u0634\u0628\u0627\u0643 \u0631\u0642\u0645\u064a", "\u0625\u062d\u062f\u0627\u062b"),
    "fr": ("Guichet num\u00e9rique unique", "Cr\u00e9er un guichet unique."),
    "zgh": ("\u2d5c\u2d30\u2d63\u2d63\u2d53\u2d33\u2d63\u2d5c", "\u2d49\u2d4f\u2d5c\u2d54"),
    "en": ("Coding clubs", "Free coding clubs for girls in rural communes."),
}


def interactive(widget: QWidget) -> bool:
    """A control a finger uses (a spin box's or drop-down's own line edit is a part of
    it: the whole box is the target, and is checked itself)."""
    if isinstance(widget.parentWidget(), QSpinBox | QComboBox):
        return False
    return isinstance(widget, QAbstractButton | QLineEdit | QComboBox | QSpinBox | QPlainTextEdit)


def _scroll_content(widget: QWidget) -> QWidget | None:
    """The scroll area's content widget ``widget`` lives in, if any."""
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        area = grand.parentWidget() if grand is not None else None
        if isinstance(area, QScrollArea) and grand is area.viewport():
            return parent
        parent = grand
    return None


def visible_rect(widget: QWidget, window: QWidget) -> QRect:
    """``widget``'s rectangle in window coordinates, cut by every clipping parent up to
    the window (or up to the content of the scroll area it is in)."""
    content = _scroll_content(widget)
    stop = content if content is not None else window
    rect = QRect(widget.mapTo(stop, QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        rect = rect.intersected(QRect(parent.mapTo(stop, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    if content is None:
        return rect.intersected(window.rect())
    # Scroll areas scroll up and down only: what is past the viewport's sides is cut.
    viewport = content.parentWidget()
    assert viewport is not None
    side = QRect(content.mapFrom(viewport, QPoint(0, 0)).x(), 0, viewport.width(), content.height())
    return rect.intersected(content.rect()).intersected(side)


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisible() and widget.window() is window and widget.width() > 0


def text_problem(widget: QWidget) -> str | None:
    """Why ``widget``'s text is cut (None when it is whole)."""
    if isinstance(widget, QLabel):
        if not widget.text() or (widget.pixmap() is not None and not widget.pixmap().isNull()):
            return None
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            if need > widget.height():
                return f"wrapped text needs {need} px high, has {widget.height()}"
            # A single word longer than the line cannot wrap: it is cut at the side.
            widest = widget.minimumSizeHint().width()
            if widest > widget.width():
                return f"a word needs {widest} px wide, has {widget.width()}"
            return None
        need_w = widget.sizeHint().width()
        need_h = widget.sizeHint().height()
        if need_w > widget.width() or need_h > widget.height():
            return f"text needs {need_w}x{need_h}, has {widget.width()}x{widget.height()}"
        return None
    if isinstance(widget, QAbstractButton) and widget.text():
        if widget.hasHeightForWidth():  # text that wraps (WrapCheckBox)
            need = widget.heightForWidth(widget.width())
            if need > widget.height():
                return f"wrapped text needs {need} px high, has {widget.height()}"
            return None
        hint = widget.sizeHint()
        if hint.width() > widget.width() or hint.height() > widget.height():
            return (
                f"text needs {hint.width()}x{hint.height()}, has {widget.width()}x{widget.height()}"
            )
    return None


def painted_overflow(widget: QLabel, margin: int = 24) -> int:
    """How many pixel columns of ``widget``'s text are painted outside the label, when
    it is drawn as QLabel draws it (QPainter.drawText in the contents rectangle) on a
    wider canvas. Metrics can miss it (shaped Arabic, marks, font fallback); the
    label itself would clip those pixels away."""
    from kiosk.ui.qt import QImage, QPainter

    inner = widget.contentsRect()
    left = inner.x() + margin
    image = QImage(widget.width() + 2 * margin, widget.height(), QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    painter = QPainter(image)
    painter.setFont(widget.font())
    painter.setLayoutDirection(widget.layoutDirection())
    flags = int(widget.alignment().value)
    if widget.wordWrap():
        flags |= int(Qt.TextFlag.TextWordWrap.value)
    text_rect = QRect(left, inner.y(), inner.width(), inner.height())
    painter.drawText(text_rect, flags, widget.text())
    painter.end()
    inside = range(margin, margin + widget.width())
    cut = 0
    for x in range(image.width()):
        if x in inside:
            continue
        if any(image.pixel(x, y) & 0xFFFFFF != 0xFFFFFF for y in range(image.height())):
            cut += 1
    return cut


def problems(window: QWidget, width: int, height: int) -> list[str]:
    """What does not fit in ``window`` on a ``width`` x ``height`` screen."""
    found: list[str] = []
    if window.width() > width or window.height() > height:
        found.append(f"window is {window.width()}x{window.height()}")
    screen = QRect(0, 0, width, height)
    found += overlaps(window)
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window):
            continue
        name = describe(widget)
        if interactive(widget):
            rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            seen = visible_rect(widget, window)
            if _scroll_content(widget) is None and not screen.contains(rect):
                found.append(f"{name} outside the screen at {rect_text(rect)}")
            elif seen.size() != widget.size():
                found.append(f"{name} cut to {seen.width()}x{seen.height()} of {size_text(widget)}")
            if widget.width() < MIN_TOUCH or widget.height() < MIN_TOUCH:
                found.append(f"{name} is {size_text(widget)}, under {MIN_TOUCH}x{MIN_TOUCH}")
        if isinstance(widget, QLabel | QAbstractButton):
            why = text_problem(widget)
            if why:
                found.append(f"{name}: {why}")
            elif isinstance(widget, QLabel) and widget.text():
                seen = visible_rect(widget, window)
                if seen.size() != widget.size():
                    found.append(
                        f"{name} cut to {seen.width()}x{seen.height()} of {size_text(widget)}"
                    )
    return found


def layer(widget: QWidget) -> QWidget | None:
    """The full-window overlay ``widget`` is on, if any."""
    parent = widget.parentWidget()
    while parent is not None and parent.objectName() != "overlay":
        parent = parent.parentWidget()
    return parent


def overlaps(window: QWidget) -> list[str]:
    """Controls drawn over one another (a layout squeezed below what its rows need
    piles keys on keys, while each still has its own size)."""
    boxes = []
    for widget in window.findChildren(QWidget):
        if _shown(widget, window) and interactive(widget):
            seen = visible_rect(widget, window)
            if _scroll_content(widget) is None and not seen.isEmpty():
                top_left = widget.mapTo(window, QPoint(0, 0))
                boxes.append((top_left.y(), top_left.x(), widget))
    boxes.sort(key=lambda b: (b[0], b[1]))
    found = []
    for i, (y, x, a) in enumerate(boxes):
        bottom, right = y + a.height(), x + a.width()
        for y2, x2, b in boxes[i + 1 :]:
            if y2 >= bottom:
                break
            if layer(a) is not layer(b):
                continue  # an overlay (PIN pad, countdown) is over the screen on purpose
            if x2 < right and x < x2 + b.width() and not a.isAncestorOf(b):
                found.append(f"{describe(a)} and {describe(b)} overlap")
    return found


def describe(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = " ".join(widget.text().split())[:40]
    kind = type(widget).__name__
    name = widget.objectName()
    return f"{kind}{'#' + name if name else ''}" + (f" {text!r}" if text else "")


def size_text(widget: QWidget) -> str:
    return f"{widget.width()}x{widget.height()}"


def rect_text(rect: QRect) -> str:
    return f"{rect.x()},{rect.y()} {rect.width()}x{rect.height()}"


def settle(app: Any) -> None:
    """Let layouts, style polish and deferred deletions run."""
    for _i in range(3):
        app.processEvents()


# -- the screens ---------------------------------------------------------------------


def attendee_screens(window: Any, lang: str, large: bool) -> Iterator[str]:
    """Drive the attendee window through every screen in ``lang`` (A+ if ``large``);
    yields each screen's name."""
    f = window.flow

    def apply(state: Any) -> None:
        if state.large_text != large:  # a new attendee starts with normal text
            state = f.set_large_text(large)
        window._apply(state)

    apply(f.reset())
    yield "welcome"
    apply(f.choose_language(lang))
    yield "badge"
    apply(f.skip_badge())
    yield "theme"
    apply(f.choose_theme(window.event_info.themes[0].code))
    title, body = SAMPLE[lang]
    window.write.title_field.setText(title)
    window.write.body_field.setPlainText(body)
    apply(f.state)
    yield "write"
    apply(f.finish_writing())
    apply(f.answer("age_band", "25_34"))
    yield "questions"
    apply(f.finish_questions())
    yield "consent"
    apply(f.set_consent(True))
    apply(f.finish_consent())
    yield "review"
    f.submission()
    apply(f.submitted("x", "K7M4-QPX2"))
    yield "receipt"
    apply(f.reset())
    apply(f.choose_language(lang))
    apply(f.skip_badge())
    apply(f.tick(f.timeouts.idle_s))
    yield "still-there"
    apply(f.reset())
    apply(f.choose_language(lang))
    window.pin_pad.open_pad()
    yield "pin"
    window.pin_pad.close_pad()
    apply(f.reset())  # keeps the text size: a restyle takes half a second


def staff_screens(window: Any, lang: str, large: bool) -> Iterator[str]:
    """Drive the staff window through every page in ``lang`` (larger text if
    ``large``); yields each page's name."""
    from kiosk.ui.style import apply_style, stylesheet

    if app().styleSheet() != stylesheet(large):  # a restyle takes half a second
        apply_style(app(), large)
    screen = window.checkin
    window.set_language(lang)
    window.show_page("checkin")
    screen.show_scan_page()
    screen.clear_result()
    yield "checkin"
    screen.keyboard_button.setChecked(True)
    screen.search_field.setText("Ben")
    screen._search()
    yield "checkin-search-keyboard"
    if screen.results:  # a tap on a result asks first
        screen.ask_check_in(screen.results[0].attendee.id)
        yield "checkin-confirm"
        screen.clear_result()
    screen.search_field.setText("Qzxwvbt")
    screen._search()
    yield "checkin-no-one"
    screen.search_field.clear()
    screen.open_walk_in()
    yield "walk-in-form"
    screen.keyboard_button.setChecked(False)
    screen.show_scan_page()
    window.show_page("dashboard")
    yield "dashboard"
    window.show_page("data")
    yield "data"
    window.data.export_all_button.show()  # after "Nothing new to export."
    yield "data-export-all"
    window.data.export_all_button.hide()
    window.show_page("settings")
    yield "settings"
    window.keyboard_button.setChecked(True)
    yield "settings-keyboard"
    window.keyboard_button.setChecked(False)
    window._ask_quit()
    yield "quit-confirm"
    window.quit_confirm.hide()
    window.show_page("checkin")
    window.pin_pad.open_pad()
    yield "pin"
    window.pin_pad.close_pad()


def walk(
    app: Any,
    window: Any,
    screens: Callable[[Any, str, bool], Iterator[str]],
    size: tuple[int, int],
    on_screen: Callable[[str, list[str]], None],
) -> None:
    """Every screen of ``window`` in every language, normal and large text, at ``size``."""
    width, height = size
    for large in (False, True):
        for lang in LANGUAGES:
            for name in screens(window, lang, large):
                settle(app)  # a window shrinks only once the shown screen's layout is done
                window.setGeometry(0, 0, width, height)
                settle(app)
                label = f"{width}x{height} {lang}{' A+' if large else ''} {name}"
                on_screen(label, problems(window, width, height))
    # Normal text again for what comes next.
    if screens is staff_screens:
        from kiosk.ui.style import apply_style

        apply_style(app)
    else:
        window._apply(window.flow.reset())


def app() -> QApplication:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    return instance
