"""The analysis screen's tables (widgets only): a plain figures table, the monthly return heatmap, the metrics
card and the five breakdowns. Gains are red and losses blue (the Korean convention the charts follow), in
shades that read on the light and the dark theme."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.presentation.desktop.analysis.metrics_card import MetricsCard
from upbit_auto_trading.presentation.desktop.analysis.model import Heatmap, Table
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import (
    gui_application,
    horizontal_header,
    vertical_header,
)
from upbit_auto_trading.presentation.desktop.theme import current_theme

FLAG_BACKGROUND, FLAG_TEXT = QColor("#fff4ce"), QColor("#5c4300")  # the warning banner's, in both themes
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter
MAX_HEATMAP_ROWS = 10


def dark() -> bool:
    return current_theme(gui_application()) == "dark"


def sign_colour(sign: int) -> QColor | None:
    """Text colour of a gain (+1) or a loss (-1); None for plain text."""
    if sign == 0:
        return None
    if dark():
        return QColor(255, 120, 120) if sign > 0 else QColor(120, 170, 255)
    return QColor(200, 40, 40) if sign > 0 else QColor(30, 90, 200)


def heat_colours(value: float | None, scale: float, base: QColor, text: QColor) -> tuple[QColor, QColor]:
    """(background, text) of a heatmap cell: red for a gain, blue for a loss, stronger the larger the move,
    blended into the table's own background so it reads on either theme."""
    if value is None or value == 0 or not scale > 0:
        return base, text
    strength = min(abs(value) / scale, 1.0)
    alpha = 0.12 + 0.78 * strength
    tint = QColor(200, 40, 40) if value > 0 else QColor(30, 90, 200)
    mixed = QColor(
        round(base.red() + (tint.red() - base.red()) * alpha),
        round(base.green() + (tint.green() - base.green()) * alpha),
        round(base.blue() + (tint.blue() - base.blue()) * alpha),
    )
    ink = QColor("#ffffff") if alpha > 0.5 or base.lightness() < 100 else QColor("#1e1e1e")
    return mixed, ink


def _readonly(table: QTableWidget) -> None:
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.setAlternatingRowColors(False)
    vertical_header(table).setDefaultSectionSize(table.fontMetrics().height() + 8)


def fill_table(table: QTableWidget, data: Table, *, stretch_first: bool = False) -> None:
    """``data`` into ``table``: text columns left, numbers right, gains and losses coloured."""
    table.clear()
    table.clearSpans()
    table.setColumnCount(len(data.headers))
    table.setHorizontalHeaderLabels(data.headers)
    table.setRowCount(len(data.rows))
    vertical_header(table).setVisible(False)
    for r, cells in enumerate(data.rows):
        signs = data.signs[r] if r < len(data.signs) else []
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setTextAlignment(RIGHT if c >= data.numeric_from else LEFT)
            colour = sign_colour(signs[c]) if c < len(signs) else None
            if colour is not None:
                item.setForeground(colour)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    if stretch_first and data.headers:
        horizontal_header(table).setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)


def figures_table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    _readonly(table)
    return table


class HeatmapTable(QTableWidget):
    """Monthly returns: a row per KST year, a column per month and the year's return (bold)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthlyHeatmap")
        _readonly(self)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        horizontal_header(self).setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        horizontal_header(self).setMinimumSectionSize(44)

    def show_heatmap(self, heat: Heatmap) -> None:
        self.clear()
        self.setColumnCount(len(heat.headers))
        self.setHorizontalHeaderLabels(heat.headers)
        self.setRowCount(len(heat.years))
        self.setVerticalHeaderLabels([str(y) for y in heat.years])
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        years = [abs(row[12]) for row in heat.values if row[12] is not None]
        year_scale = max(years, default=0.0)
        for r, (values, texts) in enumerate(zip(heat.values, heat.texts, strict=True)):
            for c, (value, label) in enumerate(zip(values, texts, strict=True)):
                item = QTableWidgetItem(label)
                item.setTextAlignment(CENTRE)
                back, ink = heat_colours(value, year_scale if c == 12 else heat.scale, base, text)
                item.setBackground(back)
                item.setForeground(ink)
                if c == 12:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(r, c, item)
        # every year in view up to ten (then it scrolls): the rolling charts below take the rest
        rows = min(max(len(heat.years), 1), MAX_HEATMAP_ROWS)
        header = horizontal_header(self).sizeHint().height()
        self.setFixedHeight(
            header + rows * vertical_header(self).defaultSectionSize() + 2 * self.frameWidth() + 2
        )


class MetricsCardTable(QTableWidget):
    """The metrics card: a figure per row, named in the row header (it stays in view while the runs scroll
    sideways; its explanation as tooltip), a run per column. A section's row spans the card; settings that
    differ between the runs are bold, a run over another period is flagged."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metricsCard")
        _readonly(self)
        self.card: MetricsCard | None = None

    def show_card(self, card: MetricsCard) -> None:
        self.card = card
        self.clear()
        self.clearSpans()
        columns = len(card.headers)
        self.setColumnCount(columns)
        self.setHorizontalHeaderLabels(card.headers)
        self.setRowCount(len(card.rows))
        section_back = self.palette().color(QPalette.ColorRole.AlternateBase)
        differs = tr("실행마다 다릅니다", "Not the same for every run")
        for r, row in enumerate(card.rows):
            head = QTableWidgetItem(row.label)
            head.setTextAlignment(LEFT)
            head.setToolTip("\n".join(t for t in (row.tip, differs if row.differs else "") if t))
            if row.section or row.differs:
                font = QFont(head.font())
                font.setBold(True)
                head.setFont(font)
            self.setVerticalHeaderItem(r, head)
            if row.section:
                if columns:
                    filler = QTableWidgetItem("")
                    filler.setBackground(section_back)
                    self.setItem(r, 0, filler)
                if columns > 1:
                    self.setSpan(r, 0, 1, columns)
                continue
            for c, value in enumerate(row.values):
                item = QTableWidgetItem(value)
                item.setTextAlignment(RIGHT)
                if row.tip:
                    item.setToolTip(row.tip)
                if row.differs:
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                if row.flagged and row.flagged[c]:
                    item.setBackground(FLAG_BACKGROUND)
                    item.setForeground(FLAG_TEXT)
                    item.setToolTip(tr("다른 실행과 기간이 다릅니다", "Another period than the other runs"))
                self.setItem(r, c, item)
        self.resizeColumnsToContents()

    def value(self, label: str, run_id: int) -> str:
        """The text shown for figure ``label`` of run ``run_id`` (tests, screenshots)."""
        assert self.card is not None
        column = self.card.run_ids.index(run_id)
        for r in range(self.rowCount()):
            head = self.verticalHeaderItem(r)
            if head is not None and head.text() == label:
                item = self.item(r, column)
                return "" if item is None else item.text()
        raise KeyError(label)


class BreakdownsPanel(QSplitter):
    """The five breakdowns side by side: exit reason, entry trigger and weekday on the left; hour and month
    on the right. Each table scrolls on its own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.titles: list[QLabel] = []
        self.tables: list[QTableWidget] = []
        columns = (QSplitter(Qt.Orientation.Vertical), QSplitter(Qt.Orientation.Vertical))
        for k, name in enumerate(("byExitReason", "byEntryTrigger", "byWeekday", "byHour", "byMonth")):
            box = QWidget()
            layout = QVBoxLayout(box)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(2)
            title = QLabel()
            title.setStyleSheet("font-weight: bold;")
            table = figures_table(name)
            table.setToolTip(tr("평균: 거래당 평균 수익률, PF: 손익비 (이익 합 / 손실 합)",
                                "Mean: mean return per trade; PF: profit factor (gross profit / gross loss)"))  # fmt: skip
            layout.addWidget(title)
            layout.addWidget(table, 1)
            self.titles.append(title)
            self.tables.append(table)
            columns[0 if k < 3 else 1].addWidget(box)
        for column in columns:
            column.setChildrenCollapsible(False)
            self.addWidget(column)
        columns[0].setSizes([130, 130, 260])
        columns[1].setSizes([300, 220])

    def show_tables(self, tables: Sequence[tuple[str, Table]]) -> None:
        for (title, data), label, table in zip(tables, self.titles, self.tables, strict=False):
            label.setText(title)
            fill_table(table, data, stretch_first=True)
            if not data.rows:
                table.setRowCount(1)
                table.setSpan(0, 0, 1, max(1, table.columnCount()))
                table.setItem(0, 0, QTableWidgetItem(tr("청산된 거래 없음", "No closed trade")))

    def clear_tables(self) -> None:
        for label, table in zip(self.titles, self.tables, strict=True):
            label.setText("")
            table.clear()
            table.setRowCount(0)
            table.setColumnCount(0)
