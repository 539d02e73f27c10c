"""A chart's legend in a row of its own above the plotted area, never on top of the data.

pyqtgraph's ``addLegend`` anchors the legend inside the view box: at its top-left corner it hid the newest or
the oldest candles (and the highest prices) whenever the data reached that corner. Here the legend takes the
plot's title row (the charts have no titles), one line of entries side by side, left-aligned over the data.
"""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QSizePolicy

ENTRIES_PER_LINE = 8


class _LegendInLayout(pg.LegendItem):
    """pyqtgraph's legend sets its own geometry when an entry comes or goes (it floats over the view box);
    in a layout cell that geometry belongs to the layout, which is asked to place it again, at once."""

    def updateSize(self) -> None:  # noqa: N802 - pyqtgraph API
        self.updateGeometry()
        layout = self.parentLayoutItem()
        if layout is not None and layout.isLayout():
            layout.activate()  # now, not at the next event loop turn: a grab or a test sees the new rows


def legend_above(plot: pg.PlotItem) -> pg.LegendItem:
    """Give ``plot`` a legend above its data; curves plotted with ``name=`` join it as with ``addLegend``."""
    legend = _LegendInLayout(colCount=ENTRIES_PER_LINE, frame=False, verSpacing=-6)
    plot.layout.removeItem(plot.titleLabel)  # the title's cell (row 0, over the view box) holds the legend
    plot.titleLabel.hide()
    plot.layout.addItem(legend, 0, 1)
    legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
    plot.layout.setAlignment(legend, Qt.AlignmentFlag.AlignLeft)
    plot.legend = legend  # PlotItem.addItem adds named items to ``plot.legend``
    return legend
