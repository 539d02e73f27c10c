"""Reusable editors of the strategy maker: trigger groups and one management rule's parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.strategy_maker.model import SPECS_BY_TYPE, ParamSpec, groups_of


class GroupEditor(QWidget):
    """Trigger groups: AND inside a group, OR between groups."""

    changed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumHeight(70)
        self.tree.setMaximumHeight(120)
        self.trigger_box = QComboBox()
        self.trigger_box.setMinimumWidth(220)
        self.add_trigger_button = QPushButton(tr("트리거 추가", "Add trigger"))
        self.add_group_button = QPushButton(tr("새 그룹 (OR)", "New group (OR)"))
        self.remove_button = QPushButton(tr("선택 삭제", "Remove"))
        row = QHBoxLayout()
        for w in (self.trigger_box, self.add_trigger_button, self.add_group_button, self.remove_button):
            row.addWidget(w)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addLayout(row)
        self._groups: list[list[str]] = []
        self.add_trigger_button.clicked.connect(self._add_trigger)
        self.add_group_button.clicked.connect(self._add_group)
        self.remove_button.clicked.connect(self._remove)

    def set_triggers(self, names: Sequence[str]) -> None:
        current = self.trigger_box.currentText()
        self.trigger_box.clear()
        self.trigger_box.addItems(list(names))
        if current in names:
            self.trigger_box.setCurrentText(current)

    def set_groups(self, groups: list[list[str]]) -> None:
        self._groups = [list(g) for g in groups]
        self._redraw()

    def groups(self) -> list[list[str]]:
        return [list(g) for g in self._groups]

    def _selected(self) -> tuple[int, int | None] | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        parent = item.parent()
        if parent is None:
            return self.tree.indexOfTopLevelItem(item), None
        return self.tree.indexOfTopLevelItem(parent), parent.indexOfChild(item)

    def _redraw(self, select: tuple[int, int | None] | None = None) -> None:
        self.tree.clear()
        for g, names in enumerate(self._groups):
            head = QTreeWidgetItem([tr(f"그룹 {g + 1} (모두 참: AND)", f"Group {g + 1} (all true: AND)")])
            self.tree.addTopLevelItem(head)
            for name in names:
                head.addChild(QTreeWidgetItem([name]))
            head.setExpanded(True)
            if select == (g, None):
                self.tree.setCurrentItem(head)
            elif select is not None and select[0] == g and select[1] is not None and select[1] < len(names):
                self.tree.setCurrentItem(head.child(select[1]))

    def _add_group(self) -> None:
        self._groups.append([])
        self._add_trigger(group=len(self._groups) - 1)

    def _add_trigger(self, *_: Any, group: int | None = None) -> None:
        name = self.trigger_box.currentText()
        if group is None:
            sel = self._selected()
            group = sel[0] if sel else (len(self._groups) - 1)
        if group < 0:
            self._groups.append([])
            group = 0
        if name:
            self._groups[group].append(name)
        self._redraw((group, None))
        self.changed.emit()

    def _remove(self) -> None:
        sel = self._selected()
        if sel is None:
            return
        g, t = sel
        if t is None:
            del self._groups[g]
        else:
            del self._groups[g][t]
        self._redraw()
        self.changed.emit()


class RuleEditor(QWidget):
    """The parameter editor of one management rule (built from its spec)."""

    changed = pyqtSignal()

    def __init__(self, rule: dict[str, Any], triggers: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rule = dict(rule)
        spec = SPECS_BY_TYPE[str(rule["type"])]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(spec.help)
        hint.setWordWrap(True)
        hint.setObjectName("hintLabel")
        layout.addWidget(hint)
        form = QFormLayout()
        layout.addLayout(form)
        self._inputs: dict[str, tuple[ParamSpec, QDoubleSpinBox | QSpinBox, QCheckBox | None]] = {}
        for p in spec.params:
            box: QDoubleSpinBox | QSpinBox
            if p.kind == "int":
                box = QSpinBox()
                box.setRange(int(p.minimum), int(p.maximum))
            else:
                box = QDoubleSpinBox()
                box.setDecimals(2)
                box.setRange(p.minimum, p.maximum)
            if p.suffix:
                box.setSuffix(f" {p.suffix}")
            value = self.rule.get(p.key)
            initial = float(value) if value is not None else float(p.default or p.minimum)
            if isinstance(box, QSpinBox):
                box.setValue(int(initial))
            else:
                box.setValue(initial)
            check: QCheckBox | None = None
            if p.optional:
                check = QCheckBox()
                check.setChecked(value is not None)
                box.setEnabled(value is not None)
                check.toggled.connect(box.setEnabled)
                check.toggled.connect(lambda *_: self._edited())
                row = QHBoxLayout()
                row.addWidget(check)
                row.addWidget(box, 1)
                form.addRow(p.label, row)
            else:
                form.addRow(p.label, box)
            box.valueChanged.connect(lambda *_: self._edited())
            self._inputs[p.key] = (p, box, check)
        self.groups: GroupEditor | None = None
        if spec.uses_triggers:
            self.groups = GroupEditor()
            self.groups.set_triggers(triggers)
            self.groups.set_groups(groups_of(self.rule))
            self.groups.changed.connect(self._edited)
            layout.addWidget(self.groups)
        layout.addStretch(1)

    def _edited(self) -> None:
        for key, (p, box, check) in self._inputs.items():
            if check is not None and not check.isChecked():
                self.rule[key] = None
            elif p.kind == "int":
                self.rule[key] = int(box.value())
            else:
                v = round(float(box.value()), 4)
                self.rule[key] = int(v) if v == int(v) else v
        if self.groups is not None:
            self.rule["groups"] = [
                {"triggers": [{"name": n, "id": None} for n in g]} for g in self.groups.groups()
            ]
        self.changed.emit()
