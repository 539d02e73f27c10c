"""Backtest screen (widgets only): form, run/cancel with progress, the run queue, charts, fills, metrics,
stored runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.backtest.chart import BacktestChart
from upbit_auto_trading.presentation.desktop.backtest.elided_label import ElidedLabel
from upbit_auto_trading.presentation.desktop.backtest.model import (
    FILL_HEADERS,
    QueueRow,
    ResultView,
    RunForm,
    RunRow,
    SeriesOption,
)
from upbit_auto_trading.presentation.desktop.backtest.presenter import BacktestPresenter
from upbit_auto_trading.presentation.desktop.backtest.queue_panel import QueuePanel
from upbit_auto_trading.presentation.desktop.backtest.runs_table import RunsTable
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import horizontal_header
from upbit_auto_trading.presentation.desktop.series_choice import refill_timeframes, show_stored_range

BOX_MARGINS = (6, 4, 6, 6)
"""Inside the group boxes of the left column: Qt's default 9-11 px each side, over four boxes and the gaps,
cost the stored-runs list two of its rows in the default window."""


def fill_table(table: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table.setSortingEnabled(False)
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c > 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class BacktestWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter: BacktestPresenter | None = None
        self._series: list[SeriesOption] = []

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._left_panel())
        splitter.addWidget(self._result_panel())
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([370, 1000])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)
        self._connect_intents()

    # ----- layout ---------------------------------------------------------------------------------
    def _left_panel(self) -> QWidget:
        """The run settings, Run / Cancel with progress and status, the queue and the stored runs."""
        form_box = self._settings_box()
        self.run_button = QPushButton(tr("실행 (Ctrl+R)", "Run (Ctrl+R)"))
        self.cancel_button = QPushButton(tr("모두 취소", "Cancel all"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.progress.setMaximumHeight(self.progress.minimumSizeHint().height())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.queue = QueuePanel(lambda job_id: self._call("cancel_job", job_id))
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        runs_box = self._runs_box()

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.setSpacing(4)
        lv.addWidget(form_box)
        lv.addLayout(run_row)
        lv.addWidget(self.progress)
        lv.addWidget(self.status)
        lv.addWidget(self.queue)
        lv.addWidget(runs_box, 1)
        return left

    def _settings_box(self) -> QGroupBox:
        self.strategy = QComboBox()
        self.market = QComboBox()
        self.timeframe = QComboBox()
        self.timeframe.setToolTip(tr("타임프레임", "Timeframe"))
        self.timeframe.setAccessibleName(tr("타임프레임", "Timeframe"))
        # the placeholders show what an empty field means: the first / last stored candle's date
        self.start = QLineEdit()
        self.start.setToolTip(tr("YYYY-MM-DD 또는 YYYY-MM-DD HH:MM (UTC). 비우면 처음 저장된 캔들부터",
                                 "YYYY-MM-DD or YYYY-MM-DD HH:MM (UTC); empty: from the first stored candle"))  # fmt: skip
        self.end = QLineEdit()
        self.end.setToolTip(tr("YYYY-MM-DD (그날 끝까지) 또는 YYYY-MM-DD HH:MM (UTC). 비우면 마지막 캔들까지",
                               "YYYY-MM-DD (to the day's end) or YYYY-MM-DD HH:MM (UTC); empty: to the last "
                               "stored candle"))  # fmt: skip
        self.capital = QLineEdit("10,000,000")
        self.fee = QLineEdit("0.05")
        self.fee.setToolTip(tr("체결마다 퍼센트 단위: 0.05 = 0.05 % (업비트 KRW 수수료). 1 %를 넘으면 확인합니다.",
                               "Percent per fill: 0.05 = 0.05 % (Upbit's KRW fee). Above 1 % asks first."))  # fmt: skip
        self.slippage = QLineEdit("0")
        self.slippage.setToolTip(tr("체결마다 퍼센트 단위: 0.1 = 0.1 %. 1 %를 넘으면 확인합니다.",
                                    "Percent per fill: 0.1 = 0.1 %. Above 1 % asks first."))  # fmt: skip
        # one line, no word wrap: a wrapped label's height depends on its width, which the splitter does not
        # pass on, so a long status line below squeezed it and cut its text off
        self.range_hint = ElidedLabel()
        # market and timeframe, and the period's two ends, share a row: the form is short enough that the
        # stored runs below keep room for eight rows in the default window
        series_row = QHBoxLayout()
        series_row.addWidget(self.market, 3)
        series_row.addWidget(self.timeframe, 2)
        period_row = QHBoxLayout()
        period_row.addWidget(self.start, 1)
        tilde = QLabel("~")
        tilde.setContentsMargins(3, 0, 3, 0)
        period_row.addWidget(tilde)
        period_row.addWidget(self.end, 1)
        form_box = QGroupBox(tr("설정", "Settings"))
        form = QFormLayout(form_box)
        form.setContentsMargins(*BOX_MARGINS)
        form.setVerticalSpacing(4)
        form.addRow(tr("전략", "Strategy"), self.strategy)
        form.addRow(tr("시장 / 타임프레임", "Market / timeframe"), series_row)
        form.addRow("", self.range_hint)
        form.addRow(tr("기간 (UTC)", "Period (UTC)"), period_row)
        form.addRow(tr("초기 자본 (KRW)", "Capital (KRW)"), self.capital)
        form.addRow(tr("수수료 (%/체결)", "Fee (% per fill)"), self.fee)
        form.addRow(tr("슬리피지 (%)", "Slippage (%)"), self.slippage)
        return form_box

    def _runs_box(self) -> QGroupBox:
        self.runs = RunsTable()
        self.open_button = QPushButton(tr("열기", "Open"))
        self.delete_button = QPushButton(tr("삭제", "Delete"))
        runs_box = QGroupBox(tr("저장된 실행", "Stored runs"))
        rv = QVBoxLayout(runs_box)
        rv.setContentsMargins(*BOX_MARGINS)
        rv.addWidget(self.runs, 1)
        rb = QHBoxLayout()
        rb.addWidget(self.open_button)
        rb.addWidget(self.delete_button)
        rv.addLayout(rb)
        return runs_box

    def _result_panel(self) -> QWidget:
        """The shown run's title, its warnings, and its chart, trades and metrics in tabs."""
        self.title = QLabel(tr("실행 결과가 여기에 표시됩니다", "Results appear here"))
        self.title.setStyleSheet("font-weight: bold;")
        self.warning_banner = QLabel()  # refused orders: a run must not pass for a clean "0 trades"
        self.warning_banner.setObjectName("warningBanner")
        self.warning_banner.setWordWrap(True)
        self.warning_banner.setVisible(False)
        self.chart = BacktestChart()
        self.fills = QTableWidget()
        self.fills.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.metrics = QTableWidget()
        self.metrics.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.chart, tr("차트", "Chart"))
        self.tabs.addTab(self.fills, tr("거래 내역", "Trades"))
        self.tabs.addTab(self.metrics, tr("성과 지표", "Metrics"))
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.title)
        rl.addWidget(self.warning_banner)
        rl.addWidget(self.tabs, 1)
        return right

    def _connect_intents(self) -> None:
        self.run_button.clicked.connect(lambda: self._call("run"))
        QShortcut(QKeySequence("Ctrl+R"), self).activated.connect(lambda: self._call("run"))
        self.cancel_button.clicked.connect(lambda: self._call("cancel"))
        self.open_button.clicked.connect(lambda: self._call("open_run", self.selected_run_id()))
        self.delete_button.clicked.connect(lambda: self._call("delete_run", self.selected_run_id()))
        self.runs.cellDoubleClicked.connect(lambda *_: self._call("open_run", self.selected_run_id()))
        self.market.currentIndexChanged.connect(self._market_changed)
        self.timeframe.currentIndexChanged.connect(self._timeframe_changed)

    def _call(self, name: str, *args: Any) -> None:
        if self.presenter is not None:
            getattr(self.presenter, name)(*args)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API: strategies saved in another tab
        super().showEvent(event)
        self._call("refresh")

    def _market_changed(self, *_: Any) -> None:
        refill_timeframes(self.timeframe, self._series, self.market.currentText())
        self._timeframe_changed()

    def _timeframe_changed(self, *_: Any) -> None:
        show_stored_range(self._series, self.market.currentText(), self.timeframe.currentText(), self.range_hint,
                          self.start, self.end)  # fmt: skip

    def selected_run_id(self) -> int | None:
        return self.runs.selected_run_id()

    # ------------------------------------------------------------------ BacktestView
    def show_strategies(self, names: Sequence[str]) -> None:
        current = self.strategy.currentText()
        self.strategy.clear()
        self.strategy.addItems(list(names))
        if current in names:
            self.strategy.setCurrentText(current)

    def show_series(self, options: Sequence[SeriesOption]) -> None:
        self._series = list(options)
        current = self.market.currentText()
        markets = sorted({s.market for s in options})
        self.market.blockSignals(True)
        self.market.clear()
        self.market.addItems(markets)
        if current in markets:
            self.market.setCurrentText(current)
        self.market.blockSignals(False)
        self._market_changed()

    def form(self) -> RunForm:
        return RunForm(
            strategy=self.strategy.currentText(),
            market=self.market.currentText(),
            timeframe=self.timeframe.currentText(),
            start=self.start.text(),
            end=self.end.text(),
            capital=self.capital.text(),
            fee_pct=self.fee.text(),
            slippage_pct=self.slippage.text(),
        )

    def set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        # no text: the bar is idle (a stored run is shown), not "0%" of something
        self.progress.setFormat(f"{fraction * 100:.0f}%  {text}" if text else "")

    def show_queue(self, rows: Sequence[QueueRow]) -> None:
        self.queue.show_rows(rows)

    def set_form(self, form: RunForm) -> None:
        """Fill the form with a stored run's settings; a strategy or series no longer stored stays as it
        was (the presenter says so in the status line)."""
        if self.strategy.findText(form.strategy) >= 0:
            self.strategy.setCurrentText(form.strategy)
        if self.market.findText(form.market) >= 0:
            self.market.setCurrentText(form.market)  # refills the timeframes
            if self.timeframe.findText(form.timeframe) >= 0:
                self.timeframe.setCurrentText(form.timeframe)
        self.start.setText(form.start)
        self.end.setText(form.end)
        self.capital.setText(form.capital)
        self.fee.setText(form.fee_pct)
        self.slippage.setText(form.slippage_pct)

    def show_runs(self, rows: Sequence[RunRow]) -> None:
        self.runs.show_rows(rows)

    def show_result(self, result: ResultView) -> None:
        self.title.setText(result.title + (f"  (#{result.run_id})" if result.run_id else ""))
        self.warning_banner.setText("\n".join(result.warnings))
        self.warning_banner.setVisible(bool(result.warnings))
        self.chart.set_result(result)
        fill_table(self.fills, [tr(*h) for h in FILL_HEADERS], result.fills)
        fill_table(self.metrics, [tr("지표", "Metric"), tr("값", "Value")], [list(m) for m in result.metrics])
        horizontal_header(self.metrics).setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("color: rgb(200, 30, 30);")

    def show_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("")

    def confirm(self, question: str) -> bool:
        return QMessageBox.question(self, tr("확인", "Confirm"), question) == QMessageBox.StandardButton.Yes
