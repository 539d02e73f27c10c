"""The panels of the long tasks (widgets only): fill sensitivity and Monte Carlo, each with its Run button,
progress bar and Cancel; and the task line the report export shows in the screen's header."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.application.analysis.monte_carlo import MAX_PATHS
from upbit_auto_trading.presentation.desktop.analysis.model import TaskState
from upbit_auto_trading.presentation.desktop.analysis.monte_carlo_panel import (
    DEFAULT_LOSS_PCT,
    DEFAULT_PATHS,
    MonteCarloPanel,
)
from upbit_auto_trading.presentation.desktop.analysis.sensitivity_panel import SensitivityPanel
from upbit_auto_trading.presentation.desktop.analysis.tables import figures_table, fill_table
from upbit_auto_trading.presentation.desktop.i18n import tr


def muted(label: QLabel) -> QLabel:
    """Secondary text in the theme's grey (the placeholder text colour: readable on light and dark)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class TaskLine(QWidget):
    """[Run] [Cancel] [progress] state: Run while idle, Cancel while running."""

    def __init__(self, run_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_button = QPushButton(run_text)
        self.cancel_button = QPushButton(tr("취소", "Cancel"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(160)
        self.state = QLabel()
        self.state.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.run_button, self.cancel_button, self.progress):
            row.addWidget(w)
        row.addWidget(self.state, 1)
        self.set_state(TaskState(), can_run=False)

    def set_state(self, state: TaskState, *, can_run: bool) -> None:
        self.run_button.setEnabled(can_run and not state.running)
        self.cancel_button.setEnabled(state.running)
        self.progress.setVisible(state.running)
        if state.fraction is None:
            self.progress.setRange(0, 0)  # busy, without a measure
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(state.fraction * 1000))
        self.state.setText(state.text)


def _wrapped(is_muted: bool = False) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return muted(label) if is_muted else label


class SensitivityWidget(QWidget):
    """Stop first, take-profit first and the finer candles' path replay side by side; the warning above them
    when the verdict depends on the optimistic assumption."""

    def __init__(
        self, run: Callable[[], None], cancel: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.run_label = QLabel()
        self.run_label.setStyleSheet("font-weight: bold;")
        about = _wrapped(is_muted=True)
        about.setText(tr(
            "한 캔들의 고가와 저가 사이에 손절가와 익절가가 모두 있으면 어느 쪽이 먼저 닿았는지 캔들은 말해주지 "
            "않습니다. 같은 실행을 손절 우선, 익절 우선으로, 그리고 더 작은 캔들이 있으면 그 경로를 따라 다시 "
            "계산해 결과가 이 가정에 얼마나 달려 있는지 보여줍니다.",
            "When a candle's range holds both the stop and a profit level, the candle does not say which came "
            "first. The same run is re-simulated with the stop first, the take-profit first and, when finer "
            "candles of the market cover its period, along their path: how much does the result depend on it?"))  # fmt: skip
        self.task = TaskLine(tr("실행", "Run"))
        self.task.run_button.setToolTip("Ctrl+Shift+F")
        self.task.run_button.clicked.connect(run)
        self.task.cancel_button.clicked.connect(cancel)
        self.warning = _wrapped()
        self.warning.setObjectName("warningBanner")
        self.warning.setVisible(False)
        self.summary = _wrapped()
        self.table = figures_table("sensitivityTable")
        self.notes = _wrapped(is_muted=True)
        layout = QVBoxLayout(self)
        for w in (self.run_label, about, self.task, self.warning, self.summary):
            layout.addWidget(w)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)

    def show_panel(self, panel: SensitivityPanel) -> None:
        self.run_label.setText(tr("실행: ", "Run: ") + panel.run_label if panel.run_label else "")
        self.task.set_state(panel.state, can_run=panel.can_run)
        self.warning.setText(panel.warning)
        self.warning.setVisible(bool(panel.warning))
        self.summary.setText(panel.summary)
        self.notes.setText("\n".join(panel.notes))
        if panel.table is None:
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
        else:
            fill_table(self.table, panel.table)


class MonteCarloWidget(QWidget):
    """Paths and the loss that counts, Run; the bands of final equity, return and drawdown for the trades
    shuffled and bootstrapped, and the probability of that loss."""

    def __init__(
        self, run: Callable[[], None], cancel: Callable[[], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.run_label = QLabel()
        self.run_label.setStyleSheet("font-weight: bold;")
        self.paths = QSpinBox()
        self.paths.setObjectName("monteCarloPaths")
        self.paths.setRange(1, MAX_PATHS)
        self.paths.setSingleStep(500)
        self.paths.setGroupSeparatorShown(True)
        self.paths.setValue(DEFAULT_PATHS)
        self.loss = QDoubleSpinBox()
        self.loss.setObjectName("monteCarloLoss")
        self.loss.setRange(0.5, 100.0)
        self.loss.setDecimals(1)
        self.loss.setSingleStep(5.0)
        self.loss.setSuffix(" %")
        self.loss.setValue(DEFAULT_LOSS_PCT)
        inputs = QHBoxLayout()
        paths_label = QLabel(tr("경로 수 (N)", "Paths (N)"))
        paths_label.setBuddy(self.paths)
        loss_label = QLabel(tr("손실 기준", "Loss of at least"))
        loss_label.setBuddy(self.loss)
        for w in (paths_label, self.paths, loss_label, self.loss):
            inputs.addWidget(w)
        inputs.addStretch(1)
        self.task = TaskLine(tr("실행", "Run"))
        self.task.run_button.setToolTip("Ctrl+Shift+M")
        self.task.run_button.clicked.connect(run)
        self.task.cancel_button.clicked.connect(cancel)
        self.headline = _wrapped()
        self.headline.setStyleSheet("font-weight: bold;")
        self.table = figures_table("monteCarloTable")
        self.notes = _wrapped(is_muted=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.run_label)
        layout.addLayout(inputs)
        layout.addWidget(self.task)
        layout.addWidget(self.headline)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)

    def inputs(self) -> tuple[str, str]:
        return str(self.paths.value()), f"{self.loss.value():g}"

    def show_panel(self, panel: MonteCarloPanel) -> None:
        self.run_label.setText(tr("실행: ", "Run: ") + panel.run_label if panel.run_label else "")
        self.task.set_state(panel.state, can_run=panel.can_run)
        self.headline.setText(panel.headline)
        self.notes.setText("\n".join(panel.notes))
        if panel.table is None:
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
        else:
            fill_table(self.table, panel.table)
