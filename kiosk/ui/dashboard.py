"""Staff dashboard: live figures, refreshed every few seconds without freezing.

The figures are read off the UI thread (``fetch`` runs in the background
runner); :meth:`DashboardView.show_figures` only updates widgets in place, which
is what ``bench/bench_dashboard.py`` times on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain.vocab import CATEGORIES
from kiosk.i18n import NATIVE_NAMES, _, current_language, format_number, format_time, gettext_for
from kiosk.services.dashboard import DashboardFigures
from kiosk.ui.background import Runner
from kiosk.ui.qt import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QColor,
    QGridLayout,
    QHBoxLayout,
    QHorizontalBarSeries,
    QLabel,
    QListWidget,
    QMargins,
    QPainter,
    Qt,
    QTimer,
    QValueAxis,
    QVBoxLayout,
    QWidget,
)

ACCENT = QColor("#1f6f8b")

Fetch = Callable[[], DashboardFigures]


class Counter(QWidget):
    """A big number with its caption."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.value = QLabel("-")
        self.value.setObjectName("counterValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.caption = QLabel("")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.caption.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, caption: str) -> None:
        if self.value.text() != value:
            self.value.setText(value)
        if self.caption.text() != caption:
            self.caption.setText(caption)


def count_axis(highest: int) -> tuple[int, int]:
    """(tick step, axis end) for counts up to ``highest``: a step of 1, 2 or 5 times a
    power of ten, so that the axis reads whole numbers in at most ten steps."""
    highest = max(1, highest)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if highest <= 10 * step:
                return step, -(-highest // step) * step
        magnitude *= 10


class BarChart(QChartView):
    """A bar chart whose bars are replaced in place on each refresh."""

    def __init__(self, horizontal: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.horizontal = horizontal
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)
        self.series = QHorizontalBarSeries() if horizontal else QBarSeries()
        self.bars = QBarSet("")
        self.bars.setColor(ACCENT)
        self.series.append(self.bars)
        chart.addSeries(self.series)
        self.categories = QBarCategoryAxis()
        if not horizontal:
            self.categories.setLabelsAngle(-90)  # quarter-hour labels stay readable
        self.values = QValueAxis()
        self.values.setLabelFormat("%d")
        # Ticks at whole counts from 0 (five fixed ticks over 0..1 read "0,0,0,0,1").
        self.values.setTickType(QValueAxis.TickType.TicksDynamic)
        self.values.setTickAnchor(0)
        cat_side = Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom
        val_side = Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft
        chart.addAxis(self.categories, cat_side)
        chart.addAxis(self.values, val_side)
        self.series.attachAxis(self.categories)
        self.series.attachAxis(self.values)
        self._shown: list[tuple[str, int]] = []

    def set_data(self, rows: list[tuple[str, int]], title: str) -> None:
        if self.chart().title() != title:
            self.chart().setTitle(title)
        if rows == self._shown:
            return  # nothing changed: no relayout, no repaint
        self._shown = list(rows)
        labels = [label for label, _n in rows] or [" "]
        counts = [n for _label, n in rows] or [0]
        self.bars.remove(0, self.bars.count())
        self.bars.append([float(n) for n in counts])
        self.categories.clear()
        self.categories.append(labels)
        step, top = count_axis(max(counts))
        self.values.setTickInterval(step)
        self.values.setRange(0, top)


class DashboardView(QWidget):
    """Counters, two charts and three lists; ``refresh`` reads in the background."""

    REFRESH_MS = 5000

    def __init__(
        self,
        fetch: Fetch,
        runner: Runner,
        theme_names: dict[str, dict[str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.fetch = fetch
        self.runner = runner
        self.figures: DashboardFigures | None = None
        self._busy = False
        self.theme_names = theme_names or {}

        self.counters = [Counter(self) for _ in range(4)]
        top = QHBoxLayout()
        for counter in self.counters:
            top.addWidget(counter)
        self.per_quarter = BarChart(horizontal=False, parent=self)
        self.per_theme = BarChart(horizontal=True, parent=self)
        self.languages = QListWidget(self)
        self.categories = QListWidget(self)
        self.devices = QListWidget(self)
        self.list_titles = [QLabel(self) for _ in range(3)]
        grid = QGridLayout()
        grid.addWidget(self.per_quarter, 0, 0)
        grid.addWidget(self.per_theme, 0, 1)
        lists = QHBoxLayout()
        for title, widget in zip(
            self.list_titles, (self.languages, self.categories, self.devices), strict=True
        ):
            column = QVBoxLayout()
            column.addWidget(title)
            column.addWidget(widget)
            lists.addLayout(column)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 3)
        layout.addLayout(lists, 2)
        self.timer = QTimer(self)
        self.timer.setInterval(self.REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def refresh(self) -> None:
        if self._busy:  # the previous read is still running: skip, never pile up
            return
        self._busy = True
        self.runner(self.fetch, self._done, self._failed)

    def _done(self, figures: DashboardFigures) -> None:
        self._busy = False
        self.show_figures(figures)

    def _failed(self, error: BaseException) -> None:
        self._busy = False

    def retranslate(self) -> None:
        if self.figures is not None:
            self.show_figures(self.figures, force=True)

    def show_figures(self, f: DashboardFigures, force: bool = False) -> None:
        """Update every widget in place (UI thread; cheap)."""
        self.figures = f
        lang = current_language()
        self.counters[0].set(
            f"{format_number(f.checked_in)} / {format_number(f.expected)}",
            _("Checked in / expected"),
        )
        self.counters[1].set(format_number(f.walk_ins), _("Walk-ins"))
        self.counters[2].set(format_number(f.rejected_scans), _("Rejected scans"))
        self.counters[3].set(format_number(f.proposals), _("Proposals"))
        quarters = [
            (format_time(when.astimezone(), lang, "HH:mm"), n)
            for when, n in f.checkins_per_quarter[-24:]
        ]
        self.per_quarter.set_data(quarters, _("Check-ins per 15 minutes"))
        names = self.theme_names
        themes = [(names.get(code, {}).get(lang, code), n) for code, n in f.proposals_per_theme]
        self.per_theme.set_data(themes, _("Proposals per theme"))
        titles = (_("Languages used"), _("Categories"), _("Kiosks: last activity"))
        for label, text in zip(self.list_titles, titles, strict=True):
            label.setText(text)
        self._fill(
            self.languages,
            [f"{NATIVE_NAMES.get(code, code)}: {format_number(n)}" for code, n in f.languages],
        )
        self._fill(
            self.categories,
            [
                f"{gettext_for(lang, CATEGORIES.get(code, code))}: {format_number(n)}"
                for code, n in f.categories
            ],
        )
        self._fill(
            self.devices,
            [
                f"{d.name}: {d.last_activity[11:16] if d.last_activity else '-'} (#{d.last_seq})"
                for d in f.devices
            ],
        )

    @staticmethod
    def _fill(widget: QListWidget, rows: list[str]) -> None:
        current = [widget.item(i).text() for i in range(widget.count())]
        if current != rows:
            widget.clear()
            widget.addItems(rows)
