"""A crosshair that follows the mouse over a plot, with a one-line read-out pinned to the plot's corner."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt

READOUT_TEXT = (20, 20, 20)
READOUT_FILL = (255, 255, 255, 215)  # its own light box: readable on the light and the dark chart


class Crosshair:
    """``describe(x)`` writes the read-out for time ``x`` from the data in force when the mouse moves.

    The read-out is a child of the view box, not an item in data coordinates: zooming and panning never
    carry it off screen. ``clear()`` must be called whenever the data is replaced (another series, a
    resample): the old text described candles that are no longer drawn.
    """

    def __init__(self, plot: pg.PlotItem, describe: Callable[[float], str]) -> None:
        self._plot = plot
        self._describe = describe
        pen = pg.mkPen((110, 110, 110), style=Qt.PenStyle.DashLine)
        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=pen)
        self.hline = pg.InfiniteLine(angle=0, movable=False, pen=pen)
        plot.addItem(self.vline, ignoreBounds=True)
        plot.addItem(self.hline, ignoreBounds=True)
        self.label = pg.TextItem(anchor=(0, 0), color=READOUT_TEXT, fill=pg.mkBrush(*READOUT_FILL))
        self.label.setParentItem(plot.vb)
        self.label.setPos(4, 4)
        self.label.setZValue(1000)  # above the candles
        self._proxy = pg.SignalProxy(plot.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)
        self.clear()

    def clear(self) -> None:
        for item in (self.vline, self.hline, self.label):
            item.hide()
        self.label.setText("")

    def show_at(self, x: float, y: float) -> None:
        text = self._describe(x)
        if not text:
            self.clear()
            return
        self.vline.setPos(x)
        self.hline.setPos(y)
        self.label.setText(text)
        for item in (self.vline, self.hline, self.label):
            item.show()

    def _mouse_moved(self, event: tuple[QPointF]) -> None:
        pos = event[0]
        if not self._plot.vb.sceneBoundingRect().contains(pos):
            return
        point = self._plot.vb.mapSceneToView(pos)
        self.show_at(point.x(), point.y())
