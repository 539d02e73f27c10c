"""The Robustness section (widgets only): on the left the study form (strategy, series, period, costs, the
parameters to sweep, sweep or walk-forward options, where it runs), Run / Cancel with progress, and the stored
studies (open, resume, re-run check, delete); on the right the sweep and walk-forward results."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.application.robustness.dto import GRID, OPTUNA, SWEEP, WALK_FORWARD
from upbit_auto_trading.domain.robustness.plateau import OBJECTIVES
from upbit_auto_trading.presentation.desktop.backtest.elided_label import ElidedLabel
from upbit_auto_trading.presentation.desktop.backtest.model import SeriesOption, metric_label
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import selected_rows
from upbit_auto_trading.presentation.desktop.robustness.form import ParameterRow, StudyForm
from upbit_auto_trading.presentation.desktop.robustness.model import (
    STUDY_HEADERS,
    HeatmapView,
    StudyRow,
    SweepView,
    WalkForwardView,
)
from upbit_auto_trading.presentation.desktop.robustness.parameters_table import ParametersTable
from upbit_auto_trading.presentation.desktop.robustness.presenter import RobustnessPresenter
from upbit_auto_trading.presentation.desktop.robustness.results import SweepPage, WalkForwardPage
from upbit_auto_trading.presentation.desktop.robustness.tables import KEY_ROLE, fill, read_only_table
from upbit_auto_trading.presentation.desktop.series_choice import refill_timeframes, show_stored_range

BOX_MARGINS = (6, 4, 6, 6)
MODES = (SWEEP, WALK_FORWARD)


def _row(*widgets: QWidget, stretch: Sequence[int] = ()) -> QHBoxLayout:
    row = QHBoxLayout()
    for k, widget in enumerate(widgets):
        row.addWidget(widget, stretch[k] if k < len(stretch) else 0)
    return row


def _box(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setContentsMargins(*BOX_MARGINS)
    form.setVerticalSpacing(4)
    return box, form


class RobustnessWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter: RobustnessPresenter | None = None
        self._series: list[SeriesOption] = []
        self._resumable: dict[int, bool] = {}
        self._running = False
        self._filling = False
        self.sweep_page = SweepPage(lambda x, y, metric: self._call("heatmap_changed", x, y, metric))
        self.walk_forward_page = WalkForwardPage()
        self.results = QTabWidget()
        self.results.addTab(self.sweep_page, tr("스윕", "Sweep"))
        self.results.addTab(self.walk_forward_page, tr("워크포워드", "Walk-forward"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._left_panel())
        splitter.addWidget(self.results)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([470, 1000])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)
        self._connect_intents()

    # ----- layout ---------------------------------------------------------------------------------
    def _left_panel(self) -> QWidget:
        form = QWidget()
        fv = QVBoxLayout(form)
        fv.setContentsMargins(0, 0, 0, 0)
        fv.setSpacing(4)
        fv.addWidget(self._study_box())
        fv.addWidget(self._parameters_box(), 1)
        fv.addWidget(self._mode_tabs())
        fv.addWidget(self._executor_box())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form)
        self.run_button = QPushButton(tr("스윕 실행", "Run sweep"))
        self.cancel_button = QPushButton(tr("취소", "Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("")
        self.progress.setMaximumHeight(self.progress.minimumSizeHint().height())
        self.status = QLabel()
        self.status.setWordWrap(True)
        top = QWidget()
        tv = QVBoxLayout(top)
        tv.setContentsMargins(0, 0, 0, 0)
        tv.setSpacing(4)
        tv.addWidget(scroll, 1)
        tv.addLayout(_row(self.run_button, self.cancel_button))
        tv.addWidget(self.progress)
        tv.addWidget(self.status)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(top)
        left.addWidget(self._studies_box())
        left.setSizes([760, 160])
        return left

    def _study_box(self) -> QGroupBox:
        self.strategy = QComboBox()
        self.market = QComboBox()
        self.timeframe = QComboBox()
        self.timeframe.setAccessibleName(tr("타임프레임", "Timeframe"))
        self.range_hint = ElidedLabel()
        self.start = QLineEdit()
        self.start.setToolTip(
            tr(
                "YYYY-MM-DD (UTC). 비우면 처음 저장된 캔들부터",
                "YYYY-MM-DD (UTC); empty: from the first stored candle",
            )
        )
        self.end = QLineEdit()
        self.end.setToolTip(
            tr(
                "YYYY-MM-DD (UTC, 그날 끝까지). 비우면 마지막 캔들까지",
                "YYYY-MM-DD (UTC, to the day's end); empty: to the last candle",
            )
        )
        self.capital = QLineEdit("10,000,000")
        self.fee = QLineEdit("0.05")
        self.fee.setToolTip(tr("체결마다 퍼센트: 0.05 = 0.05 %", "Percent per fill: 0.05 = 0.05 %"))
        self.slippage = QLineEdit("0")
        self.slippage.setToolTip(tr("체결마다 퍼센트", "Percent per fill"))
        self.objective = QComboBox()
        for key in OBJECTIVES:
            self.objective.addItem(metric_label(key), key)
        self.objective.setToolTip(
            tr("셀의 순위를 매기는 지표 (높을수록 좋음)", "The metric cells are ranked by (higher is better)")
        )
        tilde = QLabel("~")
        box, form = _box(tr("스터디", "Study"))
        form.addRow(tr("전략", "Strategy"), self.strategy)
        form.addRow(
            tr("시장 / 타임프레임", "Market / timeframe"), _row(self.market, self.timeframe, stretch=(3, 2))
        )
        form.addRow("", self.range_hint)
        form.addRow(tr("기간 (UTC)", "Period (UTC)"), _row(self.start, tilde, self.end, stretch=(1, 0, 1)))
        form.addRow(
            tr("자본 / 수수료 % / 슬리피지 %", "Capital / fee % / slippage %"),
            _row(self.capital, self.fee, self.slippage, stretch=(3, 1, 1)),
        )
        form.addRow(tr("목표 지표", "Objective"), self.objective)
        return box

    def _parameters_box(self) -> QGroupBox:
        self.parameters = ParametersTable(lambda: self._call("parameters_changed"))
        self.parameters.setMinimumHeight(180)
        self.cell_count = QLabel()
        box = QGroupBox(tr("스윕할 파라미터", "Parameters to sweep"))
        v = QVBoxLayout(box)
        v.setContentsMargins(*BOX_MARGINS)
        v.addWidget(self.parameters, 1)
        v.addWidget(self.cell_count)
        return box

    def _mode_tabs(self) -> QTabWidget:
        self.sampler = QComboBox()
        self.sampler.addItem(tr("그리드 (모든 셀)", "Grid (every cell)"), GRID)
        self.sampler.addItem(tr("Optuna (TPE 표본)", "Optuna (TPE sampling)"), OPTUNA)
        self.trials = QSpinBox()
        self.trials.setRange(1, 1_000_000)
        self.trials.setValue(50)
        self.trials.setToolTip(tr("Optuna가 계산할 셀 수", "Cells Optuna evaluates"))
        sweep = QWidget()
        sf = QFormLayout(sweep)
        sf.setContentsMargins(*BOX_MARGINS)
        sf.addRow(tr("표본 추출", "Sampler"), self.sampler)
        sf.addRow(tr("시도 횟수", "Trials"), self.trials)
        self.train = QLineEdit("180d")
        self.train.setToolTip(tr("학습 구간 길이: 180d, 26w, 12h", "Train window length: 180d, 26w, 12h"))
        self.test = QLineEdit("30d")
        self.test.setToolTip(tr("검증 구간 길이", "Test window length"))
        self.anchored = QCheckBox(
            tr(
                "앵커드 (학습 구간이 모두 처음부터 시작)",
                "Anchored (every train window starts at the beginning)",
            )
        )
        self.select = QComboBox()
        self.select.addItem(tr("최고 고원", "Best plateau"), "plateau")
        self.select.addItem(tr("최고 단일 셀", "Best single cell"), "best")
        walk = QWidget()
        wf = QFormLayout(walk)
        wf.setContentsMargins(*BOX_MARGINS)
        wf.addRow(
            tr("학습 / 검증", "Train / test"), _row(self.train, QLabel("/"), self.test, stretch=(1, 0, 1))
        )
        wf.addRow("", self.anchored)
        wf.addRow(tr("구간별 선택", "Choice per window"), self.select)
        self.mode = QTabWidget()
        self.mode.addTab(sweep, tr("파라미터 스윕", "Parameter sweep"))
        self.mode.addTab(walk, tr("워크포워드", "Walk-forward"))
        self._sampler_changed()
        return self.mode

    def _executor_box(self) -> QGroupBox:
        self.workers = QSpinBox()
        self.workers.setRange(0, max(256, (os.cpu_count() or 1) * 4))
        self.workers.setSpecialValueText(tr("자동 (코어마다 하나)", "auto (one per core)"))
        self.workers.setToolTip(
            tr(
                "동시에 계산할 셀 수: 로컬 프로세스 또는 Ray 액터. 1이면 이 프로세스에서",
                "Cells run at once: local processes, or Ray actors; 1 runs them in this process",
            )
        )
        self.ray_address = QLineEdit()
        self.ray_address.setPlaceholderText(
            tr(
                "비우면 로컬 프로세스 · auto · local · ray://head:10001",
                "empty: local processes · auto · local · ray://head:10001",
            )
        )
        self.ray_address.setToolTip(
            tr(
                "Ray 클러스터 주소 (기본값은 설정 > 일반)",
                "Ray cluster address (default in Settings > General)",
            )
        )
        box, form = _box(tr("실행 위치", "Where it runs"))
        form.addRow(tr("작업자", "Workers"), self.workers)
        form.addRow(tr("Ray 주소", "Ray address"), self.ray_address)
        return box

    def _studies_box(self) -> QGroupBox:
        self.studies = read_only_table()
        self.studies.setObjectName("studiesTable")
        self.open_button = QPushButton(tr("열기", "Open"))
        self.resume_button = QPushButton(tr("이어서 실행", "Resume"))
        self.resume_button.setEnabled(False)
        self.rerun_button = QPushButton(tr("재실행 확인", "Re-run check"))
        self.rerun_button.setToolTip(
            tr(
                "저장된 계보로 셀을 다시 계산해 결과가 비트 단위로 같은지 확인합니다",
                "Re-runs the cells from the stored lineage and checks each result is identical, bit for bit",
            )
        )
        self.delete_button = QPushButton(tr("삭제", "Delete"))
        box = QGroupBox(tr("저장된 스터디", "Stored studies"))
        v = QVBoxLayout(box)
        v.setContentsMargins(*BOX_MARGINS)
        v.addWidget(self.studies, 1)
        v.addLayout(_row(self.open_button, self.resume_button, self.rerun_button, self.delete_button))
        return box

    def _connect_intents(self) -> None:
        self.run_button.clicked.connect(lambda: self._call("run"))
        self.cancel_button.clicked.connect(lambda: self._call("cancel"))
        self.open_button.clicked.connect(lambda: self._call("open_study"))
        self.resume_button.clicked.connect(lambda: self._call("resume"))
        self.rerun_button.clicked.connect(lambda: self._call("rerun"))
        self.delete_button.clicked.connect(lambda: self._call("delete_study"))
        self.studies.cellDoubleClicked.connect(lambda *_: self._call("open_study"))
        self.studies.itemSelectionChanged.connect(self._buttons)
        self.strategy.currentIndexChanged.connect(self._strategy_changed)
        self.market.currentIndexChanged.connect(self._market_changed)
        self.timeframe.currentIndexChanged.connect(self._timeframe_changed)
        self.sampler.currentIndexChanged.connect(self._sampler_changed)
        self.mode.currentChanged.connect(self._mode_changed)

    def _call(self, name: str, *args: Any) -> None:
        if self.presenter is not None:
            getattr(self.presenter, name)(*args)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API: strategies and candles change in other tabs
        super().showEvent(event)
        self._call("refresh")

    # ----- small reactions -------------------------------------------------------------------------
    def _strategy_changed(self, *_: Any) -> None:
        if not self._filling:
            self._call("strategy_changed", self.strategy.currentText())

    def _sampler_changed(self, *_: Any) -> None:
        self.trials.setEnabled(self.sampler.currentData() == OPTUNA)

    def _mode_changed(self, *_: Any) -> None:
        sweep = self.mode.currentIndex() == 0
        self.run_button.setText(
            tr("스윕 실행", "Run sweep") if sweep else tr("워크포워드 실행", "Run walk-forward")
        )

    def _market_changed(self, *_: Any) -> None:
        refill_timeframes(self.timeframe, self._series, self.market.currentText())
        self._timeframe_changed()

    def _timeframe_changed(self, *_: Any) -> None:
        show_stored_range(self._series, self.market.currentText(), self.timeframe.currentText(), self.range_hint,
                          self.start, self.end)  # fmt: skip

    def _buttons(self) -> None:
        study = self.selected_study()
        self.resume_button.setEnabled(
            not self._running and study is not None and self._resumable.get(study, False)
        )
        self.rerun_button.setEnabled(not self._running and study is not None)

    def set_ray_default(self, address: str) -> None:
        """The Ray address Settings gives; the field keeps what the user types after."""
        if not self.ray_address.text():
            self.ray_address.setText(address)

    # ------------------------------------------------------------------ RobustnessView
    def show_strategies(self, names: Sequence[str]) -> None:
        current = self.strategy.currentText()
        self._filling = True
        try:
            self.strategy.clear()
            self.strategy.addItems(list(names))
            if current in names:
                self.strategy.setCurrentText(current)
        finally:
            self._filling = False

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

    def show_parameters(self, rows: Sequence[ParameterRow]) -> None:
        self.parameters.show_rows(rows)

    def show_cell_count(self, text: str) -> None:
        self.cell_count.setText(text)

    def form(self) -> StudyForm:
        return StudyForm(
            mode=MODES[self.mode.currentIndex()],
            strategy=self.strategy.currentText(),
            market=self.market.currentText(),
            timeframe=self.timeframe.currentText(),
            start=self.start.text(),
            end=self.end.text(),
            capital=self.capital.text(),
            fee_pct=self.fee.text(),
            slippage_pct=self.slippage.text(),
            parameters=self.parameters.rows(),
            objective=str(self.objective.currentData()),
            sampler=str(self.sampler.currentData()),
            trials=self.trials.value(),
            train=self.train.text(),
            test=self.test.text(),
            anchored=self.anchored.isChecked(),
            select=str(self.select.currentData()),
            workers=self.workers.value(),
            ray_address=self.ray_address.text(),
        )

    def set_form(self, form: StudyForm) -> None:
        """A stored study's settings (its parameters follow through ``show_parameters``)."""
        self._filling = True
        try:
            if self.strategy.findText(form.strategy) >= 0:
                self.strategy.setCurrentText(form.strategy)
            if self.market.findText(form.market) >= 0:
                self.market.setCurrentText(form.market)
                if self.timeframe.findText(form.timeframe) >= 0:
                    self.timeframe.setCurrentText(form.timeframe)
            for edit, text in (
                (self.start, form.start),
                (self.end, form.end),
                (self.capital, form.capital),
                (self.fee, form.fee_pct),
                (self.slippage, form.slippage_pct),
                (self.train, form.train),
                (self.test, form.test),
            ):
                edit.setText(text)
            for combo, data in (
                (self.objective, form.objective),
                (self.sampler, form.sampler),
                (self.select, form.select),
            ):
                index = combo.findData(data)
                if index >= 0:
                    combo.setCurrentIndex(index)
            self.trials.setValue(form.trials)
            self.anchored.setChecked(form.anchored)
            self.mode.setCurrentIndex(MODES.index(form.mode) if form.mode in MODES else 0)
        finally:
            self._filling = False

    def set_running(self, running: bool) -> None:
        self._running = running
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self._buttons()

    def show_progress(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(fraction * 1000))
        self.progress.setFormat(f"{fraction * 100:.0f}%  {text}" if text else "")

    def show_studies(self, rows: Sequence[StudyRow]) -> None:
        selected = self.selected_study()
        self._resumable = {r.study_id: r.resumable for r in rows}
        fill(self.studies, [tr(*h) for h in STUDY_HEADERS], [r.cells for r in rows], right_from=99)
        for k, row in enumerate(rows):
            for c in range(len(row.cells)):
                item = self.studies.item(k, c)
                if item is not None:
                    item.setData(KEY_ROLE, row.study_id)
                    item.setToolTip(row.detail)
            if row.study_id == selected:
                self.studies.selectRow(k)
        self._buttons()

    def selected_study(self) -> int | None:
        rows = selected_rows(self.studies)
        if not rows:
            return None
        item: QTableWidgetItem | None = self.studies.item(rows[0].row(), 0)
        return None if item is None else int(item.data(KEY_ROLE))

    def select_study(self, study_id: int) -> bool:
        for r in range(self.studies.rowCount()):
            item = self.studies.item(r, 0)
            if item is not None and item.data(KEY_ROLE) == study_id:
                self.studies.selectRow(r)
                return True
        return False

    def show_sweep(self, view: SweepView) -> None:
        self.sweep_page.show_sweep(view)
        self.results.setCurrentWidget(self.sweep_page)

    def show_heatmap(self, view: HeatmapView) -> None:
        self.sweep_page.show_heatmap(view)

    def show_walk_forward(self, view: WalkForwardView) -> None:
        self.walk_forward_page.show_walk_forward(view)
        self.results.setCurrentWidget(self.walk_forward_page)

    def show_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("")

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("color: rgb(200, 30, 30);")

    def confirm(self, question: str) -> bool:
        return QMessageBox.question(self, tr("확인", "Confirm"), question) == QMessageBox.StandardButton.Yes
