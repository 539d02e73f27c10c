"""The sweep heatmap: a metric over two swept parameters as coloured cells (viridis: the same in light and
dark), the parameter values on the axes, each cell's value written in it while the grid is small enough to
read, the best plateau outlined and the slice's highest single cell dashed, a colour bar, and the cell under
the pointer in the tooltip. Grey cells were not evaluated or have no value (no trades, an invalid combination).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QGraphicsRectItem, QLabel, QVBoxLayout, QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.robustness.model import HeatmapView
from upbit_auto_trading.presentation.desktop.theme import chart_colour

COLOUR_MAP = "viridis"
MAX_WRITTEN_CELLS = 300
"""Up to this many cells each shows its value; a larger grid leaves them to the tooltip and the colour bar."""
EMPTY = QColor(128, 128, 128, 90)  # not evaluated / no value: a grey that reads on both themes
BEST_PEN = pg.mkPen(QColor("#ff4d4d"), width=3)
PEAK_PEN = pg.mkPen(QColor("#111111"), width=2, style=Qt.PenStyle.DashLine)  # the peak is the bright end


def _text_colour(fraction: float) -> QColor:
    """Dark text on viridis' bright yellow-green end, light text on its dark blue-purple end."""
    return QColor("#111111") if fraction > 0.6 else QColor("#f5f5f5")


class HeatmapChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: HeatmapView | None = None
        self.plot = pg.PlotWidget()
        self.plot.setBackground(chart_colour("background"))
        item = self.plot.getPlotItem()
        item.setMouseEnabled(False, False)  # a grid, not a time series: nothing to pan or zoom
        item.hideButtons()
        item.setMenuEnabled(False)
        self._map = pg.colormap.get(COLOUR_MAP)
        self.empty = QGraphicsRectItem()  # under the image: shows through NaN (transparent) cells
        self.empty.setBrush(EMPTY)
        self.empty.setPen(pg.mkPen(None))
        item.addItem(self.empty)
        self.image = pg.ImageItem()
        item.addItem(self.image)
        self.bar = pg.ColorBarItem(colorMap=self._map, interactive=False, width=14, colorMapMenu=False)
        self.bar.setImageItem(self.image, insert_in=item)
        self._overlays: list[object] = []
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        self.plot.scene().sigMouseMoved.connect(self._hover)

    def set_view(self, view: HeatmapView) -> None:
        self.view = view
        item = self.plot.getPlotItem()
        for overlay in self._overlays:
            item.removeItem(overlay)
        self._overlays = []
        z = view.z
        ny, nx = z.shape
        finite = z[np.isfinite(z)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        self.image.setImage(z.T, levels=(lo, hi), lut=self._map.getLookupTable(nPts=256))  # image[x, y]
        self.image.setRect(QRectF(0, 0, nx, ny))
        self.empty.setRect(QRectF(0, 0, nx, ny))
        self.bar.setLevels((lo, hi))
        bottom, left = item.getAxis("bottom"), item.getAxis("left")
        bottom.setTicks([[(i + 0.5, v) for i, v in enumerate(view.x_values)]])
        left.setTicks([[(j + 0.5, v) for j, v in enumerate(view.y_values)]])
        item.setLabel("bottom", view.x_title)
        item.setLabel("left", view.y_title)
        item.setXRange(0, nx, padding=0.0)
        item.setYRange(0, ny, padding=0.0)
        if nx * ny <= MAX_WRITTEN_CELLS:
            self._write_values(view, lo, hi)
        self._mark(view)
        self.legend.setText(self._legend_text(view))

    def _write_values(self, view: HeatmapView, lo: float, hi: float) -> None:
        item = self.plot.getPlotItem()
        ny, nx = view.z.shape
        for j in range(ny):
            for i in range(nx):
                value = view.z[j, i]
                fraction = 0.0 if not np.isfinite(value) else (value - lo) / (hi - lo)
                colour = chart_colour("foreground") if not np.isfinite(value) else _text_colour(fraction)
                text = pg.TextItem(view.value_text(i, j), color=colour, anchor=(0.5, 0.5))
                text.setPos(i + 0.5, j + 0.5)
                item.addItem(text)
                self._overlays.append(text)

    def _mark(self, view: HeatmapView) -> None:
        item = self.plot.getPlotItem()
        for cell, pen, inset in ((view.peak, PEAK_PEN, 0.12), (view.best, BEST_PEN, 0.04)):
            if cell is None:
                continue
            box = QGraphicsRectItem(QRectF(cell[0] + inset, cell[1] + inset, 1 - 2 * inset, 1 - 2 * inset))
            box.setPen(pen)
            item.addItem(box)
            self._overlays.append(box)

    def _legend_text(self, view: HeatmapView) -> str:
        parts = [
            tr("빨간 테두리: 최고 고원 (1위)", "red outline: the best plateau (rank 1)"),
            tr("검은 점선: 이 단면의 최고값 셀", "black dashes: the highest single cell shown"),
            tr("회색: 값 없음", "grey: no value"),
        ]
        if view.held:
            parts.append(tr(f"나머지 파라미터 고정: {view.held}", f"other parameters held at {view.held}"))
        return f"{view.metric_title} · " + " · ".join(parts)

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """The (i, j) of the cell under a scene position, or None outside the grid."""
        if self.view is None:
            return None
        point = self.plot.getPlotItem().vb.mapSceneToView(scene_pos)
        i, j = int(np.floor(point.x())), int(np.floor(point.y()))
        ny, nx = self.view.z.shape
        return (i, j) if 0 <= i < nx and 0 <= j < ny else None

    def describe(self, i: int, j: int) -> str:
        v = self.view
        assert v is not None
        lines = [f"{v.x_title} = {v.x_values[i]}"]
        if v.y_title:
            lines.append(f"{v.y_title} = {v.y_values[j]}")
        value = v.value_text(i, j)
        lines.append(f"{v.metric_title}: {value if value not in ('', '-') else tr('값 없음', 'no value')}")
        return "\n".join(lines)

    def _hover(self, scene_pos: QPointF) -> None:
        cell = self.cell_at(scene_pos)
        self.plot.setToolTip("" if cell is None else self.describe(*cell))
