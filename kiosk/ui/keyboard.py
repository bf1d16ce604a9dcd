"""On-screen keyboard embedded in the window; layouts are data in assets/keyboards/."""

from __future__ import annotations

import json
from typing import Any

from kiosk.config import assets_dir
from kiosk.ui.qt import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)

LETTER_LAYOUTS = ("ar", "fr", "en", "zgh")
SHORT = {"ar": "\u0639", "fr": "FR", "en": "EN", "zgh": "\u2d63"}
SHIFT, BACKSPACE, ENTER = "\u21e7", "\u232b", "\u23ce"
# Key height: a sixteenth of the window's height (50 px at 800, 67 at 1080), never
# under a fingertip's 48 px nor over 72; five rows then take under half the screen.
KEY_MIN, KEY_MAX, KEY_SHARE = 48, 72, 16


def load_layouts() -> dict[str, dict[str, Any]]:
    layouts = {}
    for path in sorted((assets_dir() / "keyboards").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        layouts[data["code"]] = data
    return layouts


class OnScreenKeyboard(QFrame):
    """Keys insert into the target field through the field's own API."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyboard")
        # A keyboard is physical: it is never mirrored, whatever the UI direction.
        self.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.layouts = load_layouts()
        self.letters = "fr"
        self.page = "letters"  # letters | digits | punct
        self.shift = False
        self.target: QLineEdit | QPlainTextEdit | None = None
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        self.bottom = QHBoxLayout()
        self.bottom.setSpacing(4)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 4)
        outer.setSpacing(4)
        outer.addLayout(self.grid)
        outer.addLayout(self.bottom)
        self.keys: list[QPushButton] = []
        self.key_height = 0
        self._build_bottom()
        self.rebuild()

    # -- public API ------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang in self.layouts:
            self.letters = lang
            self.page = "letters"
            self.shift = False
            self.rebuild()

    def fit_height(self, window_height: int) -> None:
        """Keys sized for a window ``window_height`` px tall (called on every resize)."""
        height = max(KEY_MIN, min(KEY_MAX, window_height // KEY_SHARE))
        if height != self.key_height:
            self.key_height = height
            inner = height - 4  # a style sheet's heights are inside the 2 px border
            self.setStyleSheet(
                f"QPushButton#key {{ min-height: {inner}px; max-height: {inner}px; }}"
            )

    def set_target(self, field: QLineEdit | QPlainTextEdit | None) -> None:
        self.target = field

    def key_button(self, text: str) -> QPushButton:
        """The key that types ``text`` on the current page (for tests and tools)."""
        for button in self.keys:
            if button.property("insert") == text:
                return button
        raise KeyError(text)

    def type_text(self, text: str) -> None:
        self._insert(text)

    # -- building --------------------------------------------------------------------
    def _special(self, label: str, name: str, slot: Any, repeat: bool = False) -> QPushButton:
        button = QPushButton(label, self)
        button.setObjectName("key")
        button.setProperty("special", name)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if repeat:
            button.setAutoRepeat(True)
            button.setAutoRepeatDelay(400)
            button.setAutoRepeatInterval(80)
        button.clicked.connect(slot)
        return button

    def _build_bottom(self) -> None:
        self.shift_key = self._special(SHIFT, "shift", self._toggle_shift)
        self.page_key = self._special("123", "page", self._toggle_page)
        self.layout_key = self._special("", "layout", self._next_layout)
        self.space_key = self._special(" ", "space", lambda: self._insert(" "))
        self.enter_key = self._special(ENTER, "enter", lambda: self._insert("\n"))
        self.backspace_key = self._special(BACKSPACE, "backspace", self._backspace, True)
        for widget, stretch in (
            (self.shift_key, 1),
            (self.page_key, 1),
            (self.layout_key, 1),
            (self.space_key, 5),
            (self.enter_key, 1),
            (self.backspace_key, 2),
        ):
            self.bottom.addWidget(widget, stretch)

    def rebuild(self) -> None:
        for button in self.keys:
            self.grid.removeWidget(button)
            button.hide()  # gone now, not at the next turn of the event loop
            button.setParent(None)
            button.deleteLater()
        self.keys = []
        code = self.letters if self.page == "letters" else self.page
        layout = self.layouts[code]
        rows: list[Any] = (
            layout["shift_rows"] if self.shift and "shift_rows" in layout else layout["rows"]
        )
        width = max(len(row) for row in rows)
        for r, row in enumerate(rows):
            offset = (width - len(row)) // 2
            for c, char in enumerate(row):
                button = QPushButton(char, self)
                button.setObjectName("key")
                button.setProperty("insert", char)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.clicked.connect(lambda _=False, ch=char: self._insert(ch))
                self.grid.addWidget(button, r, offset + c)
                self.keys.append(button)
        self.shift_key.setEnabled(
            self.page == "letters" and "shift_rows" in self.layouts[self.letters]
        )
        self.shift_key.setChecked(self.shift)
        self.page_key.setText(
            "123" if self.page == "letters" else ("#+=" if self.page == "digits" else "ABC")
        )
        nxt = self._next_code()
        self.layout_key.setText(SHORT[nxt])
        self.space_key.setText(self.layouts[self.letters]["name"])

    def _next_code(self) -> str:
        return LETTER_LAYOUTS[(LETTER_LAYOUTS.index(self.letters) + 1) % len(LETTER_LAYOUTS)]

    # -- actions ---------------------------------------------------------------------
    def _insert(self, text: str) -> None:
        target = self.target
        if target is None:
            return
        if isinstance(target, QLineEdit):
            if text == "\n":
                target.returnPressed.emit()
                return
            target.insert(text)
        else:
            target.insertPlainText(text)
        if self.shift and self.page == "letters":
            self.shift = False  # one capital, as on a phone
            self.rebuild()

    def _backspace(self) -> None:
        if isinstance(self.target, QLineEdit):
            self.target.backspace()
        elif isinstance(self.target, QPlainTextEdit):
            self.target.textCursor().deletePreviousChar()

    def _toggle_shift(self) -> None:
        self.shift = not self.shift
        self.rebuild()

    def _toggle_page(self) -> None:
        self.page = {"letters": "digits", "digits": "punct", "punct": "letters"}[self.page]
        self.shift = False
        self.rebuild()

    def _next_layout(self) -> None:
        self.letters = self._next_code()
        self.page = "letters"
        self.shift = False
        self.rebuild()
