"""Analysis screen (widgets only). Left: the stored runs (check 2-8 to compare; the run clicked last is the
one in focus). Right: the run in focus and the export button above sub-tabs: the comparison table (a run over
another period flagged) with the normalised equity curves; equity and drawdowns; calendar returns and rolling
risk; trade distributions and exposure; breakdowns; the metrics card; fill sensitivity; Monte Carlo.

The Robustness section joins as a second page (``robustness.screen.add_robustness_page``).

Shortcuts: F5 refresh, Delete delete the run, Ctrl+E export, Ctrl+L log scale, Ctrl+Shift+F fill
sensitivity, Ctrl+Shift+M Monte Carlo, Esc cancel; Ctrl+Tab / Ctrl+Shift+Tab move between the sub-tabs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.analysis.charts import EquityCharts, RollingCharts, TradesCharts
from upbit_auto_trading.presentation.desktop.analysis.metrics_card import MetricsCard
from upbit_auto_trading.presentation.desktop.analysis.model import ROLLING_WINDOWS, RunPanels, TaskState
from upbit_auto_trading.presentation.desktop.analysis.monte_carlo_panel import MonteCarloPanel
from upbit_auto_trading.presentation.desktop.analysis.presenter import (
    DEFAULT_WINDOW,
    AnalysisPresenter,
    Comparison,
    Curve,
    RunItem,
)
from upbit_auto_trading.presentation.desktop.analysis.sensitivity_panel import SensitivityPanel
from upbit_auto_trading.presentation.desktop.analysis.tables import (
    FLAG_BACKGROUND,
    FLAG_TEXT,
    BreakdownsPanel,
    HeatmapTable,
    MetricsCardTable,
    dark,
    figures_table,
    fill_table,
)
from upbit_auto_trading.presentation.desktop.analysis.task_panels import (
    MonteCarloWidget,
    SensitivityWidget,
    TaskLine,
    muted,
)
from upbit_auto_trading.presentation.desktop.charts.fit import ValueFit, limit_time, span_of, visible
from upbit_auto_trading.presentation.desktop.charts.legend import legend_above
from upbit_auto_trading.presentation.desktop.charts.number_axis import NumberAxis
from upbit_auto_trading.presentation.desktop.charts.time_axis import KstTimeAxis
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import present, vertical_header
from upbit_auto_trading.presentation.desktop.theme import chart_colour

COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (255, 127, 14), (148, 103, 189), (140, 86, 75),
           (227, 119, 194), (23, 190, 207)]  # fmt: skip
TABS = ("compare", "equity", "returns", "trades", "breakdowns", "metrics", "sensitivity", "monte_carlo")


def _tab_titles() -> dict[str, str]:
    return {
        "compare": tr("비교", "Compare"), "equity": tr("자산·낙폭", "Equity"), "returns": tr("수익률", "Returns"),
        "trades": tr("거래", "Trades"), "breakdowns": tr("분해", "Breakdowns"), "metrics": tr("지표", "Metrics"),
        "sensitivity": tr("체결 민감도", "Fill sensitivity"), "monte_carlo": tr("몬테카를로", "Monte Carlo"),
    }  # fmt: skip


def _boxed(*widgets: QWidget, stretch: int = -1, margins: bool = False) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    if not margins:
        layout.setContentsMargins(0, 0, 0, 0)
    for k, w in enumerate(widgets):
        layout.addWidget(w, 1 if k == stretch else 0)
    return box


def outlined_boxes(widget: QWidget) -> None:
    """Fusion outlines a check box in the window colour, darkened: on the dark theme the unchecked boxes
    vanished into the list (and read as black squares elsewhere). A light window colour on ``widget`` gives
    its boxes a visible grey outline."""
    if dark():
        palette = widget.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#9aa0a8"))
        widget.setPalette(palette)


def _notice() -> QLabel:
    label = QLabel()
    label.setObjectName("warningBanner")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


class AnalysisWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter: AnalysisPresenter | None = None
        self._loading = False
        self._report_dir = str(Path.home())
        runs_section = QSplitter(Qt.Orientation.Horizontal)
        runs_section.addWidget(self._build_run_list())
        runs_section.addWidget(self._build_right())
        runs_section.setStretchFactor(1, 1)
        runs_section.setSizes([320, 880])
        self.runs_section = runs_section
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(runs_section)
        self._shortcuts()

    # ------------------------------------------------------------------ layout
    def _build_run_list(self) -> QWidget:
        self.runs = QListWidget()
        self.runs.setObjectName("analysisRuns")
        outlined_boxes(self.runs)
        self.refresh_button = QPushButton(tr("새로고침", "Refresh"))
        self.refresh_button.setToolTip("F5")
        self.delete_button = QPushButton(tr("선택 실행 삭제", "Delete run"))
        self.delete_button.setToolTip("Delete")
        self.error = QLabel()
        self.error.setStyleSheet("color: rgb(200, 30, 30);")
        self.error.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("analysisStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hint = QLabel(tr("클릭한 실행을 분석하고, 체크한 실행(2~8개)을 비교합니다.",
                         "The run clicked is analysed; checked runs (2-8) are compared."))  # fmt: skip
        hint.setWordWrap(True)
        muted(hint)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel(tr("저장된 실행", "Stored runs")))
        lv.addWidget(self.runs, 1)
        lv.addWidget(hint)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.delete_button)
        lv.addLayout(row)
        lv.addWidget(self.error)
        lv.addWidget(self.status)
        self.runs.itemChanged.connect(lambda *_: None if self._loading else self._call("selection_changed"))
        self.runs.currentItemChanged.connect(
            lambda *_: None if self._loading else self._call("selection_changed")
        )
        self.refresh_button.clicked.connect(lambda: self._call("refresh"))
        self.delete_button.clicked.connect(lambda: self._call("delete_current"))
        return left

    def _build_header(self) -> QWidget:
        self.focus_title = QLabel(tr("실행을 고르세요", "Pick a run"))
        self.focus_title.setObjectName("analysisFocus")
        self.focus_title.setStyleSheet("font-weight: bold;")
        self.focus_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = TaskLine("")
        self.busy.run_button.hide()
        self.busy.cancel_button.hide()
        self.busy.progress.setFixedWidth(100)
        self.export_button = QPushButton(tr("보고서 내보내기...", "Export report..."))
        self.export_button.setToolTip(tr("HTML 보고서 (체크한 실행, 또는 선택한 실행) - Ctrl+E",
                                         "HTML report of the checked runs, or the one in focus - Ctrl+E"))  # fmt: skip
        self.export_csv = QCheckBox(tr("+ CSV", "+ CSV"))
        outlined_boxes(self.export_csv)
        self.export_csv.setToolTip(tr("보고서 옆 폴더에 거래와 지표 CSV도 씁니다 (이름-csv)",
                                      "Also write the trades and metrics as CSV, in a folder beside the report "
                                      "(NAME-csv)"))  # fmt: skip
        self.export_task = TaskLine("")
        self.export_task.run_button.hide()
        self.export_task.progress.setFixedWidth(90)
        self.export_task.state.setWordWrap(False)
        self.export_button.clicked.connect(lambda: self._call("export_report"))
        self.export_task.cancel_button.clicked.connect(lambda: self._call("cancel_export"))
        header = QWidget()
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.focus_title, 1)
        row.addWidget(self.busy)
        row.addWidget(self.export_task)
        row.addWidget(self.export_button)
        row.addWidget(self.export_csv)
        return header

    def _build_right(self) -> QWidget:
        self.analysis_notice = _notice()
        self.analysis_notice.setObjectName("analysisNotice")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("analysisTabs")
        self.tabs.setUsesScrollButtons(True)
        titles = _tab_titles()
        pages = {
            "compare": self._build_compare(), "equity": self._build_equity(), "returns": self._build_returns(),
            "trades": self._build_trades(), "breakdowns": self._build_breakdowns(), "metrics": self._build_metrics(),
            "sensitivity": self._build_sensitivity(), "monte_carlo": self._build_monte_carlo(),
        }  # fmt: skip
        for key in TABS:
            self.tabs.addTab(pages[key], titles[key])
        return _boxed(self._build_header(), self.analysis_notice, self.tabs, stretch=2)

    def _build_compare(self) -> QWidget:
        self.table = QTableWidget()
        self.table.setObjectName("comparisonTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        vertical_header(self.table).setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.notice = _notice()  # "the periods differ", above the table
        table_box = _boxed(self.notice, self.table, stretch=1)
        # the same time axis (KST, the year on every label), numbers and navigation as the other charts:
        # wheel and drag move time only, the value axis fits the curves in view
        self.plot = pg.PlotWidget(axisItems={"bottom": KstTimeAxis(), "left": NumberAxis()})
        self.plot.setBackground(chart_colour("background"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("left", tr("자산 (시작 = 1.0)", "Equity (start = 1.0)"))
        legend_above(self.plot.getPlotItem())
        self._curves: list[Curve] = []
        self._fit = ValueFit(self.plot.getPlotItem(), self._extent)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(table_box)
        split.addWidget(self.plot)
        split.setSizes([260, 420])  # up to eight runs (one row each) above the curves
        return split

    def _build_equity(self) -> QWidget:
        self.log_scale = QCheckBox(tr("로그 스케일", "Log scale"))
        outlined_boxes(self.log_scale)
        self.log_scale.setToolTip("Ctrl+L")
        self.equity_charts = EquityCharts()
        self.log_scale.toggled.connect(self.equity_charts.set_log)
        self.drawdowns = figures_table("worstDrawdowns")
        self.drawdowns.setMaximumHeight(7 * (self.fontMetrics().height() + 8) + 8)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("보유 전략(Buy & hold)과 비교, 최악의 낙폭 5개는 음영",
                                "Against buy-and-hold; the five worst drawdowns shaded")))  # fmt: skip
        top.addStretch(1)
        top.addWidget(self.log_scale)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.equity_charts)
        split.addWidget(self.drawdowns)
        split.setStretchFactor(0, 1)
        split.setSizes([440, 150])
        layout.addWidget(split, 1)
        return page

    def _build_returns(self) -> QWidget:
        self.heatmap = HeatmapTable()
        self.rolling_window_box = QComboBox()
        self.rolling_window_box.setObjectName("rollingWindow")
        for days in ROLLING_WINDOWS:
            self.rolling_window_box.addItem(tr(f"{days}일", f"{days} days"), days)
        self.rolling_window_box.setCurrentIndex(ROLLING_WINDOWS.index(DEFAULT_WINDOW))
        self.rolling_window_box.currentIndexChanged.connect(lambda *_: self._call("window_changed"))
        self.rolling_charts = RollingCharts()
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("이동 샤프 지수와 변동성 (1년 = 365일), 기간:",
                                "Rolling Sharpe and volatility (365-day year) over")))  # fmt: skip
        row.addWidget(self.rolling_window_box)
        row.addStretch(1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(tr("월별·연간 수익률 (KST)", "Monthly and yearly returns (KST)")))
        layout.addWidget(self.heatmap)
        layout.addLayout(row)
        layout.addWidget(self.rolling_charts, 1)
        return page

    def _build_trades(self) -> QWidget:
        self.trades_charts = TradesCharts()
        return _boxed(self.trades_charts, stretch=0, margins=True)

    def _build_breakdowns(self) -> QWidget:
        self.breakdowns = BreakdownsPanel()
        return _boxed(self.breakdowns, stretch=0, margins=True)

    def _build_metrics(self) -> QWidget:
        self.card_notice = _notice()
        self.metrics_card = MetricsCardTable()
        return _boxed(self.card_notice, self.metrics_card, stretch=1, margins=True)

    def _build_sensitivity(self) -> QWidget:
        self.sensitivity = SensitivityWidget(
            lambda: self._call("run_sensitivity"), lambda: self._call("cancel_sensitivity")
        )
        return self.sensitivity

    def _build_monte_carlo(self) -> QWidget:
        self.monte_carlo = MonteCarloWidget(
            lambda: self._call("run_monte_carlo"), lambda: self._call("cancel_monte_carlo")
        )
        return self.monte_carlo

    def _shortcuts(self) -> None:
        def key(sequence: str, action: Any, parent: QWidget | None = None) -> QShortcut:
            shortcut = QShortcut(QKeySequence(sequence), parent or self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
            return shortcut

        key("F5", lambda: self._call("refresh"))
        key("Delete", lambda: self._call("delete_current"), self.runs)
        key("Ctrl+E", lambda: self._call("export_report"))
        key("Ctrl+L", self.log_scale.toggle)
        key("Ctrl+Shift+F", lambda: self._run_task("sensitivity", "run_sensitivity"))
        key("Ctrl+Shift+M", lambda: self._run_task("monte_carlo", "run_monte_carlo"))
        key("Escape", lambda: self._call("cancel_all"))

    def _run_task(self, tab: str, name: str) -> None:
        self.show_tab(tab)
        self._call(name)

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TABS.index(key))

    def _call(self, name: str) -> None:
        if self.presenter is not None:
            getattr(self.presenter, name)()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API: runs stored in the backtest tab
        super().showEvent(event)
        self._call("refresh")

    # ------------------------------------------------------------------ AnalysisView: runs and comparison
    def show_runs(self, items: Sequence[RunItem], checked: Sequence[int]) -> None:
        self._loading = True
        try:
            current = self.current_run_id()
            self.runs.clear()
            for it in items:
                item = QListWidgetItem(it.label)
                item.setToolTip(it.label)
                item.setData(Qt.ItemDataRole.UserRole, it.run_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if it.run_id in checked else Qt.CheckState.Unchecked)
                self.runs.addItem(item)
                if it.run_id == current:
                    self.runs.setCurrentItem(item)
        finally:
            self._loading = False

    def checked_run_ids(self) -> list[int]:
        out = []
        for i in range(self.runs.count()):
            item = self.runs.item(i)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def current_run_id(self) -> int | None:
        item = self.runs.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def show_comparison(self, comparison: Comparison) -> None:
        """One row per run, named in the row header (it stays in view while the metrics scroll sideways);
        a flagged run gets a warning icon, its period cell in the warning colour and the reason as tooltip."""
        self.error.setText("")
        self.notice.setText(comparison.notice)
        self.notice.setVisible(bool(comparison.notice))
        table = self.table
        table.clear()
        table.setColumnCount(len(comparison.headers))
        table.setHorizontalHeaderLabels(comparison.headers)
        table.setRowCount(len(comparison.rows))
        icon = present(self.style(), "style").standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, (label, cells, flag) in enumerate(
            zip(comparison.run_labels, comparison.rows, comparison.flags, strict=True)
        ):
            head = QTableWidgetItem(label)
            head.setTextAlignment(left)
            if flag:
                head.setIcon(icon)
                head.setToolTip(flag)
            table.setVerticalHeaderItem(r, head)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(left if c <= comparison.period_column else right)
                if flag:
                    item.setToolTip(flag)
                    if c == comparison.period_column:
                        item.setIcon(icon)
                        item.setBackground(FLAG_BACKGROUND)
                        item.setForeground(FLAG_TEXT)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def flagged_rows(self) -> list[int]:
        """Rows whose run header carries the warning (what a user sees as flagged)."""
        return [
            r
            for r in range(self.table.rowCount())
            if (head := self.table.verticalHeaderItem(r)) is not None and head.toolTip()
        ]

    def _extent(self, x0: float, x1: float) -> tuple[float, float] | None:
        return span_of(c.value[visible(c.time, x0, x1)] for c in self._curves)

    def show_curves(self, curves: Sequence[Curve]) -> None:
        self.plot.clear()
        self._curves = list(curves)
        for k, curve in enumerate(curves):
            self.plot.plot(
                curve.time, curve.value, pen=pg.mkPen(COLOURS[k % len(COLOURS)], width=1.5), name=curve.label
            )
        times = [c.time for c in curves if len(c.time)]
        if times:
            every = np.sort(np.concatenate(times))
            limit_time(self.plot.getPlotItem(), every)
            self.plot.setXRange(float(every[0]), float(every[-1]), padding=0.02)
        self._fit.refit()  # the same time range emits no change: fit the new curves anyway

    def confirm(self, question: str) -> bool:
        return QMessageBox.question(self, tr("확인", "Confirm"), question) == QMessageBox.StandardButton.Yes

    def show_error(self, message: str) -> None:
        self.error.setText(message)

    def show_status(self, message: str) -> None:
        self.status.setText(message)

    # ------------------------------------------------------------------ AnalysisView: the run in focus
    def show_busy(self, state: TaskState) -> None:
        self.busy.set_state(state, can_run=False)

    def show_analysis(self, panels: RunPanels | None) -> None:
        self.focus_title.setText(panels.title if panels is not None else tr("실행을 고르세요", "Pick a run"))
        self.focus_title.setToolTip(panels.title if panels is not None else "")
        notice = panels.notice if panels is not None else ""
        self.analysis_notice.setText(notice)
        self.analysis_notice.setVisible(bool(notice))
        self.equity_charts.show_panels(panels)
        self.rolling_charts.show_panels(panels)
        self.trades_charts.show_panels(panels)
        if panels is None:
            self.heatmap.clear()
            self.heatmap.setRowCount(0)
            self.drawdowns.setRowCount(0)
            self.breakdowns.clear_tables()
            return
        self.heatmap.show_heatmap(panels.heatmap)
        fill_table(self.drawdowns, panels.worst_drawdowns)
        self.breakdowns.show_tables(panels.breakdowns)

    def show_metrics(self, card: MetricsCard) -> None:
        self.card_notice.setText(card.notice)
        self.card_notice.setVisible(bool(card.notice))
        self.metrics_card.show_card(card)
        self.export_button.setEnabled(bool(card.run_ids))

    def rolling_window(self) -> int:
        return int(self.rolling_window_box.currentData() or DEFAULT_WINDOW)

    # ------------------------------------------------------------------ AnalysisView: the long tasks
    def show_sensitivity(self, panel: SensitivityPanel) -> None:
        self.sensitivity.show_panel(panel)

    def show_monte_carlo(self, panel: MonteCarloPanel) -> None:
        self.monte_carlo.show_panel(panel)

    def monte_carlo_inputs(self) -> tuple[str, str]:
        return self.monte_carlo.inputs()

    def ask_report_file(self, suggested_name: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("보고서 내보내기", "Export report"), str(Path(self._report_dir) / suggested_name),
            tr("HTML 보고서 (*.html)", "HTML report (*.html)"),
        )  # fmt: skip
        if path:
            self._report_dir = str(Path(path).parent)
        return path or None

    def export_csv_wanted(self) -> bool:
        return self.export_csv.isChecked()

    def show_export(self, state: TaskState) -> None:
        self.export_task.set_state(state, can_run=False)
        self.export_task.cancel_button.setVisible(state.running)
        card = self.metrics_card.card
        self.export_button.setEnabled(not state.running and card is not None and bool(card.run_ids))
