"""Typed access to Qt getters that PyQt6's stubs mark Optional but a built widget always answers.

``statusBar()``, ``menuBar()``, ``horizontalHeader()``, ``style()``, ``QApplication.instance()`` ... are
``X | None`` in the stubs because C++ may hand back a null pointer (before the object exists, after it was
deleted). On the widgets of this app they are there; these helpers say so once, and fail loudly with the
name of what was missing instead of an ``AttributeError`` on ``None`` further down.
"""

from __future__ import annotations

from typing import TypeVar

from PyQt6.QtCore import QModelIndex
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
)

T = TypeVar("T")


def present(value: T | None, what: str) -> T:
    """``value``, known to be there; ``what`` names it in the error if Qt returned None after all."""
    if value is None:
        raise RuntimeError(f"Qt returned no {what}")
    return value


def gui_application() -> QApplication:
    """The running QApplication (not a bare QCoreApplication): themes and styles need the widget one."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("no QApplication is running")
    return app


def horizontal_header(table: QTableView) -> QHeaderView:
    return present(table.horizontalHeader(), "horizontal header")


def vertical_header(table: QTableView) -> QHeaderView:
    return present(table.verticalHeader(), "vertical header")


def cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """A cell this app filled (every row it shows gets an item in each column)."""
    return present(table.item(row, column), f"item in cell ({row}, {column})")


def selected_rows(view: QAbstractItemView) -> list[QModelIndex]:
    """Selected rows (column 0 indexes); none while the view has no model, hence no selection model."""
    selection = view.selectionModel()
    return selection.selectedRows() if selection is not None else []
