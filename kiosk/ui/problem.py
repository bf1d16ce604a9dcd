"""What the screen shows when the kiosk cannot start on its database.

A kiosk has no terminal: a damaged or missing database must be said on the
screen, to staff, with the way back (the latest backup, behind the staff PIN
that backup holds). Nothing is written over: the damaged file was already moved
aside, and restoring puts a copy of the backup in place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.domain.errors import KioskError
from kiosk.i18n import _
from kiosk.ui.qt import QHBoxLayout, QLineEdit, QMainWindow, Qt, QVBoxLayout, QWidget
from kiosk.ui.welcome import button, label


class _StartWindow(QMainWindow):
    """A window shown before the kiosk starts, on a screen with no window manager's
    close button to trust: it closes only once its question is answered. It fills
    the screen with a ``problemScreen`` page, which the subclass fills in."""

    def __init__(self, on_done: Callable[[], None]) -> None:
        super().__init__()
        self.setWindowTitle("Listening Kiosk")
        self.may_close = False
        self.on_done = on_done
        self.page = QWidget()
        self.page.setObjectName("problemScreen")
        self.setCentralWidget(self.page)

    def closeEvent(self, event: object) -> None:
        if self.may_close:
            event.accept()  # type: ignore[attr-defined]
        else:
            event.ignore()  # type: ignore[attr-defined]


class ProblemWindow(_StartWindow):
    """The problem, the latest backup, and "restore and start" behind the PIN."""

    def __init__(
        self,
        problem: KioskError,
        latest: Path | None,
        pin_ok: Callable[[str], bool],
        restore: Callable[[], None],
        on_done: Callable[[], None] = lambda: None,
        restorable: bool = True,
    ) -> None:
        super().__init__(on_done)
        self.restored = False
        self.pin_ok = pin_ok
        self.restore = restore
        self.title = label(_("This kiosk cannot start: call a staff member."), "title")
        self.detail = label(problem.message())
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(_("Staff PIN"))
        self.pin.setMaxLength(12)
        self.message = label(name="error")
        self.restore_button = button(_("Restore the latest backup and start"), "primary")
        self.restore_button.clicked.connect(self._restore)
        self.quit_button = button(_("Quit"))
        self.quit_button.clicked.connect(self._quit)
        if not restorable:  # the database is whole: the disk is what needs fixing
            self.message.setText(
                _("Nothing was changed on this kiosk. Once the problem is fixed, start it again.")
            )
        elif latest is None:
            self.message.setText(_("There is no backup on this kiosk."))
        if latest is None or not restorable:
            self.pin.hide()
            self.restore_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.pin, 1)
        row.addWidget(self.restore_button)
        row.addWidget(self.quit_button)
        layout = QVBoxLayout(self.page)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addLayout(row)

    def _restore(self) -> None:
        if not self.pin_ok(self.pin.text()):
            self.pin.clear()
            self.message.setText(_("Wrong PIN."))
            return
        try:
            self.restore()
        except KioskError as exc:
            self.message.setText(exc.message())
            return
        self.restored = True
        self._quit()

    def _quit(self) -> None:
        self.may_close = True
        self.close()
        self.on_done()


class UnlockWindow(_StartWindow):
    """At start, a kiosk whose data is encrypted under the staff PIN asks for it (the
    on-screen PIN pad); ``unlock(pin)`` runs in the background and is True when the
    PIN opens the data. ``pin`` is then the PIN typed; Cancel leaves it None."""

    def __init__(
        self,
        unlock: Callable[[str], bool],
        runner: Callable[..., None],
        on_done: Callable[[], None] = lambda: None,
    ) -> None:
        from kiosk.ui.overlay import PinPad

        super().__init__(on_done)
        self.pin: str | None = None
        self.typed = ""

        def check(pin: str) -> bool:
            self.typed = pin
            return unlock(pin)

        self.pad = PinPad(self.page, check, runner, self._unlocked)
        self.pad.cancel.clicked.disconnect()
        self.pad.cancel.clicked.connect(self._cancel)
        self.pad.open_pad()
        self.pad.prompt.setText(_("This kiosk's data is locked: a staff member types the PIN."))
        self.pad.cancel.setText(_("Quit"))

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.pin is None:
            self.pad.cover()

    def _unlocked(self) -> None:
        self.pin = self.typed
        self.may_close = True
        self.on_done()

    def _cancel(self) -> None:
        self.may_close = True
        self.on_done()
