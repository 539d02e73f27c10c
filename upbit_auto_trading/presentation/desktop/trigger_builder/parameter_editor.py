"""The parameter editor: a form built from a variable's parameter definitions, with inline errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from upbit_auto_trading.domain.trigger.variables import ParameterType
from upbit_auto_trading.presentation.desktop.trigger_builder.model import ParameterField


class ParameterEditor(QWidget):
    """A form built from parameter definitions: line edits (numbers) and combos (choices)."""

    def __init__(self, on_change: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_change = on_change
        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._editors: dict[str, QLineEdit | QComboBox] = {}
        self._errors: dict[str, QLabel] = {}

    def set_fields(self, fields: Sequence[ParameterField]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        self._editors.clear()
        self._errors.clear()
        for f in fields:
            d = f.definition
            tip = f.help_text
            editor: QLineEdit | QComboBox
            if d.type is ParameterType.ENUM:
                combo = QComboBox()
                combo.addItems(list(d.choices))
                combo.setCurrentText(str(f.value))
                combo.currentTextChanged.connect(lambda _t: self._on_change())
                editor = combo
            else:
                line = QLineEdit(str(f.value))
                line.setPlaceholderText(f.placeholder)
                if d.minimum is not None and d.maximum is not None:
                    tip = f"{tip} ({d.minimum:g} ~ {d.maximum:g})"
                line.textEdited.connect(lambda _t: self._on_change())
                editor = line
            editor.setObjectName(f"param_{d.name}")
            editor.setToolTip(tip)
            error = QLabel("")
            error.setStyleSheet("color: #c0392b;")
            error.hide()
            box = QVBoxLayout()
            box.setSpacing(0)
            box.addWidget(editor)
            box.addWidget(error)
            self._layout.addRow(f.label, box)
            self._editors[d.name] = editor
            self._errors[d.name] = error

    def values(self) -> dict[str, str]:
        return {
            name: (e.currentText() if isinstance(e, QComboBox) else e.text().strip())
            for name, e in self._editors.items()
        }

    def set_value(self, name: str, value: str) -> None:
        editor = self._editors.get(name)
        if isinstance(editor, QComboBox):
            editor.setCurrentText(value)
        elif editor is not None:
            editor.setText(value)

    def set_error(self, name: str, message: str) -> None:
        label = self._errors.get(name)
        if label is not None:
            label.setText(message)
            label.setVisible(bool(message))
