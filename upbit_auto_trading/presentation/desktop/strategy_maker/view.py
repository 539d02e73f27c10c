"""Strategy maker screen (widgets only): the presenter decides, this forwards intent and shows state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.strategy_maker.model import (
    MAX_RULES,
    RULE_SPECS,
    ProblemRow,
    StrategyForm,
    StrategyRow,
    default_rule,
    rule_summary,
)
from upbit_auto_trading.presentation.desktop.strategy_maker.presenter import StrategyMakerPresenter
from upbit_auto_trading.presentation.desktop.strategy_maker.widgets import GroupEditor, RuleEditor


class StrategyMakerWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presenter: StrategyMakerPresenter | None = None
        self._loading = False
        self._rules: list[dict[str, Any]] = []
        self._triggers: list[str] = []
        self._rule_editor: RuleEditor | None = None

        left = self._list_panel()  # built first: the Tab order runs from the list to the form
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._form_panel())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([300, 900])
        QVBoxLayout(self).addWidget(splitter)
        self._connect_intents()

    # ----------------------------------------------------------------- layout
    def _list_panel(self) -> QWidget:
        """Left: the saved strategies, searched, and what can be done with them."""
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("전략 검색", "Search strategies"))
        self.list = QListWidget()
        self.new_button = QPushButton(tr("새 전략", "New"))
        self.duplicate_button = QPushButton(tr("복제", "Duplicate"))
        self.delete_button = QPushButton(tr("삭제", "Delete"))
        self.import_button = QPushButton(tr("가져오기", "Import"))
        self.export_button = QPushButton(tr("내보내기", "Export"))
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(QLabel(tr("저장된 전략", "Saved strategies")))
        lv.addWidget(self.search)
        lv.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.duplicate_button, self.delete_button):
            buttons.addWidget(b)
        lv.addLayout(buttons)
        io = QHBoxLayout()
        io.addWidget(self.import_button)
        io.addWidget(self.export_button)
        lv.addLayout(io)
        return left

    def _form_panel(self) -> QWidget:
        """Right: name and description, entry groups, management rules, sizing and policy, validation."""
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.name = QLineEdit()
        self.description = QLineEdit()
        basics = QFormLayout()
        basics.addRow(tr("이름", "Name"), self.name)
        basics.addRow(tr("설명", "Description"), self.description)

        self.entry = GroupEditor()
        entry_box = QGroupBox(
            tr("진입 전략 (그룹 안 AND, 그룹 사이 OR)", "Entry (AND inside a group, OR between groups)")
        )
        QVBoxLayout(entry_box).addWidget(self.entry)

        form = QWidget()
        fv = QVBoxLayout(form)
        fv.addWidget(self.title)
        fv.addLayout(basics)
        fv.addWidget(entry_box)
        fv.addWidget(self._rules_box())
        fv.addWidget(self._sizing_box())
        fv.addWidget(self._problems_box())
        return form

    def _rules_box(self) -> QGroupBox:
        self.rules = QListWidget()
        self.rules.setMaximumHeight(110)
        self.rule_type = QComboBox()
        for spec in RULE_SPECS:
            self.rule_type.addItem(spec.title, spec.type)
        self.add_rule_button = QPushButton(tr("규칙 추가", "Add rule"))
        self.remove_rule_button = QPushButton(tr("규칙 삭제", "Remove rule"))
        self.up_button = QPushButton("▲")
        self.down_button = QPushButton("▼")
        rule_row = QHBoxLayout()
        for w in (
            self.rule_type,
            self.add_rule_button,
            self.remove_rule_button,
            self.up_button,
            self.down_button,
        ):
            rule_row.addWidget(w)
        rule_row.addStretch(1)
        self.rule_editor_box = QGroupBox(tr("선택한 규칙의 설정", "Selected rule's parameters"))
        self.rule_editor_layout = QVBoxLayout(self.rule_editor_box)
        rules_box = QGroupBox(
            tr(
                f"관리 전략 (최대 {MAX_RULES}개, 위가 우선)",
                f"Management rules (up to {MAX_RULES}, top = priority)",
            )
        )
        rv = QVBoxLayout(rules_box)
        rv.addWidget(self.rules)
        rv.addLayout(rule_row)
        rv.addWidget(self.rule_editor_box)
        return rules_box

    def _sizing_box(self) -> QGroupBox:
        self.sizing_mode = QComboBox()
        self.sizing_mode.addItem(tr("현금 비율 (%)", "Share of cash (%)"), "cash_percent")
        self.sizing_mode.addItem(tr("고정 금액 (KRW)", "Fixed amount (KRW)"), "fixed_amount")
        self.sizing_value = QDoubleSpinBox()
        self.sizing_value.setRange(0, 1e12)
        self.sizing_value.setDecimals(2)
        self.sizing_value.setGroupSeparatorShown(True)
        self.cooldown = QSpinBox()
        self.cooldown.setRange(0, 100000)
        self.cooldown.setSuffix(tr(" 캔들", " candles"))
        self.policy = QComboBox()
        self.policy.addItem(tr("보수적: 청산 우선", "Conservative: exits win"), "conservative")
        self.policy.addItem(tr("우선순위: 위 규칙 우선", "Priority: the higher rule wins"), "priority")
        sizing_box = QGroupBox(tr("매수 크기와 정책", "Position size and policy"))
        sf = QFormLayout(sizing_box)
        sf.addRow(tr("매수 방식", "Sizing"), self.sizing_mode)
        sf.addRow(tr("값", "Value"), self.sizing_value)
        sf.addRow(tr("청산 후 쿨다운", "Cooldown after exit"), self.cooldown)
        sf.addRow(tr("같은 캔들 정책", "Same-candle policy"), self.policy)
        return sizing_box

    def _problems_box(self) -> QGroupBox:
        self.problems = QListWidget()
        self.problems.setMaximumHeight(110)
        self.save_button = QPushButton(tr("저장 (새 버전)  Ctrl+S", "Save (new version)  Ctrl+S"))
        self.status = QLabel()
        problems_box = QGroupBox(tr("검증", "Validation"))
        pv = QVBoxLayout(problems_box)
        pv.addWidget(self.problems)
        save_row = QHBoxLayout()
        save_row.addWidget(self.status, 1)
        save_row.addWidget(self.save_button)
        pv.addLayout(save_row)
        return problems_box

    def _connect_intents(self) -> None:
        """Intent -> presenter; the rule list is edited here and reported as a form change."""
        self.search.textChanged.connect(lambda *_: self._call("search_changed"))
        self.list.currentItemChanged.connect(self._strategy_clicked)
        self.new_button.clicked.connect(lambda: self._call("new_strategy"))
        self.duplicate_button.clicked.connect(lambda: self._call("duplicate"))
        self.delete_button.clicked.connect(lambda: self._call("delete"))
        self.import_button.clicked.connect(lambda: self._call("import_file"))
        self.export_button.clicked.connect(lambda: self._call("export"))
        self.save_button.clicked.connect(lambda: self._call("save"))
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(lambda: self._call("save"))
        for signal in (self.name.textChanged, self.description.textChanged, self.sizing_value.valueChanged,
                       self.cooldown.valueChanged, self.sizing_mode.currentIndexChanged,
                       self.policy.currentIndexChanged):  # fmt: skip
            signal.connect(self._changed)
        self.entry.changed.connect(self._changed)
        self.add_rule_button.clicked.connect(self._add_rule)
        self.remove_rule_button.clicked.connect(self._remove_rule)
        self.up_button.clicked.connect(lambda: self._move_rule(-1))
        self.down_button.clicked.connect(lambda: self._move_rule(1))
        self.rules.currentRowChanged.connect(self._show_rule_editor)

    # ----------------------------------------------------------------- plumbing
    def _call(self, name: str, *args: Any) -> None:
        if self.presenter is not None and not self._loading:
            getattr(self.presenter, name)(*args)

    def _changed(self, *_: Any) -> None:
        self._call("form_changed")

    def _strategy_clicked(self, item: QListWidgetItem | None, *_: Any) -> None:
        if item is not None and not self._loading:
            self._call("strategy_selected", item.data(Qt.ItemDataRole.UserRole))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API: refresh triggers made in another tab
        super().showEvent(event)
        self._call("refresh")

    # ----------------------------------------------------------------- rules
    def _redraw_rules(self, select: int | None = None) -> None:
        self.rules.blockSignals(True)
        self.rules.clear()
        for i, rule in enumerate(self._rules):
            self.rules.addItem(f"{i + 1}. {rule_summary(rule)}")
        self.rules.blockSignals(False)
        if select is not None and 0 <= select < len(self._rules):
            self.rules.setCurrentRow(select)
        else:
            self._show_rule_editor(-1)

    def _add_rule(self) -> None:
        self._rules.append(default_rule(str(self.rule_type.currentData())))
        self._redraw_rules(len(self._rules) - 1)
        self._changed()

    def _remove_rule(self) -> None:
        row = self.rules.currentRow()
        if 0 <= row < len(self._rules):
            del self._rules[row]
            self._redraw_rules(min(row, len(self._rules) - 1))
            self._changed()

    def _move_rule(self, step: int) -> None:
        row = self.rules.currentRow()
        other = row + step
        if 0 <= row < len(self._rules) and 0 <= other < len(self._rules):
            self._rules[row], self._rules[other] = self._rules[other], self._rules[row]
            self._redraw_rules(other)
            self._changed()

    def _show_rule_editor(self, row: int) -> None:
        if self._rule_editor is not None:
            self._rule_editor.setParent(None)
            self._rule_editor.deleteLater()
            self._rule_editor = None
        if 0 <= row < len(self._rules):
            editor = RuleEditor(self._rules[row], self._triggers)
            editor.changed.connect(lambda r=row, e=editor: self._rule_edited(r, e))
            self.rule_editor_layout.addWidget(editor)
            self._rule_editor = editor

    def _rule_edited(self, row: int, editor: RuleEditor) -> None:
        if 0 <= row < len(self._rules):
            self._rules[row] = dict(editor.rule)
            item = self.rules.item(row)
            if item is not None:
                item.setText(f"{row + 1}. {rule_summary(self._rules[row])}")
            self._changed()

    # ----------------------------------------------------------------- StrategyMakerView
    def search_text(self) -> str:
        return self.search.text()

    def show_strategies(self, rows: Sequence[StrategyRow], selected_id: int | None) -> None:
        self._loading = True
        try:
            self.list.clear()
            for row in rows:
                item = QListWidgetItem(f"{row.name}  v{row.version}")
                item.setToolTip(f"{row.summary}\n{tr('수정', 'updated')} {row.updated_at}")
                item.setData(Qt.ItemDataRole.UserRole, row.strategy_id)
                self.list.addItem(item)
                if row.strategy_id == selected_id:
                    self.list.setCurrentItem(item)
        finally:
            self._loading = False

    def show_triggers(self, names: Sequence[str]) -> None:
        self._triggers = list(names)
        self.entry.set_triggers(self._triggers)
        if self._rule_editor is not None and self._rule_editor.groups is not None:
            self._rule_editor.groups.set_triggers(self._triggers)

    def form(self) -> StrategyForm:
        return StrategyForm(
            name=self.name.text(),
            description=self.description.text(),
            entry=self.entry.groups(),
            management=[dict(r) for r in self._rules],
            sizing_mode=str(self.sizing_mode.currentData()),
            sizing_value=float(self.sizing_value.value()),
            cooldown_candles=int(self.cooldown.value()),
            same_candle_policy=str(self.policy.currentData()),
        )

    def show_form(self, form: StrategyForm, title: str) -> None:
        self._loading = True
        try:
            self.title.setText(title)
            self.name.setText(form.name)
            self.description.setText(form.description)
            self.entry.set_groups([list(group) for group in form.entry])
            self._rules = [dict(r) for r in form.management]
            self._redraw_rules(0 if self._rules else None)
            self.sizing_mode.setCurrentIndex(max(0, self.sizing_mode.findData(form.sizing_mode)))
            self.sizing_value.setValue(form.sizing_value)
            self.cooldown.setValue(form.cooldown_candles)
            self.policy.setCurrentIndex(max(0, self.policy.findData(form.same_candle_policy)))
        finally:
            self._loading = False

    def show_problems(self, rows: Sequence[ProblemRow], can_save: bool) -> None:
        self.problems.clear()
        if not rows:
            item = QListWidgetItem(tr("문제 없음: 저장할 수 있습니다", "No problems: ready to save"))
            item.setForeground(QBrush(QColor(30, 130, 60)))
            self.problems.addItem(item)
        for row in rows:
            prefix = tr("경고", "warning") if row.severity == "warning" else tr("오류", "error")
            item = QListWidgetItem(
                f"[{prefix}] {row.field}: {row.message}" if row.field else f"[{prefix}] {row.message}"
            )
            item.setForeground(
                QBrush(QColor(200, 120, 0) if row.severity == "warning" else QColor(200, 30, 30))
            )
            self.problems.addItem(item)
        self.save_button.setEnabled(can_save)

    def set_actions(self, *, can_add_rule: bool, has_saved: bool) -> None:
        self.add_rule_button.setEnabled(can_add_rule)
        self.duplicate_button.setEnabled(has_saved)
        self.delete_button.setEnabled(has_saved)
        self.export_button.setEnabled(has_saved)

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, tr("확인", "Confirm"), question)
        return answer == QMessageBox.StandardButton.Yes

    def ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("전략 가져오기", "Import strategy"), "", "JSON (*.json)"
        )
        return path or None

    def ask_save_path(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("전략 내보내기", "Export strategy"), suggested, "JSON (*.json)"
        )
        return path or None

    def show_error(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("color: rgb(200, 30, 30);")

    def show_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet("")
