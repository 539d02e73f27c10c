"""The market-data screen's widgets (passive: every decision is the presenter's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.market_data.chart import CandleChart
from upbit_auto_trading.presentation.desktop.market_data.dialogs import (
    DownloadDialog,
    ImportDialog,
    NumberFormatDialog,
)
from upbit_auto_trading.presentation.desktop.market_data.model import (
    DownloadRequest,
    ImportRequest,
    SeriesRow,
)
from upbit_auto_trading.presentation.desktop.qt_checked import (
    cell,
    horizontal_header,
    selected_rows,
    vertical_header,
)

COLUMNS = (
    ("마켓", "Market"),
    ("단위", "TF"),
    ("처음 (KST)", "First (KST)"),
    ("마지막 (KST)", "Last (KST)"),
    ("개수", "Count"),
    ("빈 구간", "Gaps"),
    ("빠진 캔들", "Missing"),
)


class MarketDataScreen(QWidget):
    """Implements ``MarketDataView``. ``set_presenter`` connects the buttons to the presenter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("marketDataScreen")
        self.presenter: Any = None
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(ko, en) for ko, en in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        vertical_header(self.table).setVisible(False)
        horizontal_header(self.table).setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumSize(120, 60)
        self.refresh_button = QPushButton(tr("새로고침", "Refresh"))
        self.import_button = QPushButton(tr("CSV 가져오기...", "Import CSV..."))
        self.download_button = QPushButton(tr("Upbit에서 받기...", "Download..."))
        self.resample_button = QPushButton(tr("리샘플...", "Resample..."))
        self.delete_button = QPushButton(tr("삭제", "Delete"))
        buttons = QHBoxLayout()
        for b in (
            self.refresh_button,
            self.import_button,
            self.download_button,
            self.resample_button,
            self.delete_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status = QLabel("")
        self.status.setMinimumWidth(10)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setMaximumWidth(260)
        self.cancel_button = QPushButton(tr("취소", "Cancel"))
        self.cancel_button.setVisible(False)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table)
        self.table.setMinimumHeight(120)  # header and a few series stay visible however the splitter moves
        self.chart = CandleChart()
        self.chart.setMinimumSize(120, 120)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(left)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        layout.addLayout(status_row)
        self.last_message = ""
        self.last_error = ""
        self.interactive = True  # tests turn message boxes off

    def set_presenter(self, presenter: Any) -> None:
        self.presenter = presenter
        self.refresh_button.clicked.connect(lambda: presenter.refresh())
        self.import_button.clicked.connect(lambda: presenter.on_import())
        self.download_button.clicked.connect(lambda: presenter.on_download())
        self.resample_button.clicked.connect(lambda: presenter.on_resample())
        self.delete_button.clicked.connect(lambda: presenter.on_delete())
        self.cancel_button.clicked.connect(lambda: presenter.on_cancel())
        self.table.itemSelectionChanged.connect(lambda: presenter.on_series_selected())

    # ---- MarketDataView -----------------------------------------------------------------------------------
    def show_series(self, rows: Sequence[SeriesRow]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = (
                r.market,
                r.timeframe,
                r.first_kst,
                r.last_kst,
                f"{r.count:,}",
                "" if r.gaps is None else f"{r.gaps:,}",
                "" if r.missing is None else f"{r.missing:,}",
            )
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if j >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.clearSelection()
        self.table.blockSignals(False)

    def selected_series(self) -> tuple[str, str] | None:
        rows = selected_rows(self.table)
        if not rows:
            return None
        row = rows[0].row()
        return cell(self.table, row, 0).text(), cell(self.table, row, 1).text()

    def select_series(self, market: str, timeframe: str) -> None:
        for i in range(self.table.rowCount()):
            if cell(self.table, i, 0).text() == market and cell(self.table, i, 1).text() == timeframe:
                self.table.selectRow(i)
                return

    def show_chart(self, arrays: CandleArrays) -> None:
        self.chart.set_data(arrays)

    def clear_chart(self) -> None:
        self.chart.clear_data()

    def ask_import(self) -> ImportRequest | None:
        dialog = ImportDialog(self)
        return dialog.request() if dialog.exec() else None

    def ask_number_format(
        self, file: str, sample: str, decimal: str, thousands: str
    ) -> tuple[str, str] | None:
        dialog = NumberFormatDialog(file, sample, decimal, thousands, self)
        return dialog.choice() if dialog.exec() else None

    def ask_download(self, market: str | None, timeframe: str | None) -> DownloadRequest | None:
        dialog = DownloadDialog(market, timeframe, self)
        return dialog.request() if dialog.exec() else None

    def ask_resample_target(self, choices: Sequence[str]) -> str | None:
        value, ok = QInputDialog.getItem(
            self, tr("리샘플", "Resample"), tr("만들 단위:", "Target timeframe:"), list(choices), 0, False
        )
        return value if ok else None

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, tr("확인", "Confirm"), question)
        return answer == QMessageBox.StandardButton.Yes

    def set_busy(
        self, busy: bool, message: str = "", progress: float | None = None, cancellable: bool = False
    ) -> None:
        for b in (self.import_button, self.download_button, self.resample_button, self.delete_button):
            b.setEnabled(not busy)
        self.progress.setVisible(busy)
        if progress is None:
            self.progress.setRange(0, 0)  # indeterminate
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(progress * 1000))
        self.cancel_button.setVisible(busy and cancellable)
        self.status.setText(message if busy else "")

    def show_message(self, text: str) -> None:
        self.last_message = text
        self.status.setText(text.splitlines()[0] if text else "")
        if "\n" in text:
            self._box(QMessageBox.Icon.Information, text)

    def show_error(self, text: str) -> None:
        self.last_error = text
        self.status.setText(text.splitlines()[0] if text else "")
        self._box(QMessageBox.Icon.Warning, text)

    def _box(self, icon: QMessageBox.Icon, text: str) -> None:
        """A window-modal box that does not block (no nested event loop)."""
        if not self.interactive or not self.isVisible():
            return
        box = QMessageBox(icon, tr("시장 데이터", "Market data"), text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
