"""Every attendee and staff screen fits the screens venues have (issue 18, "Fit").

Each window is given the size of the screen (1280x800, 1366x768, 1920x1080 and
portrait 1080x1920), as full screen does, on every screen, in the four languages,
with normal and large text. Qt grows a window to its layout's minimum size, as it
did on the venue's 1280x800 X display (854-1122 px tall), so a layout that needs
more than the screen shows here as a window taller than the screen and controls
below its edge. See tests/ui/fit.py for what counts as not fitting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.ui.qt import QComboBox, QEvent, QMouseEvent, QPoint, QPointF, QScroller, QSpinBox, Qt
from tests.ui import fit


@pytest.fixture(scope="module")
def stations(qapp, tmp_path_factory) -> Iterator[tuple[Any, Any]]:
    """The attendee window and the staff window on one demo kiosk (check-in too)."""
    from kiosk.app import build_staff_window, build_window, setup_demo_door
    from kiosk.config import load_settings
    from kiosk.storage import Store
    from kiosk.ui.background import run_now
    from kiosk.ui.style import apply_style, load_fonts

    load_fonts()
    apply_style(qapp)
    settings = load_settings(tmp_path_factory.mktemp("fit"))
    store = Store(settings.db_url, backups_dir=settings.backups_dir)
    setup_demo_door(store, settings)
    kiosk = build_window(store, settings, run_now)
    staff = build_staff_window(store, settings, run_now, language="fr")
    kiosk.show()
    staff.show()
    yield kiosk, staff
    kiosk.unlocked = True
    staff.may_close = True
    for window in (kiosk, staff):
        window.close()
        window.deleteLater()
    qapp.processEvents()
    store.close()


def showing(stations: tuple[Any, Any], index: int) -> Any:
    """One of the two windows, shown alone (painting the other too doubles the time)."""
    stations[1 - index].hide()
    stations[index].show()
    return stations[index]


def check(qapp: Any, window: Any, screens: Any, size: tuple[int, int]) -> None:
    failures: list[str] = []

    def on_screen(label: str, found: list[str]) -> None:
        failures.extend(f"{label}: {p}" for p in found)

    fit.walk(qapp, window, screens, size, on_screen)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:60])


@pytest.mark.slow
@pytest.mark.parametrize("size", fit.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_attendee_screens_fit(qapp, stations, size) -> None:
    check(qapp, showing(stations, 0), fit.attendee_screens, size)


@pytest.mark.slow
@pytest.mark.parametrize("size", fit.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_attendee_screens_fit_in_training_mode(qapp, stations, size) -> None:
    """The training banner on every attendee screen leaves them fitting (issue 18)."""
    kiosk = showing(stations, 0)
    kiosk.training = True
    try:
        check(qapp, kiosk, fit.attendee_screens, size)
    finally:
        kiosk.training = False
        kiosk._apply(kiosk.flow.reset())


@pytest.mark.slow
@pytest.mark.parametrize("size", fit.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_staff_screens_fit(qapp, stations, size) -> None:
    check(qapp, showing(stations, 1), fit.staff_screens, size)


def screen_at(qapp: Any, window: Any, screens: Any, lang: str, large: bool, want: str) -> None:
    """Leave ``window`` on screen ``want`` at 1280x800 (the generator is left open)."""
    for name in screens(window, lang, large):
        if name == want:
            fit.settle(qapp)
            window.setGeometry(0, 0, 1280, 800)
            fit.settle(qapp)
            return
    raise AssertionError(want)


@pytest.mark.parametrize(("lang", "large"), [("fr", False), ("en", False), ("ar", True)])
def test_theme_descriptions_are_whole(qapp, stations, lang, large) -> None:
    kiosk = showing(stations, 0)
    screen_at(qapp, kiosk, fit.attendee_screens, lang, large, "theme")
    cut = []
    for code, card in kiosk.theme.cards.items():
        for widget in [card, *card.findChildren(fit.QLabel)]:
            why = fit.text_problem(widget)
            if why is None and isinstance(widget, fit.QLabel) and fit.painted_overflow(widget):
                why = "painted past its edge"
            if why:
                cut.append(f"{code}: {fit.describe(widget)}: {why}")
    assert not cut, cut


@pytest.mark.parametrize("lang", fit.LANGUAGES)
def test_idle_countdown_text_is_whole(qapp, stations, lang) -> None:
    kiosk = showing(stations, 0)
    screen_at(qapp, kiosk, fit.attendee_screens, lang, False, "still-there")
    assert kiosk.countdown.isVisible()
    for label in (kiosk.countdown_title, kiosk.countdown_text):
        assert fit.text_problem(label) is None, fit.describe(label)
        assert not fit.painted_overflow(label), fit.describe(label)


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_no_control_under_the_staff_corner(qapp, stations, lang) -> None:
    """The hidden long-press corner takes the presses on what it covers."""
    kiosk = showing(stations, 0)
    screen_at(qapp, kiosk, fit.attendee_screens, lang, False, "theme")
    corner = kiosk.staff_corner.geometry()
    covered = [
        fit.describe(w)
        for w in kiosk.findChildren(fit.QAbstractButton)
        if w.isVisible()
        and fit.QRect(w.mapTo(kiosk.central, QPoint(0, 0)), w.size()).intersects(corner)
    ]
    assert not covered, covered


def drag(widget: Any, start: QPoint, end: QPoint, qapp: Any) -> None:
    """A finger (left button) dragged over ``widget`` in small steps."""
    import time

    def send(kind: Any, pos: QPoint, buttons: Any) -> None:
        local = QPointF(pos)
        event = QMouseEvent(
            kind,
            local,
            QPointF(widget.mapToGlobal(pos)),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        qapp.sendEvent(widget, event)
        qapp.processEvents()

    left = Qt.MouseButton.LeftButton
    send(QEvent.Type.MouseButtonPress, start, left)
    steps = 12
    for i in range(1, steps + 1):
        time.sleep(0.01)
        point = start + (end - start) * i / steps
        send(QEvent.Type.MouseMove, point, left)
    send(QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def test_questions_scroll_by_finger_drag(qapp, stations, qtbot) -> None:
    kiosk = showing(stations, 0)
    screen_at(qapp, kiosk, fit.attendee_screens, "fr", True, "questions")
    scroll = kiosk.questions.findChild(fit.QScrollArea)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0, "the questions fit without scrolling: nothing to test"
    assert bar.value() == 0
    viewport = scroll.viewport()
    middle = viewport.rect().center()
    drag(viewport, middle + QPoint(0, 150), middle - QPoint(0, 150), qapp)
    qtbot.waitUntil(lambda: bar.value() > 50, timeout=3000)
    assert QScroller.hasScroller(viewport)


def test_drop_down_rows_are_touch_sized(qapp, stations) -> None:
    staff = showing(stations, 1)
    screen_at(qapp, staff, fit.staff_screens, "fr", False, "settings")
    combos = [c for c in staff.findChildren(QComboBox) if c.count() > 0]
    assert combos
    for combo in combos:
        combo.showPopup()
        fit.settle(qapp)
        view = combo.view()
        row = view.visualRect(view.model().index(0, 0))
        combo.hidePopup()
        assert row.height() >= fit.MIN_TOUCH, (fit.describe(combo), row.height())


def test_spin_box_steps_are_touch_sized(qapp, stations) -> None:
    """The idle time-out's minus and plus are buttons a finger can hit."""
    staff = showing(stations, 1)
    screen_at(qapp, staff, fit.staff_screens, "fr", False, "settings")
    spin = staff.settings_page.idle
    if isinstance(spin, QSpinBox):  # its own arrows must be finger-sized
        from kiosk.ui.qt import QStyle, QStyleOptionSpinBox

        option = QStyleOptionSpinBox()
        spin.initStyleOption(option)
        for part in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
            rect = spin.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, part, spin)
            assert rect.width() >= fit.MIN_TOUCH and rect.height() >= fit.MIN_TOUCH, rect
        return
    box = spin.spin  # a stepper: minus and plus buttons beside the number
    assert box.lineEdit().width() >= 3 * fit.MIN_TOUCH  # the number itself is shown
    before = box.value()
    spin.more.click()
    assert box.value() == before + box.singleStep()
    spin.less.click()
    assert box.value() == before
    for b in (spin.less, spin.more):
        assert b.width() >= fit.MIN_TOUCH and b.height() >= fit.MIN_TOUCH
