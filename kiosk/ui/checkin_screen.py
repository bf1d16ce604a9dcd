"""The check-in screen at the door: always ready to scan, never a dialog in the way.

Three pages in one place: the scan page (result, counters, name search, undo,
camera), the walk-in form, and the new walk-in's badge. A scan is taken on
every page; its result replaces whatever the scan page showed before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.domain import door
from kiosk.domain.door import category_name
from kiosk.domain.errors import KioskError
from kiosk.domain.vocab import CATEGORIES, PROVINCES, province_name
from kiosk.i18n import N_, _, current_language, format_number, gettext_for
from kiosk.services.badge_sheet import BadgeCard
from kiosk.services.checkin import CheckInResult
from kiosk.services.door import DoorCounters
from kiosk.services.roster_search import SearchHit
from kiosk.services.walk_in import WalkIn
from kiosk.ui.attendee import qr_pixmap
from kiosk.ui.background import Runner
from kiosk.ui.camera import CameraScanner
from kiosk.ui.flow_layout import (
    FlowLayout,
    WrapCheckBox,
    grab_touch_scroll,
    touch_combo,
    touch_scroll,
)
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.qt import (
    QComboBox,
    QEvent,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from kiosk.ui.scanner import ScannerCapture
from kiosk.ui.style import repolish
from kiosk.ui.welcome import button, label, ltr

log = logging.getLogger(__name__)


CAMERA_PROBLEM = {
    "no_backend": N_("No camera support on this kiosk: use the USB scanner."),
    "no_camera": N_("No camera found: use the USB scanner."),
}
SEARCH_DELAY_MS = 150
COUNTER_DELAY_MS = 400
# How long a result (a name, "Already checked in", an undo question) stays on the
# panel: long enough for staff to read it, gone before the next person steps up.
RESULT_CLEAR_MS = 9_000


@dataclass
class DoorServices:
    """What the check-in screen asks of the core (plain callables; easy to fake)."""

    check_in: Callable[[str, str], CheckInResult]  # (scanned text, method)
    check_in_attendee: Callable[[str], CheckInResult]
    undo: Callable[[str], str]
    search: Callable[[str], list[SearchHit]]
    counters: Callable[[], DoorCounters]
    register_walk_in: Callable[..., WalkIn]
    badge: Callable[[str], BadgeCard]
    save_badge_pdf: Callable[[BadgeCard], Path]
    print_badge: Callable[[BadgeCard, QWidget], bool] | None = None
    sound: Callable[[str], None] | None = None


class ResultPanel(QFrame):
    """Fills the screen's middle: idle, accepted (green), already (amber), refused (red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scanResult")
        self.state = "idle"
        self.headline = label(name="resultHeadline")
        self.name = label(name="resultName")
        self.detail = label(name="resultDetail")
        for w in (self.headline, self.name, self.detail):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.headline)
        layout.addWidget(self.name)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.confirm_row = QHBoxLayout()
        self.confirm_yes = button("", "primary")
        self.confirm_no = button()
        self.confirm_row.addStretch(1)
        self.confirm_row.addWidget(self.confirm_yes)
        self.confirm_row.addWidget(self.confirm_no)
        self.confirm_row.addStretch(1)
        layout.addLayout(self.confirm_row)
        self.show_confirm(False)

    def show_state(self, state: str, headline: str, name: str = "", detail: str = "") -> None:
        self.state = state
        self.setProperty("state", state)
        for w in (self, self.headline, self.name, self.detail):
            repolish(w)
        self.headline.setText(headline)
        self.name.setText(name)
        self.name.setVisible(bool(name))
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.show_confirm(False)

    def show_confirm(self, on: bool) -> None:
        self.confirm_yes.setVisible(on)
        self.confirm_no.setVisible(on)


class Counters(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doorCounters")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 4)
        self.values: list[QLabel] = []
        self.captions: list[QLabel] = []
        for _i in range(3):
            column = QVBoxLayout()
            value = label("-", "counterValue", wrap=False)
            caption = label(name="subtitle")
            value.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(value)
            column.addWidget(caption)
            row.addLayout(column)
            self.values.append(value)
            self.captions.append(caption)
        self.last: DoorCounters | None = None

    def show_counters(self, c: DoorCounters | None) -> None:
        self.last = c
        captions = (_("Checked in / expected"), _("Walk-ins"), _("Rejected scans"))
        for caption, text in zip(self.captions, captions, strict=True):
            caption.setText(text)
        if c is None:
            return
        self.values[0].setText(f"{format_number(c.checked_in)} / {format_number(c.expected)}")
        self.values[1].setText(format_number(c.walk_ins))
        self.values[2].setText(format_number(c.rejected))


class WalkInForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label(name="title")
        self.name = QLineEdit()
        self.organisation = QLineEdit()
        self.category = touch_combo(QComboBox())
        self.province = touch_combo(QComboBox())
        self.province.setEditable(True)
        self.phone = QLineEdit()
        self.phone.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.consent = WrapCheckBox()
        self.error = label(name="error")
        self.submit = button("", "primary")
        self.cancel = button()
        self.captions = [label(wrap=False) for _i in range(5)]
        grid = QGridLayout()
        fields = (self.name, self.organisation, self.category, self.province, self.phone)
        for row, (caption, field) in enumerate(zip(self.captions, fields, strict=True)):
            grid.addWidget(caption, row, 0)
            grid.addWidget(field, row, 1)
        grid.setColumnStretch(1, 1)
        buttons = FlowLayout()
        buttons.addWidget(self.cancel)
        buttons.add_trailing()
        buttons.addWidget(self.submit)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        # The scroll area may not squeeze the rows below what their captions need.
        column.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        column.addWidget(self.title)
        column.addLayout(grid)
        column.addWidget(self.consent)
        column.addWidget(self.error)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(touch_scroll(content), 1)  # the keyboard takes half the screen
        layout.addLayout(buttons)

    def retranslate(self) -> None:
        self.title.setText(_("Register a walk-in"))
        texts = (
            _("Name"),
            _("Organisation"),
            _("Category"),
            _("Province"),
            _("Phone (optional)"),
        )
        for caption, text in zip(self.captions, texts, strict=True):
            caption.setText(text)
        chosen = self.category.currentData()
        self.category.clear()
        for code in CATEGORIES:
            self.category.addItem(category_name(code), code)
        if chosen:
            self.category.setCurrentIndex(max(0, self.category.findData(chosen)))
        # Each province in the screen's language; stored as the roster writes it.
        typed = self.province.currentText()
        chosen_province = self.province.currentData()
        self.province.clear()
        self.province.addItem("", "")
        for province in PROVINCES:
            self.province.addItem(province_name(province), province)
        index = self.province.findData(chosen_province) if chosen_province else -1
        if index > 0:
            self.province.setCurrentIndex(index)
        else:
            self.province.setEditText(typed)
        self.consent.setText(
            _("The person agrees that their details are kept for this consultation.")
        )
        self.submit.setText(_("Register and check in"))
        self.cancel.setText(_("Cancel"))

    def clear(self) -> None:
        for field in (self.name, self.organisation, self.phone):
            field.clear()
        self.category.setCurrentIndex(0)
        self.province.setCurrentIndex(0)
        self.province.setEditText("")
        self.consent.setChecked(False)
        self.error.clear()

    def province_value(self) -> str:
        """The chosen province as the roster writes it, or what staff typed."""
        text = self.province.currentText()
        index = self.province.findText(text)
        if index > 0 and self.province.itemData(index):
            return str(self.province.itemData(index))
        return text

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "organisation": self.organisation.text(),
            "category": self.category.currentData() or "citizen",
            "province": self.province_value(),
            "phone": self.phone.text(),
            "consent": self.consent.isChecked(),
        }


class BadgePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card: BadgeCard | None = None
        self.title = label(name="title")
        self.name = label(name="resultName")
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = label()
        self.print_button = button()
        self.pdf_button = button()
        self.done = button("", "primary")
        for w in (self.title, self.name, self.status):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        row.addWidget(self.done)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.title)
        body.addWidget(self.name)
        body.addWidget(self.qr, 1)
        body.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(touch_scroll(content), 1)  # the badge's QR is 320 px
        layout.addLayout(row)

    def show_card(self, card: BadgeCard) -> None:
        self.card = card
        self.name.setText(card.name)
        self.qr.setPixmap(qr_pixmap(card.token, 320))
        self.status.clear()

    def retranslate(self) -> None:
        self.title.setText(_("New badge: checked in"))
        self.print_button.setText(_("Print badge"))
        self.pdf_button.setText(_("Save badge as PDF"))
        self.done.setText(_("Done"))


class CheckInScreen(QWidget):
    """Scan page, walk-in form and new badge, with the scanner captured throughout."""

    search_timer: QTimer  # made below the field whose typing restarts it

    def __init__(
        self, services: DoorServices, runner: Runner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("checkinScreen")
        self.services = services
        self.runner = runner
        self.last_accepted: tuple[str, str] | None = None  # (checkin id, name)
        self.confirming_undo = False
        # A person tapped in the search list, waiting for staff to confirm: (id, name).
        self.confirming_checkin: tuple[str, str] | None = None
        self.searched = ""  # the query the list shows the answer to
        self.results: list[SearchHit] = []
        self.result: door.DoorResult = door.IDLE
        self.scans = 0

        self.counters = Counters(self)
        self.panel = ResultPanel(self)
        self.panel.confirm_yes.clicked.connect(self._confirmed)
        self.panel.confirm_no.clicked.connect(self._cancelled)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        # No clear button: Qt's is 22x18 px; the keyboard's backspace empties the field.
        self.search_field.textChanged.connect(self._search_edited)
        self.search_title = label(name="subtitle")
        self.search_list = QListWidget()
        self.search_list.setObjectName("searchHits")
        self.search_list.setWordWrap(True)
        self.search_list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.search_list.setMinimumHeight(60)  # one row at least; the keyboard needs room
        # Rows wrap to the list's width: no side-scrolling (nor its 12 px bar).
        self.search_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        grab_touch_scroll(self.search_list.viewport())
        self.search_list.itemClicked.connect(
            lambda item: self.ask_check_in(item.data(Qt.ItemDataRole.UserRole))
        )
        self.search_empty = label(name="subtitle")
        self.search_empty.hide()
        self.undo_button = button()
        self.undo_button.clicked.connect(self._undo_asked)
        self.walk_in_button = button("", "primary")
        self.walk_in_button.clicked.connect(self.open_walk_in)
        self.camera_button = button()
        self.camera_button.setCheckable(True)
        self.camera_button.toggled.connect(self._toggle_camera)
        self.keyboard_button = button("\u2328")
        self.keyboard_button.setCheckable(True)
        self.keyboard_button.toggled.connect(self._toggle_keyboard)
        self.camera_note = label(name="subtitle")

        self.camera = CameraScanner(self._camera_found, runner, parent=self)
        self.preview: QWidget | None = None
        self.preview_box = QVBoxLayout()

        side = QVBoxLayout()
        side.addWidget(self.search_title)
        side.addWidget(self.search_field)
        side.addWidget(self.search_empty)
        side.addWidget(self.search_list, 1)
        side.addLayout(self.preview_box)
        side.addWidget(self.camera_note)
        middle = QHBoxLayout()
        middle.addWidget(self.panel, 3)
        middle.addLayout(side, 2)
        actions = FlowLayout()  # two lines on a narrow (portrait) screen
        actions.addWidget(self.undo_button)
        actions.addWidget(self.camera_button)
        actions.addWidget(self.keyboard_button)
        actions.add_trailing()
        actions.addWidget(self.walk_in_button)
        scan_page = QWidget()
        scan_layout = QVBoxLayout(scan_page)
        scan_layout.setContentsMargins(0, 0, 0, 0)
        scan_layout.addLayout(middle, 1)

        self.form = WalkInForm()
        self.form.submit.clicked.connect(self._register_walk_in)
        self.form.cancel.clicked.connect(self.show_scan_page)
        self.badge_page = BadgePage()
        self.badge_page.done.clicked.connect(self.show_scan_page)
        self.badge_page.pdf_button.clicked.connect(self._save_badge_pdf)
        self.badge_page.print_button.clicked.connect(self._print_badge)

        self.pages = QStackedWidget()
        self.scan_page = scan_page
        for page in (scan_page, self.form, self.badge_page):
            self.pages.addWidget(page)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.hide()
        # The scan page's actions stay in view below the pages, above the keyboard (the
        # walk-in form scrolls when the keyboard leaves it less than it needs).
        self.action_bar = QWidget()
        self.action_bar.setLayout(actions)
        self.pages.currentChanged.connect(
            lambda _i: self.action_bar.setVisible(self.pages.currentWidget() is self.scan_page)
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.counters)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.action_bar)
        layout.addWidget(self.keyboard)
        for field in (
            self.search_field,
            self.form.name,
            self.form.organisation,
            self.form.phone,
        ):
            field.installEventFilter(self)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self._search)
        self.counter_timer = QTimer(self)
        self.counter_timer.setSingleShot(True)
        self.counter_timer.setInterval(COUNTER_DELAY_MS)
        self.counter_timer.timeout.connect(self.refresh_counters)
        self.result_timer = QTimer(self)
        self.result_timer.setSingleShot(True)
        self.result_timer.setInterval(RESULT_CLEAR_MS)
        self.result_timer.timeout.connect(self.clear_result)
        self.scanner = ScannerCapture(self.scanned, self)
        self.retranslate()

    # -- life cycle ----------------------------------------------------------------------
    def activate(self) -> None:
        """The screen is shown: take scans, read the counters."""
        self.scanner.set_active(True)
        self.refresh_counters()

    def deactivate(self) -> None:
        self.scanner.set_active(False)
        self.camera_button.setChecked(False)

    def retranslate(self) -> None:
        self.search_title.setText(_("Lost badge? Search by name"))
        self.search_field.setPlaceholderText(_("Name (any script)"))
        self.undo_button.setText(_("Undo last check-in"))
        self.walk_in_button.setText(_("Register a walk-in"))
        self.camera_button.setText(_("Camera"))
        self.keyboard.set_language(current_language() if current_language() != "en" else "en")
        self.form.retranslate()
        self.badge_page.retranslate()
        self.counters.show_counters(self.counters.last)
        self._render_result()
        self._render_search()
        if self.confirming_undo:
            self._undo_asked()
        elif self.confirming_checkin is not None:
            self.ask_check_in(self.confirming_checkin[0])

    # -- scans ---------------------------------------------------------------------------
    def scanned(self, text: str, method: str = "scan") -> None:
        """A badge from the USB scanner or the camera, on whatever page is showing."""
        self.scans += 1
        self.clear_result()  # the previous person's result goes before this one is known
        self.show_scan_page()
        self.runner(lambda: self.services.check_in(text, method), self._show_result, self._failed)

    def _camera_found(self, text: str) -> None:
        self.scanned(text, "camera")

    def clear_result(self) -> None:
        """Back to "Ready to scan" (after RESULT_CLEAR_MS, or when the next scan comes)."""
        self.result_timer.stop()
        self.confirming_undo = False
        self.confirming_checkin = None
        self.result = door.IDLE
        self._render_result()

    def _show(self, result: door.DoorResult) -> None:
        self.result = result
        self._render_result()
        self.result_timer.start()  # restarted by every new result

    def _show_result(self, result: CheckInResult) -> None:
        if result.accepted and result.attendee is not None:
            self.last_accepted = (result.checkin_id, result.attendee.name)
        self._show(door.scanned(result))
        if self.services.sound is not None:
            tone = {"accepted": "accepted", "already_checked_in": "already"}
            self.services.sound(tone.get(result.outcome, "refused"))
        self.counter_timer.start()
        if self.search_field.text():
            self.search_timer.start()

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, KioskError):
            log.error("check-in failed: %s", type(error).__name__)
        self._show(door.failed(error))

    def _render_result(self) -> None:
        shown = door.panel(self.result)
        self.panel.show_state(shown.style, shown.title, shown.name, shown.detail)

    # -- undo ----------------------------------------------------------------------------
    def _undo_asked(self) -> None:
        if self.last_accepted is None:
            self.panel.show_state("idle", _("Nothing to undo"), "", "")
            return
        self.confirming_undo = True
        self.confirming_checkin = None
        self.panel.show_state("confirm", _("Undo this check-in?"), self.last_accepted[1], "")
        self.panel.confirm_yes.setText(_("Yes, undo"))
        self.panel.confirm_no.setText(_("No"))
        self.panel.show_confirm(True)
        self.result_timer.start()  # an unanswered question goes too (as a "No")

    def _undo_cancelled(self) -> None:
        self.confirming_undo = False
        self._render_result()

    def _confirmed(self) -> None:
        if self.confirming_checkin is not None:
            attendee_id, _name = self.confirming_checkin
            self.confirming_checkin = None
            self.check_in_found(attendee_id)
        elif self.confirming_undo:
            self._undo_confirmed()

    def _cancelled(self) -> None:
        self.confirming_checkin = None
        self._undo_cancelled()

    def _undo_confirmed(self) -> None:
        if self.last_accepted is None:
            return
        checkin_id, name = self.last_accepted
        self.confirming_undo = False

        def done(_id: str) -> None:
            self.last_accepted = None
            self._show(door.undone(name))
            self.counter_timer.start()
            if self.search_field.text():  # the list's check marks follow
                self.search_timer.start()

        self.runner(lambda: self.services.undo(checkin_id), done, self._failed)

    # -- search --------------------------------------------------------------------------
    def _search_edited(self, text: str) -> None:
        if text.strip():
            self.search_timer.start()
        else:  # an emptied field empties the list (and "no one found") at once
            self.search_timer.stop()
            self._search()

    def _search(self) -> None:
        query = self.search_field.text()
        if not query.strip():
            self.results = []
            self.searched = ""
            self._render_search()
            return

        def done(hits: list[SearchHit]) -> None:
            if self.search_field.text() == query:  # an older answer arriving late is dropped
                self.results = hits
                self.searched = query
                self._render_search()

        self.runner(lambda: self.services.search(query), done, self._failed)

    def _render_search(self) -> None:
        """One row per person; a tap on a row asks to confirm the check-in."""
        self.search_list.clear()
        nobody = bool(self.searched.strip()) and not self.results
        self.search_empty.setVisible(nobody)
        if nobody:
            self.search_empty.setText(_("No one found. Check the spelling, or register a walk-in."))
        for hit in self.results:
            a = hit.attendee
            parts = [a.name]
            if a.name_latin and a.name_latin != a.name:
                parts.append(a.name_latin)
            if a.organisation:
                parts.append(a.organisation)
            text = " \u00b7 ".join(parts)
            if hit.checked_in:
                text += "  \u2713 " + _("checked in")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.search_list.addItem(item)

    def result_items(self) -> list[QListWidgetItem]:
        return [self.search_list.item(i) for i in range(self.search_list.count())]

    def ask_check_in(self, attendee_id: str) -> None:
        """A tap on a search result: the panel asks before checking the person in
        (a tap on the wrong row, or a scroll taken for a tap, checks no one in)."""
        hit = next((h for h in self.results if h.attendee.id == attendee_id), None)
        if hit is None:
            return
        a = hit.attendee
        name = a.name or a.name_latin
        self.confirming_undo = False
        self.confirming_checkin = (attendee_id, name)
        self.result = door.IDLE
        # The search keyboard makes way for the question (and comes back with a tap).
        self.keyboard_button.setChecked(False)
        self.panel.show_state("confirm", _("Check this person in?"), name, "")
        self.panel.confirm_yes.setText(_("Yes, check in"))
        self.panel.confirm_no.setText(_("No"))
        self.panel.show_confirm(True)
        self.result_timer.start()  # an unanswered question goes too (as a "No")

    def check_in_found(self, attendee_id: str) -> None:
        """Check in a person found by name (method ``search``), once confirmed."""
        self.clear_result()
        self.runner(
            lambda: self.services.check_in_attendee(attendee_id), self._show_result, self._failed
        )

    # -- walk-ins ------------------------------------------------------------------------
    def open_walk_in(self) -> None:
        self.form.clear()
        self.form.retranslate()
        self.pages.setCurrentWidget(self.form)
        self.form.name.setFocus()

    def show_scan_page(self) -> None:
        self.pages.setCurrentWidget(self.scan_page)

    def _register_walk_in(self) -> None:
        values = self.form.values()
        services = self.services

        def register() -> tuple[WalkIn, BadgeCard]:
            walk_in = services.register_walk_in(**values)
            return walk_in, services.badge(walk_in.attendee_id)

        def done(result: tuple[WalkIn, BadgeCard]) -> None:
            walk_in, card = result
            self.form.clear()
            self.badge_page.show_card(card)
            self.badge_page.print_button.setEnabled(self.services.print_badge is not None)
            self.pages.setCurrentWidget(self.badge_page)
            self.last_accepted = (walk_in.checkin_id, card.name)
            self._show(door.walked_in(card.name))
            self.counter_timer.start()

        def failed(error: BaseException) -> None:
            if isinstance(error, KioskError):
                self.form.error.setText(error.message())
            else:
                log.exception("walk-in failed", exc_info=error)
                self.form.error.setText(_("The walk-in could not be saved. Try again."))

        self.runner(register, done, failed)

    def _save_badge_pdf(self) -> None:
        card = self.badge_page.card
        if card is None:
            return
        # Drawn on the UI thread: Qt's painter and fonts are not used elsewhere.
        try:
            path = self.services.save_badge_pdf(card)
        except Exception:  # shown to staff, logged
            log.exception("badge PDF failed")
            self.badge_page.status.setText(_("The badge could not be saved."))
            return
        self.badge_page.status.setText(_("Badge saved: {path}").format(path=ltr(str(path))))

    def _print_badge(self) -> None:
        card = self.badge_page.card
        if card is None or self.services.print_badge is None:
            return
        try:
            printed = self.services.print_badge(card, self)
        except KioskError as exc:
            self.badge_page.status.setText(exc.message())
            return
        if printed:
            self.badge_page.status.setText(_("Badge sent to the printer."))

    # -- counters, camera, keyboard ------------------------------------------------------
    def refresh_counters(self) -> None:
        self.runner(self.services.counters, self.counters.show_counters)

    def _toggle_camera(self, on: bool) -> None:
        if not on:
            self.camera.stop()
            if self.preview is not None:
                self.preview.hide()
            self.camera_note.clear()
            return
        ok, why = self.camera.available()
        if not ok:
            self.camera_note.setText(gettext_for(current_language(), CAMERA_PROBLEM[why]))
            self.camera_button.blockSignals(True)
            self.camera_button.setChecked(False)
            self.camera_button.blockSignals(False)
            return
        if self.preview is None:
            self.preview = self.camera.make_preview(self)
            self.preview.setMinimumHeight(200)
            self.preview_box.addWidget(self.preview)
        self.preview.show()
        self.camera_note.setText(why)
        if not self.camera.start():
            self.camera_note.setText(_("The camera could not be started: use the USB scanner."))

    def _toggle_keyboard(self, on: bool) -> None:
        self.keyboard.setVisible(on)
        # Typing a name, the counters give their height to the keyboard (at 1280x800
        # with large text the keyboard, two lines of actions and the counters do
        # not all fit).
        self.counters.setVisible(not on)
        if on and self.keyboard.target is None:
            self.keyboard.set_target(self.search_field)
            self.search_field.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit):
            self.keyboard.set_target(watched)
        return False
