"""The kiosk window: renders the attendee flow, keeps people in, lets staff out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.domain.errors import KioskError
from kiosk.domain.event import EventInfo
from kiosk.domain.flow import AttendeeFlow, FlowState, Step, Timeouts
from kiosk.i18n import N_, _
from kiosk.ui.attendee import (
    BadgeScreen,
    ConsentScreen,
    QuestionsScreen,
    ReceiptScreen,
    ReviewScreen,
    Screen,
    ThemeScreen,
    WelcomeScreen,
    WriteScreen,
    button,
    label,
)
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.qt import (
    QApplication,
    QEvent,
    QFrame,
    QGridLayout,
    QGuiApplication,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QObject,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from kiosk.ui.style import apply_language, apply_style

Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]
LONG_PRESS_MS = 3000


class Services:
    """What the window needs from the core, as plain callables (easy to fake in tests)."""

    def __init__(
        self,
        submit: Callable[[Any], Any],
        check_in_badge: Callable[[str], Any],
        check_pin: Callable[[str], bool],
    ) -> None:
        self.submit = submit
        self.check_in_badge = check_in_badge
        self.check_pin = check_pin


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


class KioskWindow(QMainWindow):
    """Full screen, frameless; Back always; language switch live; idle reset; PIN to leave."""

    def __init__(
        self,
        event: EventInfo | None,
        services: Services | None,
        runner: Runner,
        timeouts: Timeouts | None = None,
        default_language: str = "ar",
        on_staff: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Listening Kiosk")
        self.on_staff = on_staff
        # With no event and services yet, the welcome screen paints at once and
        # attach() brings them in when the store is open (start-up time).
        event = event or EventInfo("", "", "", "", "", (), ())
        self.event_info = event
        self.services = services
        self.runner = runner
        self.flow = AttendeeFlow(default_language=default_language, timeouts=timeouts or Timeouts())
        self.large_text = False
        self.high_contrast = False
        self.unlocked = False
        self.staff_menu_requested = False

        central = QWidget()
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.setContentsMargins(16, 8, 16, 8)

        bar = QHBoxLayout()
        self.back_button = button("", "toolbar")
        self.back_button.setObjectName("backButton")
        self.back_button.clicked.connect(lambda: self._apply(self.flow.back()))
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        self.language_buttons: dict[str, QPushButton] = {}
        for lang, text in (("ar", "\u0639"), ("fr", "FR"), ("zgh", "\u2d63"), ("en", "EN")):
            b = button(text, "toolbar")
            b.setProperty("lang", lang)
            b.clicked.connect(
                lambda _=False, code=lang: self._apply(self.flow.switch_language(code))
            )
            bar.addWidget(b)
            self.language_buttons[lang] = b
        self.large_button = button("A+", "toolbar")
        self.large_button.setCheckable(True)
        self.large_button.toggled.connect(self._toggle_large)
        self.contrast_button = button("\u25d0", "toolbar")
        self.contrast_button.setCheckable(True)
        self.contrast_button.toggled.connect(self._toggle_contrast)
        bar.addWidget(self.large_button)
        bar.addWidget(self.contrast_button)
        root.addLayout(bar)

        self.stack = QStackedWidget()
        f = self.flow
        self.welcome = WelcomeScreen(lambda lang: self._apply(f.choose_language(lang)))
        self.stack.addWidget(self.welcome)
        self.screens: dict[Step, Screen] = {Step.WELCOME: self.welcome}
        root.addWidget(self.stack, 1)
        self.root = root
        self.central = central
        self.built = False

        # A 3-second press on the top-left corner opens the PIN pad.
        self.corner = QWidget(central)
        self.corner.setObjectName("staffCorner")
        self.corner.setStyleSheet("background: transparent;")
        self.corner.setGeometry(0, 0, 72, 72)
        self.corner.installEventFilter(self)
        self.long_press = QTimer(self)
        self.long_press.setSingleShot(True)
        self.long_press.setInterval(LONG_PRESS_MS)
        self.long_press.timeout.connect(self._open_pin_pad)

        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(lambda: self._apply(self.flow.tick(1.0)))
        self.clock.start()
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        if services is not None:
            self._build_screens(event)
        self._apply(self.flow.state)

    def _build_screens(self, event: EventInfo) -> None:
        """Every screen after the welcome, the keyboard and the overlays (on a kiosk
        starting up, right after the welcome screen is painted)."""
        f = self.flow
        central = self.central
        self.keyboard = OnScreenKeyboard()
        self.badge = BadgeScreen(self._badge_scanned, lambda: self._apply(f.skip_badge()))
        self.theme = ThemeScreen(event, lambda code: self._apply(f.choose_theme(code)))
        self.write = WriteScreen(
            self.keyboard,
            lambda t, b: self.flow.edit_text(t, b),
            lambda: self._apply(f.finish_writing()),
        )
        self.questions = QuestionsScreen(
            lambda q, v: self._apply(f.answer(q, v)), lambda: self._apply(f.finish_questions())
        )
        self.consent = ConsentScreen(
            lambda c: self._apply(f.set_consent(c)), lambda: self._apply(f.finish_consent())
        )
        self.review = ReviewScreen(event, self._submit)
        self.receipt = ReceiptScreen(lambda: self._apply(f.reset()))
        for screen in (
            self.badge,
            self.theme,
            self.write,
            self.questions,
            self.consent,
            self.review,
            self.receipt,
        ):
            self.stack.addWidget(screen)
            self.screens[screen.step] = screen
        self.screens[Step.SUBMITTING] = self.review
        self.root.addWidget(self.keyboard)

        self.countdown = Overlay(central)
        self.countdown_title = label(name="title")
        self.countdown_text = label()
        self.countdown_button = button("", "primary")
        self.countdown_button.clicked.connect(lambda: self._apply_touch())
        for w in (self.countdown_title, self.countdown_text, self.countdown_button):
            self.countdown.body.addWidget(w)
        self.pin_pad = PinPad(
            central,
            lambda pin: self.services.check_pin(pin),  # type: ignore[union-attr]
            self.runner,
            self._pin_accepted,
        )
        self.corner.raise_()
        for field in (self.write.title_field, self.write.body_field):
            field.installEventFilter(self)
        self.built = True

    def _open_pin_pad(self) -> None:
        if self.built:
            self.pin_pad.open_pad()

    # -- rendering ---------------------------------------------------------------------
    def _apply(self, state: FlowState) -> None:
        apply_language(self, state.language)
        if not self.built:  # starting up: the welcome screen only; attach() shows the rest
            self.welcome.render(state)
            self.back_button.hide()
            return
        screen = self.screens[state.step]
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
            if state.step == Step.WRITE:
                self.write.focus_field(self.write.title_field)
        screen.render(state)
        self.keyboard.setVisible(state.step == Step.WRITE)
        if state.step == Step.WRITE and self.keyboard.letters != state.language:
            self.keyboard.set_language(state.language)
        self.back_button.setText(_("Back"))
        self.back_button.setVisible(state.step not in (Step.WELCOME, Step.RECEIPT, Step.SUBMITTING))
        self.large_button.setToolTip(_("Larger text"))
        self.contrast_button.setToolTip(_("High contrast"))
        if state.overlay_countdown is not None:
            self.countdown_title.setText(_("Are you still there?"))
            self.countdown_text.setText(
                _("This screen will restart in {seconds} seconds.").format(
                    seconds=state.overlay_countdown
                )
            )
            self.countdown_button.setText(_("I am still here"))
            if not self.countdown.isVisible():
                self.countdown.cover()
        elif self.countdown.isVisible():
            self.countdown.hide()
        if state.step == Step.WELCOME and self.flow.resets != getattr(self, "_cleared", 0):
            self._cleared = self.flow.resets
            self.clear_session()

    def attach(self, event: EventInfo, services: Services, timeouts: Timeouts | None) -> None:
        """The event and the core, once the store is open."""
        self.event_info = event
        self.services = services
        if not self.built:
            self._build_screens(event)
        self.theme.set_event(event)
        self.review.event_info = event
        if timeouts is not None:
            self.flow.timeouts = timeouts
        self._apply(self.flow.state)

    def resume(self) -> None:
        """Shown again after the staff area: a fresh welcome screen."""
        self._apply(self.flow.reset())

    def clear_session(self) -> None:
        """Nothing of the previous attendee stays in any widget, undo stack or clipboard."""
        self.write.clear()
        self.badge.field.clear()
        self.badge.error.clear()
        self.review.summary.clear()
        self.review.error.clear()
        self.receipt.code.clear()
        self.receipt.qr.clear()
        self.consent.box.blockSignals(True)
        self.consent.box.setChecked(False)
        self.consent.box.blockSignals(False)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        for overlay in (self.countdown, self.pin_pad) if self.built else ():
            if overlay.isVisible():
                overlay.cover()
        self.corner.raise_()

    # -- events ------------------------------------------------------------------------
    def _apply_touch(self) -> None:
        self.flow.touch()
        self._apply(self.flow.state)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress):
            if self.flow.state.overlay_countdown is not None:
                self.flow.touch()
                QTimer.singleShot(0, lambda: self._apply(self.flow.state))
            else:
                self.flow.touch()
        if watched is self.corner:
            if kind == QEvent.Type.MouseButtonPress:
                self.long_press.start()
            elif kind == QEvent.Type.MouseButtonRelease:
                self.long_press.stop()
        if (
            self.built
            and kind == QEvent.Type.FocusIn
            and watched in (self.write.title_field, self.write.body_field)
        ):
            self.keyboard.set_target(watched)  # type: ignore[arg-type]
        return False

    def _badge_scanned(self, text: str) -> None:
        def done(result: Any) -> None:
            self.badge.field.clear()
            if result is not None:
                self._apply(self.flow.badge_scanned(result.id, result.name))
            else:
                self._apply(
                    self.flow.badge_refused(
                        N_("This badge could not be read. You can continue without a badge.")
                    )
                )

        def failed(error: BaseException) -> None:
            self.badge.field.clear()
            self._apply(
                self.flow.badge_refused(
                    N_("This badge could not be read. You can continue without a badge.")
                )
            )

        self.runner(lambda: self.services.check_in_badge(text), done, failed)

    def _submit(self) -> None:
        if self.flow.state.step != Step.REVIEW:
            return
        draft = self.flow.submission()
        self._apply(self.flow.state)

        def done(receipt: Any) -> None:
            self._apply(self.flow.submitted(receipt.id, receipt.receipt_code))

        def failed(error: BaseException) -> None:
            if isinstance(error, KioskError):
                message = error.message(self.flow.state.language)
            else:
                message = _("The proposal could not be saved. Please call a staff member.")
            self._apply(self.flow.submit_failed(message))

        self.runner(lambda: self.services.submit(draft), done, failed)

    def _pin_accepted(self) -> None:
        if self.on_staff is not None:  # the staff area of this kiosk
            self._apply(self.flow.reset())
            self.on_staff()
            return
        self.unlocked = True
        self.staff_menu_requested = True
        self.close()

    def _toggle_large(self, on: bool) -> None:
        self.large_text = on
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_style(app, self.large_text, self.high_contrast)

    def _toggle_contrast(self, on: bool) -> None:
        self.high_contrast = on
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_style(app, self.large_text, self.high_contrast)

    def closeEvent(self, event: Any) -> None:
        # Leaving the kiosk needs the staff PIN (Alt+F4 and the like are ignored).
        if self.unlocked:
            self.clock.stop()
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            return  # no way out by keyboard
        super().keyPressEvent(event)


def text_widgets(root: QWidget) -> list[str]:
    """Every text a widget tree holds (tests: nothing left after a reset)."""
    from kiosk.ui.qt import QLabel

    texts: list[str] = []
    for widget in root.findChildren(QLineEdit):
        texts.append(widget.text())
    for widget in root.findChildren(QPlainTextEdit):
        texts.append(widget.toPlainText())
    for widget in root.findChildren(QLabel):
        texts.append(widget.text())
    for widget in root.findChildren(QPushButton):
        texts.append(widget.text())
    return texts
