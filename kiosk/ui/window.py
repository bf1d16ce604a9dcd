"""The kiosk window: renders the attendee flow, keeps people in, lets staff out."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.domain.errors import KioskError
from kiosk.domain.event import EventInfo
from kiosk.domain.flow import AttendeeFlow, FlowState, Step, Timeouts
from kiosk.i18n import N_, _, ngettext
from kiosk.ui import qt
from kiosk.ui.background import Runner
from kiosk.ui.qt import (
    QApplication,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from kiosk.ui.style import apply_language, apply_style
from kiosk.ui.welcome import Screen, WelcomeScreen, button, label

if TYPE_CHECKING:
    from kiosk.ui.qt import QEvent, QObject

# What is painted first at start-up is only the welcome screen: the other screens,
# the keyboard and the overlays (and the Qt classes they need) are imported when
# they are built, and Qt's enums (``qt.Qt``, ``qt.QEvent``) are first touched then.

log = logging.getLogger(__name__)

LONG_PRESS_MS = 3000
CORNER = 72  # the staff corner's side, in px


class Services:
    """What the window needs from the core, as plain callables (easy to fake in tests)."""

    def __init__(
        self,
        submit: Callable[[Any], Any],
        check_in_badge: Callable[[str], Any],
        check_pin: Callable[[str], bool],
        load_settings: Callable[[], Any] | None = None,
    ) -> None:
        self.submit = submit
        self.check_in_badge = check_in_badge
        self.check_pin = check_pin
        # The staff settings (a StaffSettings): the idle time-out and training mode,
        # read again each time the attendee screens come back from the staff area.
        self.load_settings = load_settings


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
        # What the stylesheet shows now (the flow state says what it should show).
        self.large_text = False
        self.high_contrast = False
        self.session = self.flow.state.session  # the attendee the widgets were filled for
        self.unlocked = False
        self.staff_menu_requested = False
        self.training = False

        central = QWidget()
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.setContentsMargins(16, 4, 16, 4)

        bar = QHBoxLayout()
        # The staff corner is kept clear of buttons at both ends of the bar (it sits on
        # the top left; in Arabic the bar is mirrored), so no button has a dead part.
        bar.addSpacing(CORNER - 16)
        self.back_button = button("", "toolbar")
        self.back_button.setObjectName("backButton")
        self.back_button.clicked.connect(lambda: self._apply(self.flow.back()))
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        # Training mode on every attendee screen: its proposals are left out of the
        # exports and reports, so a kiosk left in training mode must not look real.
        # In the bar (a line of its own pushed the keyboard's last row off 1280x800).
        # On a portrait screen the bar has no room for it: a line of its own there.
        self.training_banner = label(name="trainingBanner", wrap=False)
        self.training_banner.hide()
        bar.addWidget(self.training_banner)
        bar.addStretch(1)
        self.training_line = label(name="trainingBanner")
        self.training_line.setProperty("centred", True)
        self.training_line.hide()
        self.language_buttons: dict[str, QPushButton] = {}
        for lang, text in (("ar", "\u0639"), ("fr", "FR"), ("zgh", "\u2d63"), ("en", "EN")):
            b = button(text, "toolbar")
            b.setProperty("lang", lang)
            b.clicked.connect(
                lambda _=False, code=lang: self._apply(self.flow.switch_language(code))
            )
            bar.addWidget(b)
            self.language_buttons[lang] = b
        # "A+" read "+A" in Arabic: in right-to-left text the "+" after the last
        # Latin letter takes the paragraph's direction. A left-to-right mark after it
        # keeps it on the right (the button's layout direction does not: Qt lays
        # out a button's text in the application's direction).
        self.large_button = button("A+\u200e", "toolbar")
        self.large_button.setCheckable(True)
        self.large_button.toggled.connect(lambda on: self._apply(self.flow.set_large_text(on)))
        self.contrast_button = button("\u25d0", "toolbar")
        self.contrast_button.setCheckable(True)
        self.contrast_button.toggled.connect(
            lambda on: self._apply(self.flow.set_high_contrast(on))
        )
        bar.addWidget(self.large_button)
        bar.addWidget(self.contrast_button)
        bar.addSpacing(CORNER - 16)
        root.addLayout(bar)
        root.addWidget(self.training_line)

        self.stack = QStackedWidget()
        f = self.flow
        self.welcome = WelcomeScreen(lambda lang: self._apply(f.choose_language(lang)))
        self.welcome.event_info = event
        self.stack.addWidget(self.welcome)
        self.screens: dict[Step, Screen] = {Step.WELCOME: self.welcome}
        root.addWidget(self.stack, 1)
        self.root = root
        self.central = central
        self.built = False

        # A 3-second press on the top-left corner opens the PIN pad.
        self.staff_corner = QWidget(central)
        self.staff_corner.setObjectName("staffCorner")
        self.staff_corner.setStyleSheet("background: transparent;")
        self.staff_corner.setGeometry(0, 0, CORNER, CORNER)
        self.long_press = QTimer(self)
        self.long_press.setSingleShot(True)
        self.long_press.setInterval(LONG_PRESS_MS)
        self.long_press.timeout.connect(self._open_pin_pad)

        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        if services is not None:
            self._build_screens(event)
            self.read_settings()
        self._apply(self.flow.state)

    def _build_screens(self, event: EventInfo) -> None:
        """Every screen after the welcome, the keyboard and the overlays (on a kiosk
        starting up, right after the welcome screen is painted)."""
        from kiosk.ui.attendee import (
            BadgeScreen,
            ConsentScreen,
            QuestionsScreen,
            ReceiptScreen,
            ReviewScreen,
            ThemeScreen,
            WriteScreen,
        )
        from kiosk.ui.keyboard import OnScreenKeyboard
        from kiosk.ui.overlay import Overlay, PinPad
        from kiosk.ui.qt import QSizePolicy

        # A stack is as tall as its tallest page needs; the welcome screen (greeting,
        # event name, four large buttons) is never shown with the keyboard, so its
        # height must not push the writing screen's keyboard off a 1280x800 screen.
        self.welcome.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

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
        self.receipt = ReceiptScreen(event, lambda: self._apply(f.reset()))
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
        self.keyboard.fit_height(self.height())

        self.countdown = Overlay(central)
        self.countdown_title = label(name="title")
        self.countdown_text = label()
        for text in (self.countdown_title, self.countdown_text):
            # Room on both sides: shaped Arabic is painted a few px past its measure.
            text.setContentsMargins(8, 0, 8, 0)
        self.countdown_button = button("", "primary")
        self.countdown_button.clicked.connect(lambda: self._apply_touch())
        for w in (self.countdown_title, self.countdown_text, self.countdown_button):
            self.countdown.body.addWidget(w)
        self.pin_pad = PinPad(
            central,
            lambda pin: self.live_services().check_pin(pin),
            self.runner,
            self._pin_accepted,
        )
        self.staff_corner.raise_()
        for field in (self.write.title_field, self.write.body_field):
            field.installEventFilter(self)
        self.staff_corner.installEventFilter(self)
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        self.built = True

    def _show_training(self) -> None:
        portrait = self.height() > self.width()
        self.training_banner.setVisible(self.training and not portrait)
        self.training_line.setVisible(self.training and portrait)
        if self.training:
            text = _("TRAINING MODE: not counted")
            self.training_banner.setText(text)
            self.training_line.setText(text)

    def _tick(self) -> None:
        """A second of the attendee's time. Not while the window is hidden (the staff
        area is shown): rendering sets the application's language to the attendee's,
        and the staff screens spoke it from then on (Arabic or English on a French
        staff screen, issue 18)."""
        if self.isVisible():
            self._apply(self.flow.tick(1.0))

    def _open_pin_pad(self) -> None:
        if self.built:
            self.pin_pad.open_pad()

    # -- rendering ---------------------------------------------------------------------
    def _apply(self, state: FlowState) -> None:
        apply_language(self, state.language)
        self._apply_accessibility(state)
        self._show_training()
        if not self.built:  # starting up: the welcome screen only; attach() shows the rest
            self.welcome.show_state(state)
            self.back_button.hide()
            return
        if state.session != self.session:  # the next attendee: nothing of the previous one
            self.session = state.session
            self.clear_session(state)
        screen = self.screens[state.step]
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
            if state.step == Step.WRITE:  # the proposal first; its title is optional
                self.write.focus_field(self.write.body_field)
        screen.show_state(state)
        self.keyboard.setVisible(state.step == Step.WRITE)
        if state.step == Step.WRITE and self.keyboard.letters != state.language:
            self.keyboard.set_language(state.language)
        self.back_button.setText(_("Back"))
        self.back_button.setVisible(state.step not in (Step.WELCOME, Step.RECEIPT, Step.SUBMITTING))
        self.large_button.setToolTip(_("Larger text"))
        self.contrast_button.setToolTip(_("High contrast"))
        if state.overlay_countdown is not None:
            self.countdown_title.setText(_("Are you still there?"))
            seconds = int(state.overlay_countdown)
            self.countdown_text.setText(
                ngettext(
                    "This screen will restart in {seconds} second.",
                    "This screen will restart in {seconds} seconds.",
                    seconds,
                ).format(seconds=seconds)
            )
            self.countdown_button.setText(_("I am still here"))
            if not self.countdown.isVisible():
                self.countdown.cover()
        elif self.countdown.isVisible():
            self.countdown.hide()

    def _apply_accessibility(self, state: FlowState) -> None:
        """The A+ and contrast toggles and the stylesheet follow the attendee's state."""
        for toggle, on in (
            (self.large_button, state.large_text),
            (self.contrast_button, state.high_contrast),
        ):
            if toggle.isChecked() != on:
                toggle.blockSignals(True)
                toggle.setChecked(on)
                toggle.blockSignals(False)
        if (self.large_text, self.high_contrast) != (state.large_text, state.high_contrast):
            self.large_text, self.high_contrast = state.large_text, state.high_contrast
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_style(app, self.large_text, self.high_contrast)

    def attach(self, event: EventInfo, services: Services, timeouts: Timeouts | None) -> None:
        """The event and the core, once the store is open."""
        self.event_info = event
        self.services = services
        if not self.built:
            self._build_screens(event)
        self.theme.set_event(event)
        self.welcome.event_info = self.review.event_info = self.receipt.event_info = event
        if timeouts is not None:
            self.flow.timeouts = timeouts
        self.read_settings()
        self._apply(self.flow.state)

    def read_settings(self) -> None:
        """The idle time-out and training mode as staff set them last (at once: a
        changed time-out needs no restart)."""
        load = self.services.load_settings if self.services is not None else None
        if load is None:
            return
        try:
            current = load()
        except Exception:  # the settings stay as they were; the kiosk goes on
            log.exception("the staff settings could not be read")
            return
        self.flow.timeouts = dataclasses.replace(
            self.flow.timeouts, idle_s=float(current.idle_timeout_s)
        )
        self.training = bool(current.training)

    def resume(self) -> None:
        """Shown again after the staff area: a fresh welcome screen, with the settings
        staff may just have changed."""
        self.read_settings()
        self._apply(self.flow.reset())

    def clear_session(self, state: FlowState) -> None:
        """Nothing of the previous attendee stays in any widget, undo stack or clipboard:
        the text fields are emptied with their undo history, then every screen is drawn
        again from the new attendee's (empty) ``state``."""
        self.write.clear()
        self.badge.field.setText("")  # setText, unlike clear(), also drops the undo history
        for screen in dict.fromkeys(self.screens.values()):
            screen.show_state(state)
        self.review.summary.clear()
        self.keyboard.set_target(None)
        self.keyboard.set_language(state.language)  # letters page, no shift
        clipboard = qt.QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._show_training()
        if self.built:
            self.keyboard.fit_height(self.height())
        for overlay in (self.countdown, self.pin_pad) if self.built else ():
            if overlay.isVisible():
                overlay.cover()
        self.staff_corner.raise_()

    # -- events ------------------------------------------------------------------------
    def _apply_touch(self) -> None:
        self.flow.touch()
        self._apply(self.flow.state)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        types = qt.QEvent.Type
        if kind in (types.MouseButtonPress, types.TouchBegin, types.KeyPress):
            if self.flow.state.overlay_countdown is not None:
                self.flow.touch()
                QTimer.singleShot(0, lambda: self._apply(self.flow.state))
            else:
                self.flow.touch()
        if watched is self.staff_corner:
            if kind == types.MouseButtonPress:
                self.long_press.start()
            elif kind == types.MouseButtonRelease:
                self.long_press.stop()
        if (
            self.built
            and kind == types.FocusIn
            and watched in (self.write.title_field, self.write.body_field)
        ):
            self.keyboard.set_target(watched)
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

        self.runner(lambda: self.live_services().check_in_badge(text), done, failed)

    def live_services(self) -> Services:
        """The services, once attached (taps before that wait in the event queue)."""
        if self.services is None:
            raise RuntimeError("the kiosk window has no services attached yet")
        return self.services

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

        self.runner(lambda: self.live_services().submit(draft), done, failed)

    def _pin_accepted(self) -> None:
        if self.on_staff is not None:  # the staff area of this kiosk
            self._apply(self.flow.reset())
            self.on_staff()
            return
        self.unlocked = True
        self.staff_menu_requested = True
        self.close()

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
        if event.key() == qt.Qt.Key.Key_Escape:
            return  # no way out by keyboard
        super().keyPressEvent(event)


def text_widgets(root: QWidget) -> list[str]:
    """Every text a widget tree holds (tests: nothing left after a reset)."""
    from kiosk.ui.qt import QLabel, QLineEdit, QPlainTextEdit

    texts: list[str] = []
    texts += [line.text() for line in root.findChildren(QLineEdit)]
    texts += [edit.toPlainText() for edit in root.findChildren(QPlainTextEdit)]
    texts += [label.text() for label in root.findChildren(QLabel)]
    texts += [button.text() for button in root.findChildren(QPushButton)]
    return texts
