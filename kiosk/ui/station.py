"""One kiosk, two faces: the attendee kiosk and the staff area, one shown at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.ui.qt import QApplication, QMainWindow, Qt


def cover_screen(window: QMainWindow) -> None:
    """Full screen, with or without a window manager: with none (a bare X server)
    the full-screen request is ignored and the window kept its own size in a
    corner, so the window is also given the screen's geometry itself."""
    screen = window.screen()
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()


class Station:
    """Switches between the attendee window and the staff window (both built once).

    A kiosk whose role is ``checkin`` starts on the staff window's check-in
    screen, locked: every other page, and leaving, needs the staff PIN.
    """

    def __init__(
        self,
        app: QApplication,
        make_kiosk: Callable[[Callable[[], object]], QMainWindow],
        make_staff: Callable[[bool, Callable[[], object], Callable[[], object]], QMainWindow],
        windowed: bool = False,
    ) -> None:
        self.app = app
        self.make_kiosk = make_kiosk
        self.make_staff = make_staff
        self.windowed = windowed
        self.kiosk: Any = None
        self.staff: Any = None

    def start(self, role: str) -> QMainWindow:
        if role == "checkin":
            return self.show_staff(locked=True)
        return self.show_kiosk()

    def _present(self, window: QMainWindow) -> None:
        if self.windowed:
            window.resize(1280, 800)
            window.show()
        else:
            if not window.isVisible():  # on a visible window it would re-create it (flicker)
                window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            cover_screen(window)
        window.raise_()
        window.activateWindow()

    def show_kiosk(self) -> QMainWindow:
        if self.kiosk is None:
            self.kiosk = self.make_kiosk(lambda: self.show_staff(locked=False))
        else:
            self.kiosk.resume()
        self._present(self.kiosk)
        if self.staff is not None:
            self.staff.hide()
        return self.kiosk  # type: ignore[no-any-return]

    def show_staff(self, locked: bool) -> QMainWindow:
        if self.staff is None:
            self.staff = self.make_staff(locked, self.show_kiosk, self.quit)
        else:
            self.staff.locked = locked
            # The language is the application's: the attendee kiosk left it at the last
            # attendee's choice, and the staff screens would speak it.
            self.staff.set_language(self.staff.language)
            self.staff.reload_settings()
            self.staff.show_page("checkin")
        self._present(self.staff)
        if self.kiosk is not None:
            self.kiosk.hide()
        return self.staff  # type: ignore[no-any-return]

    def quit(self) -> None:
        for window in (self.kiosk, self.staff):
            if window is None:
                continue
            if hasattr(window, "may_close"):
                window.may_close = True
            if hasattr(window, "unlocked"):
                window.unlocked = True
            window.close()
        self.app.exit(0)
