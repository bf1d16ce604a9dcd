"""The one place the UI imports Qt from (a binding change touches this file).

Names are resolved on first use (PEP 562): PySide6 builds each class and its enums
the first time it is touched (the ``Qt`` namespace alone holds 93 enums, about 20 ms),
so a module pays only for the classes it imports, and the welcome screen can be
painted before the rest of Qt is initialised.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names for the type checker; the table below for run time
    from PySide6.QtCharts import (
        QBarCategoryAxis as QBarCategoryAxis,
    )
    from PySide6.QtCharts import (
        QBarSeries as QBarSeries,
    )
    from PySide6.QtCharts import (
        QBarSet as QBarSet,
    )
    from PySide6.QtCharts import (
        QChart as QChart,
    )
    from PySide6.QtCharts import (
        QChartView as QChartView,
    )
    from PySide6.QtCharts import (
        QHorizontalBarSeries as QHorizontalBarSeries,
    )
    from PySide6.QtCharts import (
        QValueAxis as QValueAxis,
    )
    from PySide6.QtCore import (
        QEvent as QEvent,
    )
    from PySide6.QtCore import (
        QLibraryInfo as QLibraryInfo,
    )
    from PySide6.QtCore import (
        QMargins as QMargins,
    )
    from PySide6.QtCore import (
        QMarginsF as QMarginsF,
    )
    from PySide6.QtCore import (
        QObject as QObject,
    )
    from PySide6.QtCore import (
        QPoint as QPoint,
    )
    from PySide6.QtCore import (
        QPointF as QPointF,
    )
    from PySide6.QtCore import (
        QRect as QRect,
    )
    from PySide6.QtCore import (
        QRectF as QRectF,
    )
    from PySide6.QtCore import (
        QRunnable as QRunnable,
    )
    from PySide6.QtCore import (
        QSize as QSize,
    )
    from PySide6.QtCore import (
        QSizeF as QSizeF,
    )
    from PySide6.QtCore import (
        Qt as Qt,
    )
    from PySide6.QtCore import (
        QThreadPool as QThreadPool,
    )
    from PySide6.QtCore import (
        QTimer as QTimer,
    )
    from PySide6.QtCore import (
        QTranslator as QTranslator,
    )
    from PySide6.QtCore import (
        QUrl as QUrl,
    )
    from PySide6.QtCore import (
        Signal as Signal,
    )
    from PySide6.QtCore import (
        Slot as Slot,
    )
    from PySide6.QtGui import (
        QColor as QColor,
    )
    from PySide6.QtGui import (
        QFont as QFont,
    )
    from PySide6.QtGui import (
        QFontDatabase as QFontDatabase,
    )
    from PySide6.QtGui import (
        QGuiApplication as QGuiApplication,
    )
    from PySide6.QtGui import (
        QIcon as QIcon,
    )
    from PySide6.QtGui import (
        QImage as QImage,
    )
    from PySide6.QtGui import (
        QKeyEvent as QKeyEvent,
    )
    from PySide6.QtGui import (
        QMouseEvent as QMouseEvent,
    )
    from PySide6.QtGui import (
        QPagedPaintDevice as QPagedPaintDevice,
    )
    from PySide6.QtGui import (
        QPageLayout as QPageLayout,
    )
    from PySide6.QtGui import (
        QPageSize as QPageSize,
    )
    from PySide6.QtGui import (
        QPainter as QPainter,
    )
    from PySide6.QtGui import (
        QPdfWriter as QPdfWriter,
    )
    from PySide6.QtGui import (
        QPen as QPen,
    )
    from PySide6.QtGui import (
        QPixmap as QPixmap,
    )
    from PySide6.QtGui import (
        QTextDocument as QTextDocument,
    )
    from PySide6.QtGui import (
        QTextOption as QTextOption,
    )
    from PySide6.QtMultimedia import (
        QCamera as QCamera,
    )
    from PySide6.QtMultimedia import (
        QMediaCaptureSession as QMediaCaptureSession,
    )
    from PySide6.QtMultimedia import (
        QMediaDevices as QMediaDevices,
    )
    from PySide6.QtMultimedia import (
        QMediaFormat as QMediaFormat,
    )
    from PySide6.QtMultimedia import (
        QSoundEffect as QSoundEffect,
    )
    from PySide6.QtMultimediaWidgets import (
        QVideoWidget as QVideoWidget,
    )
    from PySide6.QtPrintSupport import (
        QPrintDialog as QPrintDialog,
    )
    from PySide6.QtPrintSupport import (
        QPrinter as QPrinter,
    )
    from PySide6.QtPrintSupport import (
        QPrinterInfo as QPrinterInfo,
    )
    from PySide6.QtWidgets import (
        QAbstractButton as QAbstractButton,
    )
    from PySide6.QtWidgets import (
        QApplication as QApplication,
    )
    from PySide6.QtWidgets import (
        QButtonGroup as QButtonGroup,
    )
    from PySide6.QtWidgets import (
        QCheckBox as QCheckBox,
    )
    from PySide6.QtWidgets import (
        QComboBox as QComboBox,
    )
    from PySide6.QtWidgets import (
        QFileDialog as QFileDialog,
    )
    from PySide6.QtWidgets import (
        QFrame as QFrame,
    )
    from PySide6.QtWidgets import (
        QGridLayout as QGridLayout,
    )
    from PySide6.QtWidgets import (
        QHBoxLayout as QHBoxLayout,
    )
    from PySide6.QtWidgets import (
        QLabel as QLabel,
    )
    from PySide6.QtWidgets import (
        QLayout as QLayout,
    )
    from PySide6.QtWidgets import (
        QLineEdit as QLineEdit,
    )
    from PySide6.QtWidgets import (
        QListView as QListView,
    )
    from PySide6.QtWidgets import (
        QListWidget as QListWidget,
    )
    from PySide6.QtWidgets import (
        QListWidgetItem as QListWidgetItem,
    )
    from PySide6.QtWidgets import (
        QMainWindow as QMainWindow,
    )
    from PySide6.QtWidgets import (
        QPlainTextEdit as QPlainTextEdit,
    )
    from PySide6.QtWidgets import (
        QProgressBar as QProgressBar,
    )
    from PySide6.QtWidgets import (
        QPushButton as QPushButton,
    )
    from PySide6.QtWidgets import (
        QScrollArea as QScrollArea,
    )
    from PySide6.QtWidgets import (
        QScroller as QScroller,
    )
    from PySide6.QtWidgets import (
        QScrollerProperties as QScrollerProperties,
    )
    from PySide6.QtWidgets import (
        QSizePolicy as QSizePolicy,
    )
    from PySide6.QtWidgets import (
        QSpinBox as QSpinBox,
    )
    from PySide6.QtWidgets import (
        QStackedWidget as QStackedWidget,
    )
    from PySide6.QtWidgets import (
        QStyle as QStyle,
    )
    from PySide6.QtWidgets import (
        QStyleOptionSpinBox as QStyleOptionSpinBox,
    )
    from PySide6.QtWidgets import (
        QTextEdit as QTextEdit,
    )
    from PySide6.QtWidgets import (
        QVBoxLayout as QVBoxLayout,
    )
    from PySide6.QtWidgets import (
        QWidget as QWidget,
    )

# Each Qt module and the names taken from it: the same names as above (a test keeps
# the two lists equal). QtCharts, QtMultimedia and QtPrintSupport load only when a
# name of theirs is first used (a build without multimedia still starts).
_NAMES: dict[str, tuple[str, ...]] = {
    "PySide6.QtCore": (
        "QEvent",
        "QLibraryInfo",
        "QMargins",
        "QMarginsF",
        "QObject",
        "QPoint",
        "QPointF",
        "QRect",
        "QRectF",
        "QRunnable",
        "QSize",
        "QSizeF",
        "Qt",
        "QThreadPool",
        "QTimer",
        "QTranslator",
        "QUrl",
        "Signal",
        "Slot",
    ),
    "PySide6.QtGui": (
        "QColor",
        "QFont",
        "QFontDatabase",
        "QGuiApplication",
        "QIcon",
        "QImage",
        "QKeyEvent",
        "QMouseEvent",
        "QPagedPaintDevice",
        "QPageLayout",
        "QPageSize",
        "QPainter",
        "QPdfWriter",
        "QPen",
        "QPixmap",
        "QTextDocument",
        "QTextOption",
    ),
    "PySide6.QtWidgets": (
        "QAbstractButton",
        "QApplication",
        "QButtonGroup",
        "QCheckBox",
        "QComboBox",
        "QFileDialog",
        "QFrame",
        "QGridLayout",
        "QHBoxLayout",
        "QLabel",
        "QLayout",
        "QLineEdit",
        "QListView",
        "QListWidget",
        "QListWidgetItem",
        "QMainWindow",
        "QPlainTextEdit",
        "QProgressBar",
        "QPushButton",
        "QScrollArea",
        "QScroller",
        "QScrollerProperties",
        "QSizePolicy",
        "QSpinBox",
        "QStackedWidget",
        "QStyle",
        "QStyleOptionSpinBox",
        "QTextEdit",
        "QVBoxLayout",
        "QWidget",
    ),
    "PySide6.QtCharts": (
        "QBarCategoryAxis",
        "QBarSeries",
        "QBarSet",
        "QChart",
        "QChartView",
        "QHorizontalBarSeries",
        "QValueAxis",
    ),
    "PySide6.QtMultimedia": (
        "QCamera",
        "QMediaCaptureSession",
        "QMediaDevices",
        "QMediaFormat",
        "QSoundEffect",
    ),
    "PySide6.QtMultimediaWidgets": ("QVideoWidget",),
    "PySide6.QtPrintSupport": (
        "QPrintDialog",
        "QPrinter",
        "QPrinterInfo",
    ),
}
_MODULE = {name: module for module, names in _NAMES.items() for name in names}


def __getattr__(name: str) -> Any:
    try:
        module = _MODULE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # resolved once
    return value
