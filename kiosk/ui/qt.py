"""The one place the attendee UI imports Qt from (a binding change touches this file).

Names are resolved on first use (PEP 562): PySide6 builds each class and its enums
the first time it is touched (the ``Qt`` namespace alone holds 93 enums, about 20 ms),
so a module pays only for the classes it imports, and the welcome screen can be
painted before the rest of Qt is initialised.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import (
        QEvent,
        QObject,
        QPoint,
        QRect,
        QRunnable,
        QSize,
        Qt,
        QThreadPool,
        QTimer,
        Signal,
        Slot,
    )
    from PySide6.QtGui import (
        QColor,
        QFont,
        QFontDatabase,
        QGuiApplication,
        QIcon,
        QImage,
        QKeyEvent,
        QMouseEvent,
        QPainter,
        QPixmap,
    )
    from PySide6.QtWidgets import (
        QAbstractButton,
        QApplication,
        QButtonGroup,
        QCheckBox,
        QComboBox,
        QFileDialog,
        QFrame,
        QGridLayout,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QListWidget,
        QListWidgetItem,
        QMainWindow,
        QPlainTextEdit,
        QProgressBar,
        QPushButton,
        QScrollArea,
        QSizePolicy,
        QSpinBox,
        QStackedWidget,
        QTextEdit,
        QVBoxLayout,
        QWidget,
    )

_MODULE = {
    "QAbstractButton": "PySide6.QtWidgets",
    "QApplication": "PySide6.QtWidgets",
    "QButtonGroup": "PySide6.QtWidgets",
    "QCheckBox": "PySide6.QtWidgets",
    "QColor": "PySide6.QtGui",
    "QComboBox": "PySide6.QtWidgets",
    "QEvent": "PySide6.QtCore",
    "QFileDialog": "PySide6.QtWidgets",
    "QFont": "PySide6.QtGui",
    "QFontDatabase": "PySide6.QtGui",
    "QFrame": "PySide6.QtWidgets",
    "QGridLayout": "PySide6.QtWidgets",
    "QGuiApplication": "PySide6.QtGui",
    "QHBoxLayout": "PySide6.QtWidgets",
    "QIcon": "PySide6.QtGui",
    "QImage": "PySide6.QtGui",
    "QKeyEvent": "PySide6.QtGui",
    "QLabel": "PySide6.QtWidgets",
    "QLineEdit": "PySide6.QtWidgets",
    "QListWidget": "PySide6.QtWidgets",
    "QListWidgetItem": "PySide6.QtWidgets",
    "QMainWindow": "PySide6.QtWidgets",
    "QMouseEvent": "PySide6.QtGui",
    "QObject": "PySide6.QtCore",
    "QPainter": "PySide6.QtGui",
    "QPixmap": "PySide6.QtGui",
    "QPlainTextEdit": "PySide6.QtWidgets",
    "QPoint": "PySide6.QtCore",
    "QProgressBar": "PySide6.QtWidgets",
    "QPushButton": "PySide6.QtWidgets",
    "QRect": "PySide6.QtCore",
    "QRunnable": "PySide6.QtCore",
    "QScrollArea": "PySide6.QtWidgets",
    "QSize": "PySide6.QtCore",
    "QSizePolicy": "PySide6.QtWidgets",
    "QSpinBox": "PySide6.QtWidgets",
    "QStackedWidget": "PySide6.QtWidgets",
    "QTextEdit": "PySide6.QtWidgets",
    "QThreadPool": "PySide6.QtCore",
    "QTimer": "PySide6.QtCore",
    "QVBoxLayout": "PySide6.QtWidgets",
    "QWidget": "PySide6.QtWidgets",
    "Qt": "PySide6.QtCore",
    "Signal": "PySide6.QtCore",
    "Slot": "PySide6.QtCore",
}
__all__ = [
    "QAbstractButton",
    "QApplication",
    "QButtonGroup",
    "QCheckBox",
    "QColor",
    "QComboBox",
    "QEvent",
    "QFileDialog",
    "QFont",
    "QFontDatabase",
    "QFrame",
    "QGridLayout",
    "QGuiApplication",
    "QHBoxLayout",
    "QIcon",
    "QImage",
    "QKeyEvent",
    "QLabel",
    "QLineEdit",
    "QListWidget",
    "QListWidgetItem",
    "QMainWindow",
    "QMouseEvent",
    "QObject",
    "QPainter",
    "QPixmap",
    "QPlainTextEdit",
    "QPoint",
    "QProgressBar",
    "QPushButton",
    "QRect",
    "QRunnable",
    "QScrollArea",
    "QSize",
    "QSizePolicy",
    "QSpinBox",
    "QStackedWidget",
    "QTextEdit",
    "QThreadPool",
    "QTimer",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
]


def __getattr__(name: str) -> Any:
    try:
        module = _MODULE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # resolved once
    return value
