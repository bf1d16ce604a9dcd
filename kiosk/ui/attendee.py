"""The attendee screens. Each renders a FlowState and calls the window's flow events.

Screens hold no state of their own beyond what the flow state gives them; the
text fields write every change back into the flow (so Back never loses input).
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.config import assets_dir
from kiosk.domain.event import EventInfo, followup_link
from kiosk.domain.flow import FlowState, Step
from kiosk.domain.vocab import AGE_BANDS, GENDERS, PROFILES, PROVINCES, UNDISCLOSED
from kiosk.i18n import _
from kiosk.ui.flow_layout import FlowLayout, touch_scroll
from kiosk.ui.keyboard import OnScreenKeyboard
from kiosk.ui.qt import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QIcon,
    QImage,
    QLabel,
    QLineEdit,
    QPixmap,
    QPlainTextEdit,
    QPoint,
    QPushButton,
    QSize,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from kiosk.ui.welcome import Screen, button, label


def qr_pixmap(text: str, size: int = 260) -> QPixmap:
    import qrcode  # only for receipts and badges, not at start-up

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    data = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = QImage(data, n, n, n, QImage.Format.Format_Grayscale8).copy()
    side = max(n, size // n * n)  # whole pixels a module: every module the same size
    return QPixmap.fromImage(
        image.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
        )
    )


class BadgeScreen(Screen):
    step = Step.BADGE

    def __init__(self, scanned: Callable[[str], None], skip: Callable[[], None]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.title = label(name="title")
        self.text = label()
        self.field = QLineEdit()
        self.field.setObjectName("badgeField")
        self.field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.field.returnPressed.connect(lambda: scanned(self.field.text()))
        self.error = label(name="error")
        self.skip = button("", "primary")
        self.skip.clicked.connect(skip)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.text, self.field, self.error):
            body.addWidget(w)
        body.addStretch(1)
        layout.addWidget(touch_scroll(content), 1)
        layout.addWidget(self.skip)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(_("Do you have a badge?"))
        self.text.setText(
            _(
                "Scan the QR code of your badge to link your proposal to your "
                "registration, or continue anonymously."
            )
        )
        self.field.setPlaceholderText(_("Badge code"))
        self.skip.setText(_("Continue without a badge"))
        self.error.setText(_(state.error) if state.error else "")
        if state.step == Step.BADGE:
            self.field.setFocus()


class ThemeCard(QPushButton):
    """A theme's icon, name and description; the description wraps (a button's own
    text does not, and was cut mid-word), and the card's height follows its width."""

    MIN_HEIGHT = 110

    def __init__(self, icon: QIcon | None) -> None:
        super().__init__()
        self.setObjectName("themeCard")
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        row = self.row = QHBoxLayout(self)
        row.setContentsMargins(16, 10, 16, 10)
        row.setSpacing(12)
        self.icon_label = QLabel()
        if icon is not None:
            self.icon_label.setPixmap(icon.pixmap(64, 64))
        self.icon_label.setFixedSize(64, 64)
        self.name = label(name="themeName")
        self.description = label(name="themeDescription")
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.name)
        texts.addWidget(self.description)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(texts, 1)
        self.icon_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        for text in (self.name, self.description):
            text.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            # Shaped Arabic is painted a few px past its measure: room on both sides.
            text.setContentsMargins(4, 0, 4, 0)

    def set_texts(self, name: str, description: str) -> None:
        self.name.setText(name)
        self.description.setText(description)
        self.setAccessibleName(f"{name}. {description}")
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = self.row.sizeHint()
        return QSize(hint.width(), max(self.MIN_HEIGHT, hint.height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.row.minimumSize().width(), self.MIN_HEIGHT)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.MIN_HEIGHT, self.row.totalHeightForWidth(width))


class ThemeScreen(Screen):
    step = Step.THEME

    def __init__(self, event: EventInfo, choose: Callable[[str], None]) -> None:
        super().__init__()
        self.choose = choose
        layout = QVBoxLayout(self)
        self.title = label(name="title")
        layout.addWidget(self.title)
        content = QWidget()
        self.grid = QGridLayout(content)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setRowStretch(99, 1)  # the cards keep to the top
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.cards: dict[str, ThemeCard] = {}
        self.scroller = touch_scroll(content)
        layout.addWidget(self.scroller, 1)
        self.set_event(event)

    def set_event(self, event: EventInfo) -> None:
        """One card per theme of ``event`` (the kiosk reads the event after its first paint)."""
        self.event_info = event
        for card in self.cards.values():
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards = {}
        for i, theme in enumerate(event.themes):
            icon = assets_dir() / "icons" / "themes" / f"{theme.icon}.svg"
            card = ThemeCard(QIcon(str(icon)) if icon.exists() else None)
            card.setProperty("theme", theme.code)
            card.clicked.connect(lambda _=False, code=theme.code: self.choose(code))
            self.grid.addWidget(card, i // 2, i % 2)
            self.cards[theme.code] = card

    def show_state(self, state: FlowState) -> None:
        self.title.setText(_("Choose a theme"))
        for theme in self.event_info.themes:
            card = self.cards[theme.code]
            card.set_texts(theme.name(state.language), theme.description(state.language))
            card.setChecked(False)


class WriteScreen(Screen):
    step = Step.WRITE

    def __init__(
        self,
        keyboard: OnScreenKeyboard,
        edited: Callable[[str, str], object],
        done: Callable[[], None],
    ) -> None:
        super().__init__()
        self.keyboard = keyboard
        self.edited = edited
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)  # the keyboard below needs the height
        self.title = label(name="title")
        self.title_field = QLineEdit()
        self.title_field.setObjectName("titleField")
        self.body_field = QPlainTextEdit()
        self.body_field.setObjectName("bodyField")
        self.body_field.setMinimumHeight(80)  # three lines; the keyboard needs the rest
        for field in (self.title_field, self.body_field):
            field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.title_field.textChanged.connect(self._changed)
        self.body_field.textChanged.connect(self._changed)
        self.title_field.returnPressed.connect(self.body_field.setFocus)
        self.error = label(name="error")
        self.next = button("", "primary")
        self.next.clicked.connect(done)
        self.counter = label(name="subtitle")
        layout.addWidget(self.title)
        layout.addWidget(self.title_field)
        layout.addWidget(self.body_field, 1)
        row = QHBoxLayout()
        row.addWidget(self.counter, 1)
        row.addWidget(self.error, 2)
        row.addWidget(self.next)
        layout.addLayout(row)
        self._updating = False

    def focus_field(self, field: QLineEdit | QPlainTextEdit) -> None:
        field.setFocus()
        self.keyboard.set_target(field)

    def _changed(self) -> None:
        if not self._updating:
            self.edited(self.title_field.text(), self.body_field.toPlainText())
        self.counter.setText(
            _("{n} / 5000 characters").format(n=len(self.body_field.toPlainText()))
        )

    def show_state(self, state: FlowState) -> None:
        direction = (
            Qt.LayoutDirection.RightToLeft
            if state.language == "ar"
            else Qt.LayoutDirection.LeftToRight
        )
        for field in (self.title_field, self.body_field):
            field.setLayoutDirection(direction)
        self._updating = True
        if self.title_field.text() != state.draft.title:
            self.title_field.setText(state.draft.title)
        if self.body_field.toPlainText() != state.draft.body:
            self.body_field.setPlainText(state.draft.body)
        self._updating = False
        self.title.setText(_("Your proposal"))
        self.title_field.setPlaceholderText(_("Title (optional, up to 120 characters)"))
        self.body_field.setPlaceholderText(_("Describe your proposal"))
        self.next.setText(_("Next"))
        self.error.setText(_(state.error) if state.error else "")
        self._changed_counter()

    def _changed_counter(self) -> None:
        self.counter.setText(
            _("{n} / 5000 characters").format(n=len(self.body_field.toPlainText()))
        )

    def clear(self) -> None:
        self._updating = True
        self.title_field.setText("")  # also clears the field's undo history
        self.body_field.setPlainText("")
        self.body_field.document().clearUndoRedoStacks()
        self._updating = False


class QuestionsScreen(Screen):
    step = Step.QUESTIONS

    def __init__(self, answer: Callable[[str, str], None], done: Callable[[], None]) -> None:
        super().__init__()
        outer = QVBoxLayout(self)
        self.title = label(name="title")
        self.hint = label(name="subtitle")
        outer.addWidget(self.title)
        outer.addWidget(self.hint)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 0, 0)
        # Dragged by a finger (the scroll bar alone was a 12 px target).
        self.scroller = touch_scroll(inner)
        outer.addWidget(self.scroller, 1)
        self.questions: dict[str, tuple[QLabel, dict[str, QPushButton], dict[str, str]]] = {}
        self.groups: dict[str, QButtonGroup] = {}
        province_options = {p: p for p in PROVINCES} | {UNDISCLOSED: AGE_BANDS[UNDISCLOSED]}
        for name, options in (
            ("age_band", AGE_BANDS),
            ("gender", GENDERS),
            ("province", province_options),
            ("profile", PROFILES),
        ):
            heading = label()
            layout.addWidget(heading)
            # As many answers on a line as fit (4 at most): long ones are never cut.
            row = FlowLayout(columns=4)
            group = QButtonGroup(self)
            group.setExclusive(True)
            buttons = {}
            for code, _text in options.items():
                b = button()
                b.setCheckable(True)
                b.setProperty("answer", code)
                b.clicked.connect(lambda _=False, q=name, v=code: answer(q, v))
                group.addButton(b)
                row.addWidget(b)
                buttons[code] = b
            layout.addLayout(row)
            self.questions[name] = (heading, buttons, dict(options))
            self.groups[name] = group
        layout.addStretch(1)
        self.next = button("", "primary")
        self.next.clicked.connect(done)
        outer.addWidget(self.next)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(_("A few optional questions"))
        self.hint.setText(
            _("They help the organisers understand who took part. You may skip any of them.")
        )
        titles = {
            "age_band": _("Age"),
            "gender": _("Gender"),
            "province": _("Province"),
            "profile": _("You are"),
        }
        for name, (heading, buttons, options) in self.questions.items():
            heading.setText(titles[name])
            current = getattr(state.draft, name)
            # An exclusive group never lets its checked button go (setChecked(False) is
            # ignored), so a question with no answer in the draft would keep showing the
            # previous attendee's: the group is made non-exclusive while the state is set.
            group = self.groups[name]
            group.setExclusive(False)
            for code, b in buttons.items():
                text = options[code]
                # Province names too are in the attendee's language and script.
                b.setText(_(text))
                b.setChecked(code == current)
            group.setExclusive(True)
        self.next.setText(_("Next"))


class WideCheckBox(QCheckBox):
    """A check box that a tap anywhere on its row toggles (touch screens)."""

    def hitButton(self, pos: QPoint) -> bool:
        return self.rect().contains(pos)


class ConsentScreen(Screen):
    step = Step.CONSENT

    def __init__(self, consent: Callable[[bool], None], done: Callable[[], None]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.title = label(name="title")
        self.text = label()
        self.box = WideCheckBox()
        self.box.setObjectName("consentBox")
        self.box.toggled.connect(consent)
        self.next = button("", "primary")
        self.next.clicked.connect(done)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.text, self.box):
            body.addWidget(w)
        body.addStretch(1)
        layout.addWidget(touch_scroll(content), 1)
        layout.addWidget(self.next)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(_("Publication"))
        self.text.setText(
            _(
                "The organisers would like to publish proposals in the report "
                "of this session, without the author's name. Your proposal is "
                "recorded whatever you choose."
            )
        )
        self.box.setText(_("I agree that my proposal may be published, without my name."))
        self.box.blockSignals(True)
        self.box.setChecked(state.draft.consent)
        self.box.blockSignals(False)
        self.next.setText(_("Next"))


class ReviewScreen(Screen):
    step = Step.REVIEW

    def __init__(self, event: EventInfo, submit: Callable[[], None]) -> None:
        super().__init__()
        self.event_info = event
        layout = QVBoxLayout(self)
        self.title = label(name="title")
        self.summary = label()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.error = label(name="error")
        self.submit = button("", "primary")
        self.submit.setObjectName("primary")
        self.submit.clicked.connect(submit)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.summary)
        body.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(touch_scroll(content), 1)  # a proposal is up to 5,000 characters
        layout.addWidget(self.error)
        layout.addWidget(self.submit)

    def show_state(self, state: FlowState) -> None:
        d = state.draft
        themes = {t.code: t.name(state.language) for t in self.event_info.themes}
        self.title.setText(_("Check and send"))
        consent = _("Yes") if d.consent else _("No")
        self.summary.setText(
            "\n".join(
                [
                    _("Theme: {theme}").format(theme=themes.get(d.theme, d.theme)),
                    _("Title: {title}").format(title=d.title),
                    "",
                    d.body,
                    "",
                    _("Publication without your name: {answer}").format(answer=consent),
                ]
            )
        )
        submitting = state.step == Step.SUBMITTING
        self.submit.setEnabled(not submitting)
        self.submit.setText(_("Saving...") if submitting else _("Send my proposal"))
        if state.error:
            params = dict(state.error_params)
            self.error.setText(_(state.error).format(**params) if params else _(state.error))
        else:
            self.error.setText("")


class ReceiptScreen(Screen):
    step = Step.RECEIPT

    def __init__(self, event: EventInfo, done: Callable[[], None]) -> None:
        super().__init__()
        self.event_info = event
        layout = QVBoxLayout(self)
        self.title = label(name="title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text = label()
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.code = label(name="receiptCode", wrap=False)
        self.code.setObjectName("receiptCode")
        self.code.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # Only where the event has a public follow-up page (the QR code opens it).
        self.followup = label(name="followup")
        self.followup.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.done = button("", "primary")
        self.done.clicked.connect(done)
        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        for w in (self.title, self.text, self.code, self.qr, self.followup):
            body.addWidget(w)
        body.addStretch(1)
        layout.addWidget(touch_scroll(content), 1)
        layout.addWidget(self.done)

    def show_state(self, state: FlowState) -> None:
        self.title.setText(_("Thank you!"))
        self.text.setText(_("Your proposal has been recorded. Your receipt code:"))
        self.code.setText(state.receipt_code)
        base = self.event_info.followup_url
        link = followup_link(base, state.receipt_code) if state.receipt_code else ""
        # A link has more modules: a little smaller, so that the line under it fits the
        # screen too (6 px a module at 1280x800, plenty for a phone's camera).
        self.qr.setPixmap(qr_pixmap(link, 220 if base else 260) if link else QPixmap())
        self.followup.setText(
            _("Scan this code at home to see the answer to your proposal.") if base else ""
        )
        self.followup.setVisible(bool(base))
        self.done.setText(_("Finish"))
