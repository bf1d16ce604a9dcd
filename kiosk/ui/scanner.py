"""A USB badge scanner (keyboard wedge) captured wherever focus is.

An application-wide event filter sees every key press before any widget.
Printable keys are held back while :class:`ScanBurstDetector` decides: a fast
run ended by Enter is a scan (decoded with the check-in core's key-event
decoder, so the layout does not matter); anything else was typed by a person
and is handed, in order, to the widget that has focus. A person typing sees
each character at most ``max_gap_ms`` late.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from kiosk import badges
from kiosk.domain.scanner import KeyPress, ScanBurstDetector
from kiosk.ui.qt import QApplication, QEvent, QKeyEvent, QObject, QTimer


def _printable(text: str) -> bool:
    return len(text) == 1 and text.isprintable()


class ScannerCapture(QObject):
    """Calls ``on_scan(text)`` for each scanner burst while :attr:`active`.

    ``text`` is the badge token when the keys decode to one, else what the
    keys typed (so a bad badge is still recorded and shown as unreadable).
    """

    def __init__(self, on_scan: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_scan = on_scan
        self.detector = ScanBurstDetector()
        self.active = False
        self._held: dict[int, QKeyEvent] = {}
        self._replaying = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(int(self.detector.max_gap_ms) + 15)
        self._flush_timer.timeout.connect(self._expire)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_active(self, on: bool) -> None:
        if not on:
            self._hand_back(self.detector.flush())
        self.active = on

    def detach(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.active = False

    # -- the filter ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.active or self._replaying or event.type() != QEvent.Type.KeyPress:
            return False
        assert isinstance(event, QKeyEvent)
        text = event.text()
        press = KeyPress(
            time_ms=float(event.timestamp()) or time.monotonic() * 1000.0,
            text=text,
            key=int(event.key()),
            native_scan_code=int(event.nativeScanCode()),
            native_virtual_key=int(event.nativeVirtualKey()),
        )
        if not (_printable(text) or press.is_enter) or event.isAutoRepeat():
            # Arrows, Backspace, Tab...: a person. Whatever was held goes first.
            self._hand_back(self.detector.flush())
            return False
        self._held[id(press)] = QKeyEvent(
            event.type(),
            event.key(),
            event.modifiers(),
            event.nativeScanCode(),
            event.nativeVirtualKey(),
            event.nativeModifiers(),
            text,
            event.isAutoRepeat(),
            event.count(),
        )
        decided = self.detector.feed(press)
        if decided is None:
            self._flush_timer.start()
            return True
        kind, keys = decided
        if kind == "scan":
            for key in keys:
                self._held.pop(id(key), None)
            self._held.pop(id(press), None)
            self._flush_timer.stop()
            self.on_scan(self.decode(keys))
            return True
        self._hand_back(keys)
        if self.detector.keys:
            self._flush_timer.start()
        return True

    @staticmethod
    def decode(keys: list[KeyPress]) -> str:
        try:
            return badges.decode_key_events(
                ((k.native_scan_code, k.text) for k in keys), sys.platform
            )
        except badges.BadgeError:
            return "".join(k.text for k in keys)

    def _expire(self) -> None:
        self._hand_back(self.detector.flush())

    def _hand_back(self, keys: list[KeyPress]) -> None:
        """Deliver keys a person typed to the focused widget, in order."""
        target = QApplication.focusWidget()
        self._replaying = True
        try:
            for key in keys:
                held = self._held.pop(id(key), None)
                if held is not None and target is not None:
                    QApplication.sendEvent(target, held)
        finally:
            self._replaying = False
        if not self.detector.keys:
            self._held.clear()
