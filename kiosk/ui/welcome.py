"""The welcome screen and the small helpers every screen uses.

This module is what the kiosk paints first at start-up, so it imports only the few
Qt classes it needs and nothing that touches the ``Qt`` namespace's enums
(centring comes from the stylesheet); the other screens live in ``attendee.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.domain.flow import FlowState, Step
from kiosk.i18n import N_, NATIVE_NAMES, _, gettext_for
from kiosk.ui.qt import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from kiosk.domain.event import EventInfo

LANGUAGE_ORDER = ("ar", "fr", "zgh", "en")
WELCOME = N_("Welcome")


def label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def ltr(text: str) -> str:
    """A path or an address kept left to right inside right-to-left text (Unicode
    left-to-right isolate), so "/tmp/x.db" never reads "tmp/x.db/"."""
    return "\u2066" + text + "\u2069"


def isolate(text: str) -> str:
    """A name inside a sentence, in its own direction (Unicode first-strong isolate):
    a Latin name in Arabic text keeps its brackets, an Arabic one its word order."""
    return "\u2068" + text + "\u2069"


def button(text: str = "", name: str = "") -> QPushButton:
    widget = QPushButton(text)
    if name:
        widget.setObjectName(name)
    return widget


class Screen(QWidget):
    step: Step

    def show_state(self, state: FlowState) -> None:
        """Show ``state`` (texts in ``state.language``)."""


class WelcomeScreen(Screen):
    step = Step.WELCOME

    def __init__(self, choose: Callable[[str], None]) -> None:
        super().__init__()
        # Called once, after the first paint (start-up measurement).
        self.on_first_paint: Callable[[], None] | None = None
        # What the screen names (the window sets it once the store is open).
        self.event_info: EventInfo | None = None
        layout = QVBoxLayout(self)
        self.title = label(name="title")
        self.event_name = label(name="eventName")
        self.subtitle = label(name="subtitle")
        for text in (self.title, self.event_name, self.subtitle):  # centred by the stylesheet
            text.setProperty("centred", True)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.event_name)
        layout.addWidget(self.subtitle)
        grid = QGridLayout()
        self.buttons = {}
        for i, lang in enumerate(LANGUAGE_ORDER):
            b = button(NATIVE_NAMES[lang], "language")
            b.setProperty("lang", lang)
            b.clicked.connect(lambda _=False, code=lang: choose(code))
            grid.addWidget(b, i // 2, i % 2)
            self.buttons[lang] = b
        layout.addLayout(grid)
        layout.addStretch(2)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.on_first_paint is not None:
            hook, self.on_first_paint = self.on_first_paint, None
            hook()

    def show_state(self, state: FlowState) -> None:
        # The welcome screen greets in every language at once.
        self.title.setText(" \u00b7 ".join(gettext_for(lang, WELCOME) for lang in LANGUAGE_ORDER))
        # The event in the screen's language (its one name where it has none in it).
        name = self.event_info.name_in(state.language) if self.event_info else ""
        self.event_name.setText(name)
        self.event_name.setVisible(bool(name))
        self.subtitle.setText(
            _("Share your proposals for the digital transition. Choose your language.")
        )
