"""The saved-trigger panel: search box, list and its actions (widgets only; intents go to the presenter)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trigger_builder.model import SavedRow

_ROLE = Qt.ItemDataRole.UserRole

ACTIONS = (  # (Korean, English, presenter method)
    ("편집", "Edit", "saved_selected"),
    ("복제", "Duplicate", "duplicate"),
    ("삭제", "Delete", "delete"),
    ("내보내기", "Export", "export"),
    ("가져오기", "Import", "import_"),
)


class SavedTriggersPanel(QWidget):
    """``notify(action)`` forwards a button or a double-click to the presenter method of that name."""

    def __init__(self, notify: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("검색", "Search"))
        self.search_edit.setObjectName("triggerSearch")
        self.search_edit.textEdited.connect(lambda _t: notify("search_changed"))
        self.saved_list = QListWidget()
        self.saved_list.setObjectName("savedTriggers")
        self.saved_list.itemDoubleClicked.connect(lambda _i: notify("saved_selected"))
        buttons = QHBoxLayout()
        for korean, english, action in ACTIONS:
            button = QPushButton(tr(korean, english))
            button.setObjectName(f"saved_{action}")
            button.clicked.connect(lambda _c=False, a=action: notify(a))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("저장된 트리거", "Saved triggers")))
        layout.addWidget(self.search_edit)
        layout.addWidget(self.saved_list, 1)
        layout.addLayout(buttons)

    def show_saved(self, rows: Sequence[SavedRow], selected: str | None) -> None:
        self.saved_list.clear()
        for row in rows:
            item = QListWidgetItem(f"{row.name}  [{row.timeframe}]  {row.summary}")
            item.setData(_ROLE, row.name)
            self.saved_list.addItem(item)
            if row.name == selected:
                self.saved_list.setCurrentItem(item)

    def selected_saved(self) -> str | None:
        item = self.saved_list.currentItem()
        return item.data(_ROLE) if item is not None else None
