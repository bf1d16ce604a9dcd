"""Full-window layers: the idle countdown's card and the staff PIN pad."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.domain.errors import KioskError
from kiosk.i18n import _
from kiosk.ui.background import Runner
from kiosk.ui.qt import QFrame, QGridLayout, QHBoxLayout, QLineEdit, Qt, QVBoxLayout, QWidget
from kiosk.ui.welcome import button, label


class Overlay(QFrame):
    """A full-window layer with a centred card (countdown, PIN pad)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("overlay")
        self.card = QFrame(self)
        self.card.setObjectName("overlayCard")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self.body = QVBoxLayout(self.card)
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
            # Wide enough that a sentence wraps on two lines, not five; never wider
            # than the window.
            self.card.setMinimumWidth(min(560, parent.width() - 48))
            self.card.setMaximumWidth(max(0, parent.width() - 48))
        self.raise_()
        self.show()


class PinPad(Overlay):
    """Digits, OK and Cancel; checks the PIN in the background, says a wrong or
    locked-out PIN, and calls ``on_ok`` when it is right."""

    def __init__(
        self,
        parent: QWidget,
        check: Callable[[str], bool],
        runner: Runner,
        on_ok: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self.check = check
        self.runner = runner
        self.on_ok = on_ok
        self.prompt = label()
        self.display = QLineEdit()
        self.display.setObjectName("pinDisplay")
        self.display.setEchoMode(QLineEdit.EchoMode.Password)
        self.display.setReadOnly(True)
        self.display.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.message = label(name="error")
        grid = QGridLayout()
        self.digit_buttons = {}
        for i, digit in enumerate("123456789"):
            b = button(digit)
            b.clicked.connect(lambda _=False, d=digit: self.display.insert(d))
            grid.addWidget(b, i // 3, i % 3)
            self.digit_buttons[digit] = b
        self.clear_button = button("\u232b")
        self.clear_button.clicked.connect(self.display.backspace)
        zero = button("0")
        zero.clicked.connect(lambda: self.display.insert("0"))
        self.digit_buttons["0"] = zero
        self.ok = button("OK", "primary")
        self.ok.clicked.connect(self.submit)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(zero, 3, 1)
        grid.addWidget(self.ok, 3, 2)
        self.cancel = button()
        self.cancel.clicked.connect(self.close_pad)
        self.card.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        for w in (self.prompt, self.display, self.message):
            self.body.addWidget(w)
        self.body.addLayout(grid)
        self.body.addWidget(self.cancel)

    def open_pad(self) -> None:
        self.display.clear()
        self.message.clear()
        self.prompt.setText(_("Staff PIN"))
        self.ok.setText(_("OK"))
        self.cancel.setText(_("Cancel"))
        self.cover()

    def close_pad(self) -> None:
        self.display.clear()
        self.hide()

    def submit(self) -> None:
        pin = self.display.text()

        def done(ok: Any) -> None:
            if ok:
                self.close_pad()
                self.on_ok()
            else:
                self.display.clear()
                self.message.setText(_("Wrong PIN."))

        def failed(error: BaseException) -> None:
            self.display.clear()
            self.message.setText(
                error.message() if isinstance(error, KioskError) else _("Wrong PIN.")
            )

        self.runner(lambda: self.check(pin), done, failed)
