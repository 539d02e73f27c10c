"""The trades drawn on a price chart (the backtest's and the Trading tab's): one symbol and colour per kind
of fill, one legend name per kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import pyqtgraph as pg

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.theme import chart_colour

MARKERS = {  # kind -> (symbol, colour)
    "entry": ("t1", (220, 30, 30)),
    "add": ("t1", (240, 150, 0)),
    "partial_exit": ("t", (120, 60, 200)),
    "exit": ("t", (20, 90, 220)),
}


class TradeMarker(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def time(self) -> float: ...
    @property
    def price(self) -> float: ...


def _names() -> dict[str, str]:  # a function: the language is chosen at run time
    return {"entry": tr("진입", "entry"), "add": tr("추가 매수", "add"),
            "partial_exit": tr("부분 청산", "partial exit"), "exit": tr("청산", "exit")}  # fmt: skip


def add_trade_markers(plot: pg.PlotItem, markers: Iterable[TradeMarker], size: int) -> int:
    """One scatter item per kind that occurs (so the legend names only those); returns the markers drawn."""
    markers = list(markers)
    names = _names()
    drawn = 0
    for kind, (symbol, colour) in MARKERS.items():
        pts = [m for m in markers if m.kind == kind]
        if pts:
            plot.addItem(pg.ScatterPlotItem(
                x=[m.time for m in pts], y=[m.price for m in pts], symbol=symbol, size=size,
                brush=pg.mkBrush(*colour), pen=pg.mkPen(chart_colour("line"), width=0.5), name=names[kind],
            ))  # fmt: skip
            drawn += len(pts)
    return drawn
