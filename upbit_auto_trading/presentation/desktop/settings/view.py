"""The Settings screen: a list of pages on the left, the chosen page on the right."""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QListWidget, QStackedWidget, QWidget


class SettingsScreen(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = QListWidget(self)
        self.pages.setMaximumWidth(180)
        self.stack = QStackedWidget(self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.stack, 1)
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)

    def add_page(self, title: str, page: QWidget) -> None:
        self.pages.addItem(title)
        self.stack.addWidget(page)

    def show_page(self, title: str) -> bool:
        for row in range(self.pages.count()):
            item = self.pages.item(row)
            if item is not None and item.text() == title:
                self.pages.setCurrentRow(row)
                return True
        return False
