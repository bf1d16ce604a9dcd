"""Measurement and inspection hooks, all in one place, all off unless asked for.

Set by environment variables, used by the start-up benchmarks, the frozen-build
check and the tests; a kiosk at a venue has none of them set:

- ``KIOSK_EXIT_ON_FIRST_PAINT``: print ``PAINTED <monotonic time>`` at the first
  paint of the first screen and leave;
- ``KIOSK_PRINT_READY``: print ``READY <monotonic time>`` once the store is open
  and the screens are built;
- ``KIOSK_SCREENSHOT=FILE``: save the first screen as an image and leave;
- ``KIOSK_QUIT_AFTER_MS=N``: leave after N milliseconds.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kiosk.ui.qt import QTimer

if TYPE_CHECKING:
    from kiosk.ui.qt import QApplication, QWidget


class FirstPaintProbe:
    """Print the time of the first paint of a widget, and leave once the event loop can."""

    def __init__(self, app: QApplication, widget: Any) -> None:
        self.app = app
        self.painted = False
        probe = self

        def painted() -> None:
            if not probe.painted:
                probe.painted = True
                # Runs once the paint event has been handled: the screen is painted.
                QTimer.singleShot(0, probe.report)

        if hasattr(widget, "on_first_paint"):  # the welcome screen says so itself
            widget.on_first_paint = painted
            return
        from kiosk.ui.qt import QEvent, QObject

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint:
                    painted()
                return False

        self.filter = Filter(widget)
        widget.installEventFilter(self.filter)

    def report(self) -> None:
        print("PAINTED", time.monotonic(), flush=True)
        self.app.exit(0)


@dataclass
class DevHooks:
    """The hooks the environment asks for (see the module's docstring)."""

    first_paint: bool
    print_ready: bool
    screenshot: str | None
    quit_after_ms: int | None
    probe: FirstPaintProbe | None = None

    @classmethod
    def from_environ(cls) -> DevHooks:
        quit_after = os.environ.get("KIOSK_QUIT_AFTER_MS")
        return cls(
            first_paint=bool(os.environ.get("KIOSK_EXIT_ON_FIRST_PAINT")),
            print_ready=bool(os.environ.get("KIOSK_PRINT_READY")),
            screenshot=os.environ.get("KIOSK_SCREENSHOT") or None,
            quit_after_ms=int(quit_after) if quit_after else None,
        )

    def watch_first_paint(self, app: QApplication, widget: Any) -> None:
        if self.first_paint and self.probe is None:
            self.probe = FirstPaintProbe(app, widget)

    @property
    def painted(self) -> bool:
        return self.probe is not None and self.probe.painted

    def ready(self) -> None:
        if self.print_ready:
            print("READY", time.monotonic(), flush=True)

    def on_screen(self, app: QApplication, window: QWidget) -> None:
        """The first window is up: take the screenshot, set the quit timer."""
        shot = self.screenshot
        if shot:  # look at what a frozen build shows: save the first screen and leave
            QTimer.singleShot(800, lambda: (window.grab().save(shot), app.exit(0)))
        if self.quit_after_ms is not None:
            QTimer.singleShot(self.quit_after_ms, lambda: app.exit(0))
