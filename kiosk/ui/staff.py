"""The staff area: check-in, dashboard, data and sync, settings; in four languages.

Reached from the attendee kiosk with the staff PIN, or opened straight on the
check-in screen on a kiosk whose role is ``checkin`` (then every other page,
and leaving, needs the PIN). Nothing here opens a dialog that blocks scans,
except the system print dialog that staff ask for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.domain.errors import KioskError
from kiosk.domain.guard import StaffGuard
from kiosk.i18n import NATIVE_NAMES, _
from kiosk.services.dashboard import DashboardFigures
from kiosk.services.messages import ROLE_TEXT, export_text, journal_text, status_lines, sync_text
from kiosk.services.staff import IDLE_RANGE, ROLES, StaffSettings
from kiosk.services.status import Notice, Status
from kiosk.ui import background
from kiosk.ui.background import Runner, failure_text
from kiosk.ui.checkin_screen import CheckInScreen, DoorServices
from kiosk.ui.flow_layout import FlowLayout, WrapCheckBox, touch_combo, touch_scroll
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.overlay import PinPad
from kiosk.ui.qt import (
    QApplication,
    QComboBox,
    QEvent,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QObject,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from kiosk.ui.style import apply_language, repolish
from kiosk.ui.welcome import LANGUAGE_ORDER, button, isolate, label, ltr

log = logging.getLogger(__name__)

STAFF_IDLE_S = 300  # an unattended staff area locks itself after five minutes


@dataclass
class StaffServices:
    door: DoorServices
    dashboard: Callable[[], DashboardFigures]
    status: Callable[[], Status]
    notices: Callable[[], list[Notice]]
    destinations: Callable[[], list[Path]]
    export_to: Callable[[Path], Any]
    # Uploads to the central address of the settings, reporting (done, total) as it goes.
    sync_now: Callable[[Callable[[int, int], None]], Any]
    # The event report: its figures read (in the background; with training records or
    # not), then the PDF of those figures drawn in a language into a folder.
    read_report: Callable[[bool], Any]
    draw_report: Callable[[Any, str, Path], Path]
    verify_journal: Callable[[], Any]
    load_settings: Callable[[], StaffSettings]
    save_settings: Callable[[StaffSettings], StaffSettings]
    change_pin: Callable[[str, str, str], None]
    check_pin: Callable[[str], bool]
    theme_names: dict[str, dict[str, str]] = field(default_factory=dict)
    # Every entry again (a second USB stick after "Nothing new to export").
    export_all: Callable[[Path], Any] | None = None


def error_text(error: BaseException, fallback: str) -> str:
    if not isinstance(error, KioskError):
        log.error("staff action failed: %s", type(error).__name__)
    return failure_text(error, fallback)


class ProgressRelay(QObject):
    """Sync progress from the worker thread, delivered on the UI thread."""

    moved = Signal(int, int)


class DataPage(QWidget):
    """What is on this kiosk, warnings, and taking the data off: USB, sync, report."""

    def __init__(self, services: StaffServices, runner: Runner) -> None:
        super().__init__()
        self.services = services
        self.runner = runner
        self.status: Status | None = None
        self.notices: list[Notice] = []
        self.title = label(name="title")
        self.summary = label()
        self.notice_box = QVBoxLayout()
        self.notice_labels: list[Any] = []
        self.destination_caption = label()
        self.destination = touch_combo(QComboBox())
        # A long folder path does not widen the page past the screen.
        self.destination.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.destination.setMinimumContentsLength(28)
        self.export_button = button("", "primary")
        self.export_button.clicked.connect(self.export)
        self.export_all_button = button()
        self.export_all_button.clicked.connect(lambda: self.export(everything=True))
        self.export_all_button.hide()
        self.sync_button = button()
        self.sync_button.clicked.connect(self.sync)
        self.choose_button = button()
        self.choose_button.clicked.connect(self.choose_folder)
        self.extra_folders: list[str] = []
        self.progress = QProgressBar()
        self.progress.hide()
        self.relay = ProgressRelay()
        self.relay.moved.connect(self._progress)
        self.report_caption = label()
        self.report_language = touch_combo(QComboBox())
        for lang in LANGUAGE_ORDER:
            self.report_language.addItem(NATIVE_NAMES[lang], lang)
        self.report_training = WrapCheckBox()
        self.report_button = button()
        self.report_button.clicked.connect(self.report)
        self.verify_button = button()
        self.verify_button.clicked.connect(self.verify)
        self.result = label(name="actionResult")
        # Rows that wrap on a narrow screen or with large text (a grid cut them).
        rows = []
        for widgets in (
            (self.destination_caption, self.destination, self.choose_button),
            (self.export_button, self.export_all_button, self.sync_button),
            (self.report_caption, self.report_language, self.report_training),
            (self.report_button, self.verify_button),
        ):
            row = FlowLayout(spacing=10)
            for widget in widgets:
                row.addWidget(widget)
            rows.append(row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.summary)
        layout.addLayout(self.notice_box)
        for row in rows:
            layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(_("Data on this kiosk"))
        self.choose_button.setText(_("Another folder..."))
        self.destination_caption.setText(_("Save to"))
        self.export_button.setText(_("Export to USB"))
        self.export_all_button.setText(_("Write everything again to this drive"))
        self.sync_button.setText(_("Sync now"))
        self.report_caption.setText(_("Event report"))
        self.report_button.setText(_("Event report (PDF)"))
        self.report_training.setText(_("Include training records"))
        self.verify_button.setText(_("Check the journal"))
        self._fill_destinations()
        self._show_status()

    def refresh(self) -> None:
        self._fill_destinations()
        self.runner(
            lambda: (self.services.status(), self.services.notices()),
            self._got_status,
            lambda e: self.result.setText(error_text(e, _("The status could not be read."))),
        )

    def _got_status(self, value: tuple[Status, list[Notice]]) -> None:
        self.status, self.notices = value
        self._show_status()

    def _show_status(self) -> None:
        s = self.status
        if s is not None:
            # Latin names and codes kept whole inside Arabic text (the closing bracket
            # of "(name)" came out mirrored at the line's end).
            lines = status_lines(s, mark=ltr, name=isolate, id_length=8)
            self.summary.setText("\n".join(lines))
        for old in self.notice_labels:
            self.notice_box.removeWidget(old)
            old.deleteLater()
        self.notice_labels = []
        for notice in self.notices:
            widget = label(notice.text(), "notice")
            widget.setProperty("level", notice.level)
            self.notice_box.addWidget(widget)
            self.notice_labels.append(widget)

    def _fill_destinations(self) -> None:
        chosen = self.destination.currentData()
        self.destination.clear()
        for path in [*self.services.destinations(), *self.extra_folders]:
            self.destination.addItem(ltr(str(path)), str(path))
        if self.destination.count() == 0:
            self.destination.addItem(_("No USB drive found: plug one in"), "")
        elif chosen:
            # Keep the choice, unless it was the kiosk's own folder and a USB drive appeared.
            index = self.destination.findData(chosen)
            last = self.destination.count() - 1
            self.destination.setCurrentIndex(0 if index in (-1, last) else index)

    def _target(self) -> Path | None:
        value = self.destination.currentData()
        if not value:
            self.result.setText(_("No USB drive found: plug one in"))
            self._fill_destinations()
            return None
        return Path(value)

    def choose_folder(self) -> None:
        """Any folder (a USB drive the kiosk did not list, a network share)."""
        from kiosk.ui.qt import QFileDialog
        from kiosk.ui.style import translate_qt_dialogs

        translate_qt_dialogs()
        folder = QFileDialog.getExistingDirectory(self, _("Save to"))
        if folder:
            if folder not in self.extra_folders:
                self.extra_folders.append(folder)
            self._fill_destinations()
            self.destination.setCurrentIndex(self.destination.findData(folder))

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.show()

    def export(self, everything: bool = False) -> None:
        target = self._target()
        if target is None:
            return
        self.result.setText(_("Exporting..."))
        export = self.services.export_all if everything else self.services.export_to
        if export is None:
            return
        self.export_all_button.hide()

        def done(result: Any) -> None:
            self.result.setText(export_text(result, path=ltr))
            if result is None:
                self.export_all_button.setVisible(self.services.export_all is not None)
            self.refresh()

        self.runner(
            lambda: export(target),
            done,
            lambda e: self.result.setText(
                error_text(e, _("The export failed; nothing on this kiosk was changed."))
            ),
        )

    def sync(self) -> None:
        self.result.setText(_("Sending to the central platform..."))
        self.progress.setRange(0, 0)  # busy until the first bundle is taken
        self.progress.show()
        relay = self.relay

        def done(report: Any) -> None:
            self.progress.hide()
            self.result.setText(sync_text(report))
            self.refresh()

        def failed(error: BaseException) -> None:
            self.progress.hide()
            self.result.setText(
                error_text(error, _("The sync failed; everything stays on this kiosk."))
            )

        self.runner(lambda: self.services.sync_now(relay.moved.emit), done, failed)

    def report(self) -> None:
        target = self._target()
        if target is None:
            return
        lang = self.report_language.currentData()
        training = self.report_training.isChecked()

        def failed(exc: BaseException) -> None:  # shown to staff and logged
            self.result.setText(error_text(exc, _("The report could not be written.")))

        def draw(data: Any) -> None:  # Qt's painter, on the UI thread: a few hundred ms
            try:
                path = self.services.draw_report(data, lang, target)
            except Exception as exc:
                failed(exc)
                return
            self.result.setText(_("Report saved: {path}").format(path=ltr(str(path))))

        self.runner(lambda: self.services.read_report(training), draw, failed)

    def verify(self) -> None:
        def done(result: Any) -> None:
            self.result.setText(journal_text(result))

        self.runner(
            self.services.verify_journal,
            done,
            lambda e: self.result.setText(error_text(e, _("The journal could not be read."))),
        )


class Stepper(QWidget):
    """A number between a minus and a plus button a finger can hit (a spin box's own
    arrows are a few px tall); typing the number stays possible."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spin = QSpinBox()
        # Its own arrows take no room (NoButtons would, with a style sheet, leave the
        # number a 1 px wide field: a Qt quirk).
        self.spin.setStyleSheet(
            "QSpinBox::up-button, QSpinBox::down-button { width: 0px; border: none; }"
        )
        self.spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.less = button("\u2212")
        self.more = button("+")
        # The buttons keep to [floor, ceiling]; a typed value outside it is kept as
        # typed, and refused when saved with a line saying the range (a spin box
        # would put it back silently).
        self.floor, self.ceiling = 0, 99
        self.less.clicked.connect(lambda: self._step(-1))
        self.more.clicked.connect(lambda: self._step(1))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.less)
        row.addWidget(self.spin, 1)
        row.addWidget(self.more)

    def setRange(self, low: int, high: int) -> None:
        self.floor, self.ceiling = low, high
        self.spin.setRange(0, max(high * 10, 9999))

    def _step(self, direction: int) -> None:
        value = self.value() + direction * int(self.spin.singleStep())
        self.spin.setValue(max(self.floor, min(self.ceiling, value)))

    def setSingleStep(self, step: int) -> None:
        self.spin.setSingleStep(step)

    def setValue(self, value: int) -> None:
        self.spin.setValue(value)

    def value(self) -> int:
        return int(self.spin.value())


class SettingsPage(QWidget):
    def __init__(self, services: StaffServices, runner: Runner) -> None:
        super().__init__()
        self.services = services
        self.runner = runner
        self.on_saved: Callable[[StaffSettings], None] = lambda _s: None
        self.title = label(name="title")
        self.station = QLineEdit()
        self.role = touch_combo(QComboBox())
        self.idle = Stepper()
        self.idle.setRange(*IDLE_RANGE)  # the buttons keep to it; typing may leave it
        self.idle.setSingleStep(15)
        self.training = WrapCheckBox()
        self.url = QLineEdit()
        self.url.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.save = button("", "primary")
        self.save.clicked.connect(self.save_settings)
        self.message = label(name="actionResult")
        self.captions = [label() for _i in range(4)]
        grid = QGridLayout()
        for row, (caption, widget) in enumerate(
            zip(self.captions, (self.station, self.role, self.idle, self.url), strict=True)
        ):
            grid.addWidget(caption, row, 0)
            grid.addWidget(widget, row, 1)
        grid.addWidget(self.training, 4, 1)
        grid.addWidget(self.save, 5, 1)
        grid.setColumnStretch(1, 1)

        self.pin_title = label(name="subtitle")
        self.pin_fields = [QLineEdit() for _i in range(3)]
        self.pin_captions = [label() for _i in range(3)]
        pins = QGridLayout()
        for row, (caption, widget) in enumerate(
            zip(self.pin_captions, self.pin_fields, strict=True)
        ):
            widget.setEchoMode(QLineEdit.EchoMode.Password)
            widget.setMaxLength(12)
            widget.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
            pins.addWidget(caption, row, 0)
            pins.addWidget(widget, row, 1)
        self.pin_button = button()
        self.pin_button.clicked.connect(self.change_pin)
        self.pin_message = label(name="actionResult")
        pins.addWidget(self.pin_button, 3, 1)
        pins.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addWidget(self.pin_title)
        layout.addLayout(pins)
        layout.addWidget(self.pin_message)
        layout.addStretch(1)

    def retranslate(self) -> None:
        self.title.setText(_("Settings of this kiosk"))
        texts = (
            _("Station name"),
            _("Role"),
            _("Idle time-out (seconds)"),
            _("Central platform address"),
        )
        for caption, text in zip(self.captions, texts, strict=True):
            caption.setText(text)
        chosen = self.role.currentData()
        self.role.clear()
        for role in ROLES:
            self.role.addItem(_(ROLE_TEXT[role]), role)
        if chosen:
            self.role.setCurrentIndex(max(0, self.role.findData(chosen)))
        self.training.setText(
            _("Training mode (records are flagged and left out of exports and reports)")
        )
        self.save.setText(_("Save settings"))
        self.pin_title.setText(_("Change the staff PIN"))
        for caption, text in zip(
            self.pin_captions, (_("Current PIN"), _("New PIN"), _("New PIN again")), strict=True
        ):
            caption.setText(text)
        self.pin_button.setText(_("Change PIN"))

    def load(self) -> None:
        self.message.clear()
        self.pin_message.clear()
        self.runner(self.services.load_settings, self.show_settings)

    def show_settings(self, s: StaffSettings) -> None:
        self.station.setText(s.station)
        self.role.setCurrentIndex(max(0, self.role.findData(s.role)))
        self.idle.setValue(s.idle_timeout_s)
        self.training.setChecked(s.training)
        self.url.setText(s.central_url)

    def values(self) -> StaffSettings:
        return StaffSettings(
            station=self.station.text(),
            role=self.role.currentData() or "both",
            idle_timeout_s=self.idle.value(),
            training=self.training.isChecked(),
            central_url=self.url.text(),
        )

    def save_settings(self) -> None:
        new = self.values()

        def done(saved: StaffSettings) -> None:
            self.message.setText(_("Settings saved."))
            self.on_saved(saved)

        self.runner(
            lambda: self.services.save_settings(new),
            done,
            lambda e: self.message.setText(error_text(e, _("The settings could not be saved."))),
        )

    def change_pin(self) -> None:
        current, new, repeat = (f.text() for f in self.pin_fields)

        def done(_none: None) -> None:
            for f in self.pin_fields:
                f.clear()
            self.pin_message.setText(_("The staff PIN was changed."))

        def failed(error: BaseException) -> None:
            for f in self.pin_fields:
                f.clear()
            self.pin_message.setText(error_text(error, _("The PIN could not be changed.")))

        self.runner(lambda: self.services.change_pin(current, new, repeat), done, failed)


class StaffWindow(QMainWindow):
    """Navigation, banners, the four pages, an on-screen keyboard, the PIN pad."""

    PAGES = ("checkin", "dashboard", "data", "settings")

    def __init__(
        self,
        services: StaffServices,
        runner: Runner,
        *,
        language: str = "ar",
        locked: bool = False,
        on_attendee_kiosk: Callable[[], None] | None = None,
        on_quit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Listening Kiosk: staff")
        self.services = services
        self.runner = runner
        self.language = language
        self.guard = StaffGuard(locked, STAFF_IDLE_S)
        self.on_attendee_kiosk = on_attendee_kiosk
        self.on_quit = on_quit
        self.may_close = False
        self.settings: StaffSettings | None = None

        central = QWidget()
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.setContentsMargins(12, 4, 12, 4)
        # Wraps onto a second line where the screen is too narrow (portrait, large text).
        bar = FlowLayout()
        self.nav: dict[str, QPushButton] = {}
        for name in self.PAGES:
            b = button("", "toolbar")
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, page=name: self.request_page(page))
            bar.addWidget(b)
            self.nav[name] = b
        self.keyboard_button = button("\u2328", "toolbar")
        self.keyboard_button.setCheckable(True)
        bar.addWidget(self.keyboard_button)
        bar.add_trailing()
        self.language_buttons: dict[str, QPushButton] = {}
        for lang, text in (("ar", "\u0639"), ("fr", "FR"), ("zgh", "\u2d63"), ("en", "EN")):
            b = button(text, "toolbar")
            b.clicked.connect(lambda _=False, code=lang: self.set_language(code))
            bar.addWidget(b)
            self.language_buttons[lang] = b
        self.kiosk_button = button("", "toolbar")
        self.kiosk_button.clicked.connect(lambda: self._guarded(self._to_attendee_kiosk))
        self.quit_button = button("", "toolbar")
        # Locked, the staff PIN is the confirmation; unlocked, Quit asks once more.
        self.quit_button.clicked.connect(
            lambda: self._guarded(self._quit) if self.locked else self._ask_quit()
        )
        bar.addWidget(self.kiosk_button)
        bar.addWidget(self.quit_button)
        root.addLayout(bar)
        # Quit is asked once more (in the window: no dialog in front of the scans).
        self.quit_confirm = QWidget()
        self.quit_confirm.setObjectName("quitConfirm")
        self.quit_question = label(name="subtitle")
        self.quit_yes = button("", "primary")
        self.quit_yes.clicked.connect(self._quit)
        self.quit_no = button()
        self.quit_no.clicked.connect(self.quit_confirm.hide)
        confirm = QVBoxLayout(self.quit_confirm)
        confirm.setContentsMargins(0, 4, 0, 4)
        confirm.addWidget(self.quit_question)
        confirm_row = FlowLayout(spacing=10)
        confirm_row.addWidget(self.quit_yes)
        confirm_row.addWidget(self.quit_no)
        confirm.addLayout(confirm_row)
        self.quit_confirm.hide()
        root.addWidget(self.quit_confirm)
        self.training_banner = label(name="trainingBanner")
        self.training_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.training_banner.hide()
        root.addWidget(self.training_banner)
        # Damaged database moved aside, clock problems: seen on every staff page.
        self.notice_banner = button("", "noticeBanner")
        self.notice_banner.clicked.connect(lambda: self.request_page("data"))
        self.notice_banner.hide()
        root.addWidget(self.notice_banner)
        self.notices: list[Notice] = []
        background.failure_display = self.show_failure

        self.checkin = CheckInScreen(services.door, runner)
        from kiosk.ui.dashboard import DashboardView

        self.dashboard = DashboardView(services.dashboard, runner, services.theme_names)
        self.data = DataPage(services, runner)
        self.settings_page = SettingsPage(services, runner)
        self.settings_page.on_saved = self._settings_saved
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {
            "checkin": self.checkin,
            "dashboard": self.dashboard,
            "data": self.data,
            "settings": self.settings_page,
        }
        # The other pages scroll (by a finger drag) when the keyboard or large text
        # leaves them less than they need; the check-in screen arranges itself.
        self.page_views: dict[str, QWidget] = {}
        for name, page in self.pages.items():
            view = page if name == "checkin" else touch_scroll(page)
            self.page_views[name] = view
            self.stack.addWidget(view)
        root.addWidget(self.stack, 1)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.hide()
        self.keyboard_button.toggled.connect(self.keyboard.setVisible)
        root.addWidget(self.keyboard)
        self.pin_pad = PinPad(central, services.check_pin, runner, self._pin_accepted)

        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(1000)
        self.idle_timer.timeout.connect(self._check_idle)
        self.idle_timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.current = ""
        self.set_language(language)
        self.show_page("checkin")
        self.reload_settings()

    # -- pages ---------------------------------------------------------------------------

    def show_failure(self, text: str) -> None:
        """A failure of background work nobody else handled, on the notice banner."""
        self.notice_banner.setText(text)
        self.notice_banner.show()

    def request_page(self, name: str) -> None:
        if name == "checkin" or not self.locked:
            self.show_page(name)
        else:
            self._guarded(lambda: self.show_page(name))
        for page, b in self.nav.items():
            b.setChecked(page == self.current)

    def show_page(self, name: str) -> None:
        if self.current == "checkin" and name != "checkin":
            self.checkin.deactivate()
        if self.current == "dashboard" and name != "dashboard":
            self.dashboard.stop()
        self.current = name
        self.stack.setCurrentWidget(self.page_views[name])
        for page, b in self.nav.items():
            b.setChecked(page == name)
        # The check-in screen has its own keyboard, next to the search and the form.
        self.keyboard_button.setVisible(name != "checkin")
        if name == "checkin":
            self.keyboard_button.setChecked(False)
        if name == "checkin":
            self.checkin.activate()
        elif name == "dashboard":
            self.dashboard.start()
        elif name == "data":
            self.data.refresh()
        elif name == "settings":
            self.settings_page.load()

    def set_language(self, lang: str) -> None:
        self.language = apply_language(self, lang)
        titles = {
            "checkin": _("Check-in"),
            "dashboard": _("Dashboard"),
            "data": _("Data and sync"),
            "settings": _("Settings"),
        }
        for name, b in self.nav.items():
            b.setText(titles[name])
        self.kiosk_button.setText(_("Attendee kiosk"))
        self.quit_button.setText(_("Quit"))
        self.quit_question.setText(
            _("Quit the kiosk? Scans and proposals stop until it is started again.")
        )
        self.quit_yes.setText(_("Yes, quit"))
        self.quit_no.setText(_("No"))
        self.training_banner.setText(
            _("TRAINING MODE: records are flagged and left out of exports and reports")
        )
        self.keyboard.set_language(self.language)
        self.checkin.retranslate()
        self.dashboard.retranslate()
        self.data.retranslate()
        self.settings_page.retranslate()
        self._update_role()
        if hasattr(self, "notices"):
            self._render_notices()

    def reload_settings(self) -> None:
        self.runner(self.services.load_settings, self._settings_saved)
        self.runner(self.services.notices, self._show_notices)

    def _show_notices(self, notices: list[Notice]) -> None:
        self.notices = notices
        self._render_notices()

    def _render_notices(self) -> None:
        if not self.notices:
            self.notice_banner.hide()
            return
        first = self.notices[0]
        text = first.text()
        if len(self.notices) > 1:
            text += "  (+" + str(len(self.notices) - 1) + ")"
        self.notice_banner.setText(text)
        self.notice_banner.setProperty("level", first.level)
        repolish(self.notice_banner)
        self.notice_banner.show()

    def _settings_saved(self, saved: StaffSettings) -> None:
        self.settings = saved
        self.training_banner.setVisible(saved.training)
        self._update_role()
        self.checkin.refresh_counters()

    def _update_role(self) -> None:
        role = self.settings.role if self.settings else "both"
        self.kiosk_button.setVisible(role != "checkin" and self.on_attendee_kiosk is not None)

    # -- the PIN -------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.guard.locked

    @locked.setter
    def locked(self, value: bool) -> None:
        self.guard.locked = value

    def _guarded(self, action: Callable[[], None]) -> None:
        """Run ``action`` now if unlocked, else after the staff PIN."""
        if self.guard.request(action):
            action()
        else:
            self.pin_pad.open_pad()

    def _pin_accepted(self) -> None:
        action = self.guard.unlock()
        if action is not None:
            action()

    def lock(self) -> None:
        """Back to the check-in screen behind the PIN (or to the attendee kiosk)."""
        self.guard.lock()
        self.pin_pad.close_pad()
        role = self.settings.role if self.settings else "both"
        if role != "checkin" and self.on_attendee_kiosk is not None:
            self._to_attendee_kiosk()
        else:
            self.show_page("checkin")

    def _to_attendee_kiosk(self) -> None:
        self.checkin.deactivate()
        self.dashboard.stop()
        self.current = ""
        if self.on_attendee_kiosk is not None:
            self.on_attendee_kiosk()

    def _ask_quit(self) -> None:
        self.quit_confirm.show()

    def _quit(self) -> None:
        self.quit_confirm.hide()
        self.may_close = True
        if self.on_quit is not None:
            self.on_quit()
        else:
            self.close()

    def _check_idle(self) -> None:
        if self.isVisible() and self.guard.idle_expired():
            self.lock()

    # -- events --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress):
            self.guard.touched()
        if (
            kind == QEvent.Type.FocusIn
            and isinstance(watched, QLineEdit)
            and watched.window() is self
        ):
            self.keyboard.set_target(watched)
        return False

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        for keyboard in (self.keyboard, self.checkin.keyboard):
            keyboard.fit_height(self.height())
        if self.pin_pad.isVisible():
            self.pin_pad.cover()

    def closeEvent(self, event: Any) -> None:
        if self.may_close:
            self.detach()
            event.accept()
        else:
            event.ignore()

    def detach(self) -> None:
        self.idle_timer.stop()
        self.checkin.deactivate()
        self.checkin.scanner.detach()
        self.dashboard.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)
