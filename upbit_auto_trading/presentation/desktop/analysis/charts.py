"""The analysis charts (pyqtgraph, as the other screens' charts): equity against buy-and-hold over the
underwater curve with the worst drawdowns shaded; rolling Sharpe and volatility; the trade return and holding
time histograms over the exposure timeline.

Time charts navigate as the others do (``charts.fit``: wheel and drag move time, the value axis fits what is
in view) and write KST; histograms do not move. Long curves are drawn decimated to the pixels in view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from upbit_auto_trading.presentation.desktop.analysis.log_axis import LogValueAxis
from upbit_auto_trading.presentation.desktop.analysis.model import Bars, RunPanels, Shade
from upbit_auto_trading.presentation.desktop.charts.fit import ValueFit, limit_time, span_of, visible
from upbit_auto_trading.presentation.desktop.charts.legend import legend_above
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.theme import chart_colour, current_theme

STRATEGY = (20, 140, 70)
BUY_AND_HOLD = (150, 150, 150)
DRAWDOWN = (200, 40, 40)
GAIN, LOSS, MIXED = (200, 40, 40), (30, 90, 200), (150, 140, 175)  # rising red, falling blue (Korean)
ROLLING = (106, 61, 154)
VOLATILITY = (224, 138, 0)
EXPOSURE = (224, 138, 0)
SHADE = (255, 150, 0)
AXIS_WIDTH = 100  # the same left axis width keeps stacked time axes aligned; room for 200,000,000 and a label


def _dark() -> bool:
    app = QApplication.instance()
    return app is not None and current_theme(app) == "dark"


def bar_colour(sign: int) -> tuple[int, int, int]:
    return GAIN if sign > 0 else LOSS if sign < 0 else MIXED


def _time_plot(
    layout: pg.GraphicsLayout, row: int, label: str, left: pg.AxisItem | None = None
) -> pg.PlotItem:
    plot = layout.addPlot(row=row, col=0, axisItems={"bottom": KstTimeAxis(), "left": left or NumberAxis()})
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setLabel("left", label)
    plot.getAxis("left").setWidth(AXIS_WIDTH)
    plot.setDownsampling(auto=True, mode="peak")
    plot.setClipToView(True)
    return plot


def _message(plot: pg.PlotItem, text: str) -> pg.TextItem:
    """A line in the middle of an empty chart (the view box's own coordinates: it never pans away)."""
    item = pg.TextItem(text, color=chart_colour("foreground"), anchor=(0.5, 0.5))
    item.setParentItem(plot.vb)
    item.setVisible(False)
    plot.vb.sigResized.connect(lambda *_: item.setPos(plot.vb.width() / 2, plot.vb.height() / 2))
    return item


class EquityCharts(pg.GraphicsLayoutWidget):
    """Equity against buy-and-hold (linear or log scale) over the underwater curve; the worst drawdowns
    shaded on both, numbered by depth on the underwater one."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setBackground(chart_colour("background"))
        self.value_axis = LogValueAxis()
        self.equity = _time_plot(self.ci, 0, tr("자산", "Equity"), self.value_axis)
        self.underwater = _time_plot(self.ci, 1, tr("낙폭 %", "Drawdown %"))
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self.equity.getAxis("bottom").show_times(False)
        self.underwater.setXLink(self.equity)
        legend_above(self.equity)
        legend_above(self.underwater)
        self.log = False
        self._panels: RunPanels | None = None
        self.shade_items: list[pg.LinearRegionItem] = []
        self._fits = (
            ValueFit(self.equity, self._equity_extent),
            ValueFit(self.underwater, self._drawdown_extent),
        )
        self._empty = _message(self.equity, tr("실행을 고르세요", "Pick a run"))

    def _values(self, y: np.ndarray) -> np.ndarray:
        if not self.log:
            return y
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(y > 0, np.log10(np.where(y > 0, y, 1.0)), np.nan)

    def _equity_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        p = self._panels
        if p is None:
            return None
        part = visible(p.times, x0, x1)
        bh = None if p.buy_and_hold is None else self._values(p.buy_and_hold[part])
        return span_of((self._values(p.equity[part]), bh))

    def _drawdown_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        p = self._panels
        if p is None:
            return None
        return span_of((0.0, p.drawdown_pct[visible(p.times, x0, x1)]))

    def set_log(self, log: bool) -> None:
        self.log = log
        self.value_axis.set_log(log)
        self.equity.setLabel("left", tr("자산 (로그)", "Equity (log)") if log else tr("자산", "Equity"))
        self.show_panels(self._panels)

    def show_panels(self, panels: RunPanels | None) -> None:
        for plot in (self.equity, self.underwater):
            plot.clear()
        self.shade_items = []
        self._panels = panels
        self._empty.setVisible(panels is None or not len(panels.times))
        if panels is None or not len(panels.times):
            return
        x = panels.times
        for shade in panels.shades:
            self._shade(shade, panels.shades[0].depth)
        self.equity.plot(
            x, self._values(panels.equity), pen=pg.mkPen(STRATEGY, width=1.6), name=tr("전략", "Strategy")
        )
        if panels.buy_and_hold is not None:
            self.equity.plot(x, self._values(panels.buy_and_hold), pen=pg.mkPen(BUY_AND_HOLD, width=1.2),
                             name=tr("보유 (Buy & hold)", "Buy and hold"))  # fmt: skip
        self.underwater.plot(x, panels.drawdown_pct, pen=pg.mkPen(DRAWDOWN), fillLevel=0,
                             brush=pg.mkBrush(*DRAWDOWN, 80), name=tr("낙폭", "Drawdown"))  # fmt: skip
        if panels.shades:  # the legend says what the shading is
            self.underwater.plot([], [], pen=pg.mkPen(*SHADE, 160, width=6),
                                 name=tr("최악의 낙폭 (번호 = 깊이 순위)", "Worst drawdowns (numbered by depth)"))  # fmt: skip
        limit_time(self.equity, x)
        self.equity.setXRange(float(x[0]), float(x[-1]), padding=0.01)
        for fit in self._fits:
            fit.refit()

    def _shade(self, shade: Shade, deepest: float) -> None:
        # the deepest stands out; on the dark theme the same orange needs less opacity to stay behind the curves
        strong, light = (45, 28) if _dark() else (65, 40)
        alpha = strong if shade.rank == 1 else light
        for plot in (self.equity, self.underwater):
            region = pg.LinearRegionItem(values=(shade.start, shade.end), movable=False,
                                         brush=pg.mkBrush(*SHADE, alpha), pen=pg.mkPen(None))  # fmt: skip
            region.setZValue(-10)
            plot.addItem(region, ignoreBounds=True)
            self.shade_items.append(region)
        # the rank at the trough (drawdowns close in time sit at different depths): above a deep one, below a
        # shallow one, so neither leaves the chart
        back = pg.mkColor(chart_colour("background"))
        back.setAlpha(210)
        below = shade.depth > deepest / 2
        label = pg.TextItem(str(shade.rank), color=chart_colour("foreground"), anchor=(0.5, 0.0 if below else 1.0),
                            fill=back)  # fmt: skip
        label.setZValue(50)  # over the curve and its fill
        label.setPos(shade.trough, shade.depth * 100)
        self.underwater.addItem(label, ignoreBounds=True)


class RollingCharts(pg.GraphicsLayoutWidget):
    """Rolling Sharpe ratio (with its zero line) over rolling volatility, both annualised on 365 days."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setBackground(chart_colour("background"))
        self.sharpe = _time_plot(self.ci, 0, tr("이동 샤프", "Rolling Sharpe"))
        self.volatility = _time_plot(self.ci, 1, tr("이동 변동성 %", "Rolling volatility %"))
        self.sharpe.getAxis("bottom").show_times(False)
        self.volatility.setXLink(self.sharpe)
        legend_above(self.sharpe)
        legend_above(self.volatility)
        self._panels: RunPanels | None = None
        self._fits = (ValueFit(self.sharpe, self._sharpe_extent), ValueFit(self.volatility, self._vol_extent))
        self._empty = _message(self.sharpe, "")

    def _sharpe_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        p = self._panels
        return None if p is None else span_of((0.0, p.rolling_sharpe[visible(p.rolling_days, x0, x1)]))

    def _vol_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        p = self._panels
        return (
            None if p is None else span_of((0.0, p.rolling_volatility_pct[visible(p.rolling_days, x0, x1)]))
        )

    def show_panels(self, panels: RunPanels | None) -> None:
        self.sharpe.clear()
        self.volatility.clear()
        self._panels = panels
        days = panels.rolling_days if panels is not None else np.empty(0)
        if panels is None or not len(days):
            text = "" if panels is None else tr(f"{panels.rolling_window_days}일보다 짧은 실행입니다",
                                                f"The run is shorter than {panels.rolling_window_days} days")  # fmt: skip
            self._empty.setText(text)
            self._empty.setVisible(bool(text))
            return
        self._empty.setVisible(False)
        window = panels.rolling_window_days
        zero = pg.InfiniteLine(
            pos=0.0, angle=0, pen=pg.mkPen(chart_colour("foreground"), style=Qt.PenStyle.DashLine)
        )
        self.sharpe.addItem(zero, ignoreBounds=True)
        self.sharpe.plot(days, panels.rolling_sharpe, pen=pg.mkPen(ROLLING, width=1.5), connect="finite",
                         name=tr(f"샤프 지수 ({window}일, 연환산)", f"Sharpe ({window} days, annualised)"))  # fmt: skip
        self.volatility.plot(days, panels.rolling_volatility_pct, pen=pg.mkPen(VOLATILITY, width=1.5),
                             name=tr(f"변동성 ({window}일, 연환산)", f"Volatility ({window} days, annualised)"))  # fmt: skip
        limit_time(self.sharpe, days)
        self.sharpe.setXRange(float(days[0]), float(days[-1]), padding=0.01)
        for fit in self._fits:
            fit.refit()


class _CategoryAxis(NumberAxis):
    """Bottom axis of a histogram of named bins: the bin names under the bars, numbers otherwise."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.names: list[tuple[float, str]] = []

    def set_names(self, names: list[tuple[float, str]]) -> None:
        self.names = names
        self.setTicks([names] if names else None)


def _histogram(layout: pg.GraphicsLayout, row: int, col: int, title: str) -> pg.PlotItem:
    plot = layout.addPlot(row=row, col=col, axisItems={"bottom": _CategoryAxis(), "left": NumberAxis()})
    plot.setLabel("left", tr("거래 수", "Trades"))
    plot.setTitle(title, size="10pt")
    plot.showGrid(x=False, y=True, alpha=0.2)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    return plot


class TradesCharts(pg.GraphicsLayoutWidget):
    """Trade return distribution and holding times side by side, the exposure timeline under them."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.setBackground(chart_colour("background"))
        self.returns = _histogram(self.ci, 0, 0, tr("거래 수익률 분포", "Trade return distribution"))
        self.holding = _histogram(self.ci, 0, 1, tr("보유 기간", "Holding time"))
        self.exposure = self.ci.addPlot(row=1, col=0, colspan=2,
                                        axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})  # fmt: skip
        self.exposure.showGrid(x=True, y=True, alpha=0.2)
        self.exposure.setLabel("left", tr("노출 %", "Exposure %"))
        self.exposure.setDownsampling(auto=True, mode="peak")
        self.exposure.setClipToView(True)
        legend_above(self.exposure)
        self.ci.layout.setRowStretchFactor(0, 3)
        self.ci.layout.setRowStretchFactor(1, 2)
        self._panels: RunPanels | None = None
        self._fit = ValueFit(self.exposure, self._exposure_extent)
        self._no_trades = (_message(self.returns, tr("청산된 거래 없음", "No closed trade")),
                           _message(self.holding, tr("청산된 거래 없음", "No closed trade")))  # fmt: skip
        self._no_exposure = _message(self.exposure, tr("캔들이 없어 노출을 알 수 없습니다",
                                                       "Exposure unknown: the run's candles are gone"))  # fmt: skip

    def _exposure_extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        p = self._panels
        if p is None or p.exposure_pct is None:
            return None
        return span_of((0.0, 100.0, p.exposure_pct[visible(p.times, x0, x1)]))

    def _bars(self, plot: pg.PlotItem, bars: Bars) -> None:
        plot.clear()
        axis = plot.getAxis("bottom")
        axis.set_names(bars.ticks)
        plot.setLabel("bottom", bars.x_label)
        if not len(bars.height):
            return
        brushes = [pg.mkBrush(*bar_colour(int(s)), 200) for s in bars.sign]
        plot.addItem(pg.BarGraphItem(x0=bars.left, x1=bars.right, height=bars.height, brushes=brushes,
                                     pen=pg.mkPen(chart_colour("background"), width=0.5)))  # fmt: skip
        top = float(bars.height.max()) if len(bars.height) else 1.0
        plot.setYRange(0.0, max(top, 1.0) * 1.08, padding=0)
        plot.setXRange(float(bars.left.min()), float(bars.right.max()), padding=0.02)

    def show_panels(self, panels: RunPanels | None) -> None:
        self._panels = panels
        self.exposure.clear()
        empty = Bars(np.empty(0), np.empty(0), np.empty(0), np.empty(0))
        self._bars(self.returns, panels.returns if panels is not None else empty)
        self._bars(self.holding, panels.holding if panels is not None else empty)
        no_trades = panels is not None and not (
            panels.returns.height.sum() if len(panels.returns.height) else 0
        )
        for item in self._no_trades:
            item.setVisible(no_trades)
        self._no_exposure.setVisible(panels is not None and panels.exposure_pct is None)
        if panels is None or panels.exposure_pct is None or not len(panels.times):
            return
        x = panels.times
        self.exposure.plot(x, panels.exposure_pct, pen=pg.mkPen(EXPOSURE, width=1.2), fillLevel=0,
                           brush=pg.mkBrush(*EXPOSURE, 70), name=tr("자산 중 코인 비중", "Share of equity in the coin"))  # fmt: skip
        limit_time(self.exposure, x)
        self.exposure.setXRange(float(x[0]), float(x[-1]), padding=0.01)
        self._fit.refit()
