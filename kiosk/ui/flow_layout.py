"""Layout helpers for screens of every size: a row of buttons that wraps onto the
next line when the screen is too narrow, and scroll areas a finger can drag."""

from __future__ import annotations

from typing import Any

from kiosk.ui.qt import (
    QCheckBox,
    QComboBox,
    QEvent,
    QFrame,
    QLabel,
    QLayout,
    QListView,
    QObject,
    QRect,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSize,
    QSizePolicy,
    Qt,
    QTimer,
    QWidget,
)


class FlowLayout(QLayout):
    """Widgets left to right (right to left in Arabic), wrapping onto new lines;
    its height follows its width, so a narrow screen gets two rows, not a window
    wider than the screen. ``stretch_after`` items start at the trailing side."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, columns: int = 0) -> None:
        super().__init__(parent)
        self.items: list[Any] = []
        self.gap = spacing
        # With ``columns``, a grid: up to that many equal columns, as many as the
        # widest item allows at the width given.
        self.columns = columns
        self.trailing_from: int | None = None  # index of the first trailing item
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: Any) -> None:
        self.items.append(item)

    def add_trailing(self) -> None:
        """The widgets added from now on keep to the trailing side of their line."""
        self.trailing_from = len(self.items)

    def count(self) -> int:
        return len(self.items)

    def itemAt(self, index: int) -> Any:
        return self.items[index] if 0 <= index < len(self.items) else None

    def takeAt(self, index: int) -> Any:
        return self.items.pop(index) if 0 <= index < len(self.items) else None

    def expandingDirections(self) -> Any:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:
        width = sum(i.sizeHint().width() + self.gap for i in self._shown())
        height = max((i.sizeHint().height() for i in self._shown()), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        size = QSize(0, 0)
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, apply=True)

    def _shown(self) -> list[Any]:
        return [i for i in self.items if not (i.widget() and i.widget().isHidden())]

    def _place(self, rect: QRect, apply: bool) -> int:
        """Lay the items out in ``rect``; returns the height used."""
        if self.columns:
            return self._place_grid(rect, apply)
        lines: list[list[Any]] = [[]]
        x = 0
        for item in self._shown():
            w = item.sizeHint().width()
            if lines[-1] and x + w > rect.width():
                lines.append([])
                x = 0
            lines[-1].append(item)
            x += w + self.gap
        y = rect.y()
        rtl = self._rtl()
        trailing = (
            set(self.items[self.trailing_from :]) if self.trailing_from is not None else set()
        )
        for line in lines:
            height = max((i.sizeHint().height() for i in line), default=0)
            lead = [i for i in line if i not in trailing]
            tail = [i for i in line if i in trailing]
            if apply:
                x = 0
                for item in lead:
                    x = self._put(item, rect, x, y, height, rtl)
                end = sum(i.sizeHint().width() + self.gap for i in tail) - self.gap
                x = max(x, rect.width() - end)
                for item in tail:
                    x = self._put(item, rect, x, y, height, rtl)
            y += height + self.gap
        return max(0, y - rect.y() - self.gap)

    def _place_grid(self, rect: QRect, apply: bool) -> int:
        shown = self._shown()
        if not shown:
            return 0
        widest = max(i.sizeHint().width() for i in shown)
        columns = max(1, min(self.columns, (rect.width() + self.gap) // (widest + self.gap)))
        width = max(0, (rect.width() - self.gap * (columns - 1)) // columns)
        rtl = self._rtl()
        y = rect.y()
        for start in range(0, len(shown), columns):
            line = shown[start : start + columns]
            height = max(i.sizeHint().height() for i in line)
            if apply:
                for c, item in enumerate(line):
                    x = c * (width + self.gap)
                    left = rect.x() + (rect.width() - x - width if rtl else x)
                    item.setGeometry(QRect(left, y, width, height))
            y += height + self.gap
        return y - rect.y() - self.gap

    def _rtl(self) -> bool:
        parent = self.parentWidget()
        return parent is not None and parent.isRightToLeft()

    def _put(self, item: Any, rect: QRect, x: int, y: int, height: int, rtl: bool) -> int:
        w: int = min(item.sizeHint().width(), rect.width())
        left = rect.x() + (rect.width() - x - w if rtl else x)
        item.setGeometry(QRect(left, y, w, height))
        return x + w + self.gap


class _LaidOut(QObject):
    """Re-lays a scroll area's content out when it was resized while its layout was
    waiting to be redone (Qt then leaves the old geometry: the rows overlap by a few
    px and wrapped text is cut)."""

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            QTimer.singleShot(0, lambda w=watched: self._check(w))
        return False

    @staticmethod
    def _check(widget: Any) -> None:
        layout = widget.layout()
        if layout is not None and layout.geometry() != widget.rect():
            layout.setGeometry(widget.rect())


def touch_scroll(content: QWidget) -> QScrollArea:
    """``content`` in a frameless vertical scroll area that a finger drags (kinetic
    scrolling on the left button, which touch screens send too)."""
    area = QScrollArea()
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # The bar shows there is more; dragging the content is the way to scroll.
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    # Never squeezed under its size hint (it scrolls instead): buttons whose minimum
    # height comes from the style sheet would otherwise be cut a few px.
    content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    area.setWidget(content)
    content.installEventFilter(_LaidOut(content))
    grab_touch_scroll(area.viewport())
    return area


def grab_touch_scroll(viewport: QWidget) -> None:
    """Kinetic scrolling of ``viewport`` by a finger drag (or the left button), where a
    tap still reaches the button under it at once (no press delay)."""
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    scroller.setScrollerProperties(properties)


def touch_combo(combo: QComboBox) -> QComboBox:
    """A drop-down whose list rows a finger can pick (56 px, from the style sheet,
    which sizes the rows of a plain list view only)."""
    combo.setView(QListView())
    return combo


class WrapCheckBox(QCheckBox):
    """A check box whose text wraps onto more lines (a QCheckBox's own text does not,
    and widened its page past the screen); a tap anywhere on it toggles it."""

    INDENT = 40 + 14 + 4  # the style sheet's indicator, its spacing, a margin
    PAD = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.setStyleSheet("background: transparent;")

    def _text_width(self, width: int) -> int:
        return max(1, width - self.INDENT)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        width = self._text_width(self.width())
        height = self.label.heightForWidth(width)
        # The indicator is on the leading side: the text keeps clear of it.
        x = 0 if self.isRightToLeft() else self.INDENT
        self.label.setGeometry(x, max(0, (self.height() - height) // 2), width, height)

    def setText(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(text)
        self.updateGeometry()

    def text(self) -> str:
        return str(self.label.text())

    def hitButton(self, pos: Any) -> bool:
        return bool(self.rect().contains(pos))

    def sizeHint(self) -> QSize:
        hint = self.label.sizeHint()
        return QSize(self.INDENT + hint.width(), max(48, hint.height() + 2 * self.PAD))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.INDENT + 120, 48)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(48, self.label.heightForWidth(self._text_width(width)) + 2 * self.PAD)
