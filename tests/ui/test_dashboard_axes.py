"""Issue 18: a count axis reads 0, 1, 2..., never "1,0,0,0,0,0" or "0,0,1,1,2" (five
fixed ticks over a range of 0 to 1 or 2, each printed with %d)."""

from __future__ import annotations

import pytest


def printed_ticks(axis) -> list[str]:
    """The labels a QValueAxis prints, from its own settings."""
    from PySide6.QtCharts import QValueAxis

    low, high = axis.min(), axis.max()
    if axis.tickType() == QValueAxis.TickType.TicksDynamic:
        step, value, values = axis.tickInterval(), axis.tickAnchor(), []
        while value <= high + 1e-9:
            if value >= low - 1e-9:
                values.append(value)
            value += step
    else:
        count = axis.tickCount()
        values = [low + i * (high - low) / (count - 1) for i in range(count)]
    return [axis.labelFormat() % v for v in values]


@pytest.mark.parametrize("counts", [[1, 0, 0], [2, 1, 0], [0], [7, 3], [37, 12, 5], [450]])
@pytest.mark.parametrize("horizontal", [False, True])
def test_count_axes_read_whole_numbers_once_each(qtbot, counts, horizontal) -> None:
    from kiosk.ui.dashboard import BarChart

    chart = BarChart(horizontal)
    qtbot.addWidget(chart)
    chart.set_data([(f"k{i}", n) for i, n in enumerate(counts)], "t")
    labels = printed_ticks(chart.values)
    assert len(labels) == len(set(labels)) >= 2, labels  # no label twice
    assert [int(x) for x in labels] == sorted(int(x) for x in labels)
    assert int(labels[-1]) >= max(counts) and int(labels[0]) == 0
    assert len(labels) <= 11  # readable, not one tick per unit up to 450
