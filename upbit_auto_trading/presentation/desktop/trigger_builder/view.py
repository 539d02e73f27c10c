"""Trigger builder widgets (passive: every decision is the presenter's)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QBrush, QColor, QStandardItemModel
from PyQt6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.application.trigger.import_triggers import ConflictChoice, TriggerConflict
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import present
from upbit_auto_trading.presentation.desktop.trigger_builder.chart import PreviewChart
from upbit_auto_trading.presentation.desktop.trigger_builder.import_dialog import ask_conflict
from upbit_auto_trading.presentation.desktop.trigger_builder.model import (
    MAIN,
    ParameterField,
    PreviewData,
    PurposeGroup,
    SavedRow,
    VariableItem,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.parameter_editor import ParameterEditor
from upbit_auto_trading.presentation.desktop.trigger_builder.period import period_hint
from upbit_auto_trading.presentation.desktop.trigger_builder.presenter import (
    FormState,
    TriggerBuilderPresenter,
)
from upbit_auto_trading.presentation.desktop.trigger_builder.saved_panel import SavedTriggersPanel

log = logging.getLogger(__name__)

TIMEFRAMES = ["1m", "3m", "5m", "10m", "15m", "30m", "1h", "4h", "1d", "1w", "1M"]
_ROLE = Qt.ItemDataRole.UserRole


class TriggerBuilderWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter: TriggerBuilderPresenter | None = None
        self.relay: Any = None  # bus_relay.ReloadRelay: reloads after a profile switch or restore
        self._quiet = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        # a bound method, not a lambda: PyQt drops the connection with the widget, while a lambda slot could
        # still be called by a pending timeout while the widget was being deleted (a segfault in the tests)
        self._debounce.timeout.connect(self._debounced)
        self._build()

    # ----- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self._build_condition_inputs()
        self._build_trigger_inputs()
        self._build_period_inputs()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._left_panel())
        splitter.addWidget(self._right_panel())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _build_condition_inputs(self) -> None:
        """The variable picker and the condition: parameters, operator, option, what it is compared with."""
        self.variable_tree = QTreeWidget()
        self.variable_tree.setHeaderHidden(True)
        self.variable_tree.setObjectName("variablePicker")
        self.variable_tree.currentItemChanged.connect(self._variable_picked)
        self.help_label = QLabel("")
        self.help_label.setWordWrap(True)
        self.help_label.setObjectName("variableHelp")
        self.params = ParameterEditor(self._changed)

        self.operator_combo = QComboBox()
        self.operator_combo.setObjectName("operator")
        self.operator_combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.option_edit = QLineEdit()
        self.option_edit.setPlaceholderText(tr("~= 허용 % / 연속 N봉", "~= percent / N candles"))
        self.option_edit.textEdited.connect(lambda _t: self._changed())

        self.value_radio = QRadioButton(tr("고정값", "Fixed value"))
        self.variable_radio = QRadioButton(tr("다른 변수", "Another variable"))
        self.value_radio.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.value_radio)
        kinds.addButton(self.variable_radio)
        self.value_radio.toggled.connect(lambda _c: self._changed())
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("targetValue")
        self.value_edit.textEdited.connect(lambda _t: self._changed())
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("targetVariable")
        self.target_combo.currentIndexChanged.connect(self._target_picked)
        self.target_params = ParameterEditor(self._changed)

    def _build_trigger_inputs(self) -> None:
        """Name, description, timeframe, preview market; validation, editing state, Save and New."""
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("triggerName")
        self.name_edit.setPlaceholderText(tr("예: RSI 과매도 반등", "e.g. RSI oversold bounce"))
        self.description_edit = QLineEdit()
        self.timeframe_combo = QComboBox()
        self.timeframe_combo.addItems(TIMEFRAMES)
        self.timeframe_combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.market_combo = QComboBox()
        self.market_combo.setEditable(True)
        self.market_combo.currentTextChanged.connect(lambda _t: self._changed())
        self.validation_label = QLabel("")
        self.validation_label.setWordWrap(True)
        self.validation_label.setObjectName("validation")
        self.validation_label.setStyleSheet("color: #c0392b;")
        self.editing_label = QLabel("")
        self.save_button = QPushButton(tr("저장", "Save"))
        self.save_button.setObjectName("saveTrigger")
        self.save_button.clicked.connect(lambda: self._notify("save"))
        self.new_button = QPushButton(tr("새 트리거", "New"))
        self.new_button.clicked.connect(lambda: self._notify("new_trigger"))

    def _build_period_inputs(self) -> None:
        # the preview period: typed dates are read when the field is left or Enter is pressed, not at
        # every key (a half-typed date is not an error to show)
        self.period_from = QLineEdit()
        self.period_from.setObjectName("previewFrom")
        self.period_to = QLineEdit()
        self.period_to.setObjectName("previewTo")
        for edit in (self.period_from, self.period_to):
            edit.setPlaceholderText("YYYY-MM-DD")
            edit.setToolTip(period_hint())
            edit.setMaximumWidth(96)
            edit.editingFinished.connect(self._period_edited)
        self.latest_button = QPushButton(tr("최근", "Latest"))
        self.latest_button.setObjectName("previewLatest")
        self.latest_button.setToolTip(period_hint())
        self.latest_button.clicked.connect(lambda: self._notify("latest_period"))
        self._period_typed = ("", "")

    def _condition_box(self) -> QGroupBox:
        condition = QGroupBox(tr("조건", "Condition"))
        form = QFormLayout(condition)
        form.addRow(tr("변수 파라미터", "Parameters"), self.params)
        form.addRow(tr("연산자", "Operator"), self.operator_combo)
        form.addRow(tr("옵션", "Option"), self.option_edit)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.value_radio)
        kind_row.addWidget(self.variable_radio)
        form.addRow(tr("비교 대상", "Compare with"), kind_row)
        form.addRow(tr("값", "Value"), self.value_edit)
        form.addRow(tr("대상 변수", "Target variable"), self.target_combo)
        form.addRow(tr("대상 파라미터", "Target parameters"), self.target_params)
        form.addRow(tr("이름", "Name"), self.name_edit)
        form.addRow(tr("설명", "Description"), self.description_edit)
        form.addRow(tr("타임프레임", "Timeframe"), self.timeframe_combo)
        form.addRow(tr("미리보기 마켓", "Preview market"), self.market_combo)
        return condition

    def _left_panel(self) -> QWidget:
        """Variables by purpose, their help, the condition form, validation and the buttons."""
        condition = self._condition_box()
        buttons = QHBoxLayout()
        buttons.addWidget(self.editing_label, 1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel(tr("변수 (용도별)", "Variables (by purpose)")))
        left_layout.addWidget(self.variable_tree, 2)
        left_layout.addWidget(self.help_label)
        left_layout.addWidget(condition, 3)
        left_layout.addWidget(self.validation_label)
        left_layout.addLayout(buttons)
        return left

    def _right_panel(self) -> QWidget:
        """The preview chart under one header line (which candles, the period), and the saved triggers."""
        self.chart = PreviewChart()
        self.busy_label = QLabel("")
        self.preview_caption = QLabel("")  # which candles the preview shows (and "4h resampled from 1h")
        self.preview_caption.setObjectName("previewCaption")
        # a long caption is cut, not a reason to widen the panel (the splitter would squeeze the form)
        self.preview_caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.saved_panel = SavedTriggersPanel(self._notify)
        self.search_edit = self.saved_panel.search_edit
        self.saved_list = self.saved_panel.saved_list
        right = QWidget()
        right_layout = QVBoxLayout(right)
        # one line above the chart: which candles are shown, and the period to show (no extra height)
        header = QHBoxLayout()
        header.addWidget(self.preview_caption, 1)
        header.addWidget(self.busy_label)
        header.addWidget(QLabel(tr("기간 (UTC)", "Period (UTC)")))
        header.addWidget(self.period_from)
        header.addWidget(QLabel("~"))
        header.addWidget(self.period_to)
        header.addWidget(self.latest_button)
        right_layout.addLayout(header)
        right_layout.addWidget(self.chart, 3)
        right_layout.addWidget(self.saved_panel, 1)
        return right

    # ----- intent -> presenter --------------------------------------------------------------------
    def _notify(self, action: str, *args: Any) -> None:
        if self.presenter is not None and not self._quiet:
            getattr(self.presenter, action)(*args)

    def _debounced(self) -> None:
        self._notify("form_changed")

    def _changed(self) -> None:
        if not self._quiet:
            self._debounce.start()

    def _period_edited(self) -> None:
        typed = self.preview_period()
        if typed != self._period_typed:  # leaving the field unchanged is not a change
            self._period_typed = typed
            self._changed()

    def _variable_picked(self, current: QTreeWidgetItem | None, _previous: Any = None) -> None:
        vid = current.data(0, _ROLE) if current is not None else None
        if vid:
            self._notify("variable_changed", vid)

    def _target_picked(self, _index: int) -> None:
        vid = self.target_combo.currentData(_ROLE)
        if vid:
            self._notify("target_variable_changed", vid)

    # ----- presenter -> view (the TriggerBuilderView protocol) -----------------------------------
    def show_variables(self, groups: Sequence[PurposeGroup]) -> None:
        self._quiet = True
        self.variable_tree.clear()
        for group in groups:
            parent = QTreeWidgetItem([group.label])
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.variable_tree.addTopLevelItem(parent)
            for v in group.variables:
                child = QTreeWidgetItem([v.label])
                child.setData(0, _ROLE, v.variable_id)
                child.setToolTip(0, v.help_text)
                parent.addChild(child)
            parent.setExpanded(True)
        self._quiet = False

    def show_target_variables(self, items: Sequence[VariableItem]) -> None:
        self._quiet = True
        current = self.target_combo.currentData(_ROLE)
        self.target_combo.clear()
        self.target_combo.addItem(tr("(선택)", "(choose)"), "")
        model = self.target_combo.model()
        if not isinstance(model, QStandardItemModel):  # a combo box's own model is one
            raise TypeError("the target combo box needs its standard item model")
        for v in items:
            self.target_combo.addItem(v.label, v.variable_id)
            row = self.target_combo.count() - 1
            item = present(model.item(row), "target item")
            if not v.enabled:
                item.setEnabled(False)
                item.setToolTip(v.reason)
                item.setForeground(QBrush(QColor("#999")))
            else:
                item.setToolTip(v.help_text)
        index = self.target_combo.findData(current, _ROLE)
        self.target_combo.setCurrentIndex(max(index, 0))
        self._quiet = False

    def show_operators(self, items: Sequence[tuple[str, str]]) -> None:
        self._quiet = True
        self.operator_combo.clear()
        for value, label in items:
            self.operator_combo.addItem(label, value)
        self._quiet = False

    def show_markets(self, markets: Sequence[str], selected: str) -> None:
        self._quiet = True
        self.market_combo.clear()
        self.market_combo.addItems(list(markets))
        self.market_combo.setCurrentText(selected)
        self._quiet = False

    def show_parameters(self, side: str, fields: Sequence[ParameterField]) -> None:
        self._quiet = True
        (self.params if side == MAIN else self.target_params).set_fields(fields)
        self._quiet = False

    def set_parameter_error(self, side: str, name: str, message: str) -> None:
        (self.params if side == MAIN else self.target_params).set_error(name, message)

    def show_help(self, text: str) -> None:
        self.help_label.setText(text)

    def set_value_hint(self, text: str) -> None:
        self.value_edit.setPlaceholderText(text)
        self.value_edit.setToolTip(text)

    def form(self) -> FormState:
        item = self.variable_tree.currentItem()
        return FormState(
            name=self.name_edit.text().strip(),
            description=self.description_edit.text().strip(),
            timeframe=self.timeframe_combo.currentText(),
            market=self.market_combo.currentText().strip(),
            variable_id=(item.data(0, _ROLE) if item is not None else None) or "RSI",
            params=self.params.values(),
            operator=self.operator_combo.currentData(_ROLE) or "gt",
            target_kind="variable" if self.variable_radio.isChecked() else "value",
            value=self.value_edit.text().strip(),
            target_variable_id=self.target_combo.currentData(_ROLE) or "",
            target_params=self.target_params.values(),
            option=self.option_edit.text().strip(),
        )

    def set_form(self, state: FormState) -> None:
        self._quiet = True
        self.name_edit.setText(state.name)
        self.description_edit.setText(state.description)
        self.timeframe_combo.setCurrentText(state.timeframe)
        if state.market:
            self.market_combo.setCurrentText(state.market)
        for i in range(self.variable_tree.topLevelItemCount()):
            parent = present(self.variable_tree.topLevelItem(i), "variable group")
            for j in range(parent.childCount()):
                child = parent.child(j)
                if child is not None and child.data(0, _ROLE) == state.variable_id:
                    self.variable_tree.setCurrentItem(child)
        for name, value in state.params.items():
            self.params.set_value(name, value)
        self.operator_combo.setCurrentIndex(max(self.operator_combo.findData(state.operator, _ROLE), 0))
        (self.variable_radio if state.target_kind == "variable" else self.value_radio).setChecked(True)
        self.value_edit.setText(state.value)
        self.target_combo.setCurrentIndex(max(self.target_combo.findData(state.target_variable_id, _ROLE), 0))
        for name, value in state.target_params.items():
            self.target_params.set_value(name, value)
        self.option_edit.setText(state.option)
        self._quiet = False

    def show_validation(self, message: str) -> None:
        self.validation_label.setText(message)

    def show_preview(self, data: PreviewData | None, message: str = "") -> None:
        if data is None:
            self.chart.clear(message)
            self.preview_caption.setText("")
        else:
            self.chart.show_data(data, message)
            self.preview_caption.setText(data.caption)
        self.preview_caption.setToolTip(self.preview_caption.text())

    def preview_period(self) -> tuple[str, str]:
        return self.period_from.text().strip(), self.period_to.text().strip()

    def set_preview_period(self, start: str, end: str) -> None:
        self.period_from.setText(start)
        self.period_to.setText(end)
        self._period_typed = self.preview_period()

    def set_busy(self, busy: bool) -> None:
        self.busy_label.setText(tr("계산 중...", "Computing...") if busy else "")

    def show_saved(self, rows: Sequence[SavedRow], selected: str | None) -> None:
        self.saved_panel.show_saved(rows, selected)

    def selected_saved(self) -> str | None:
        return self.saved_panel.selected_saved()

    def search_text(self) -> str:
        return self.search_edit.text()

    def set_editing(self, name: str | None) -> None:
        self.editing_label.setText(
            tr(f"편집 중: {name}", f"Editing: {name}") if name else tr("새 트리거", "New trigger")
        )

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, tr("확인", "Confirm"), question)
        return answer == QMessageBox.StandardButton.Yes

    def ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("트리거 가져오기", "Import triggers"), "", "JSON (*.json)"
        )
        return path or None

    def ask_import_conflict(self, conflict: TriggerConflict) -> tuple[ConflictChoice, bool] | None:
        return ask_conflict(self, conflict, self.presenter.catalogue if self.presenter is not None else None)

    def ask_save_path(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("트리거 내보내기", "Export triggers"), suggested, "JSON (*.json)"
        )
        return path or None

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, tr("트리거 빌더", "Trigger builder"), message)

    def show_info(self, message: str) -> None:
        QMessageBox.information(self, tr("트리거 빌더", "Trigger builder"), message)
