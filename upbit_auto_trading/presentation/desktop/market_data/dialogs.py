"""Import and download dialogs of the market-data screen (widgets only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PyQt6.QtCore import QDate
from PyQt6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.market_data.model import (
    KST,
    DownloadRequest,
    ImportRequest,
    utc_from_kst_date,
)

FORMATS = (("upbit", "Upbit REST (KST)"), ("cdd", "CryptoDataDownload"), ("generic", "Generic OHLCV"))


def _timeframe_combo(current: str | None) -> QComboBox:
    combo = QComboBox()
    combo.addItems(Timeframe.codes())
    combo.setCurrentText(current or "1h")
    return combo


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("CSV 가져오기", "Import CSV"))
        form = QFormLayout(self)
        self.path = QLineEdit()
        browse = QPushButton(tr("찾아보기...", "Browse..."))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form.addRow(tr("파일", "File"), row)
        self.market = QLineEdit("KRW-BTC")
        form.addRow(tr("마켓", "Market"), self.market)
        self.timeframe = _timeframe_combo("1h")
        form.addRow(tr("단위", "Timeframe"), self.timeframe)
        self.format = QComboBox()
        for key, label in FORMATS:
            self.format.addItem(label, key)
        form.addRow(tr("형식", "Format"), self.format)
        self.tz = QLineEdit()
        self.tz.setPlaceholderText(tr("기본값 (Upbit: KST, 그 외: UTC)", "default (Upbit: KST, others: UTC)"))
        form.addRow(tr("시간대", "Time zone"), self.tz)
        self.mapping = QLineEdit()
        self.mapping.setPlaceholderText("time=ts, close=last ...")
        form.addRow(tr("열 매핑 (일반)", "Column map (generic)"), self.mapping)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, tr("캔들 CSV 선택", "Choose a candle CSV"), "", "CSV (*.csv *.csv.gz *.gz);;All files (*)"
        )
        if name:
            self.path.setText(name)

    def request(self) -> ImportRequest | None:
        if not self.path.text().strip():
            return None
        mapping: dict[str, str] = {}
        for item in self.mapping.text().split(","):
            field, sep, column = item.partition("=")
            if sep and field.strip() and column.strip():
                mapping[field.strip()] = column.strip()
        return ImportRequest(
            path=Path(self.path.text().strip()),
            market=self.market.text().strip(),
            timeframe=self.timeframe.currentText(),
            format=str(self.format.currentData()),
            tz=self.tz.text().strip() or None,
            column_map=mapping,
        )


class DownloadDialog(QDialog):
    """Market, timeframe and a KST date range (the end date is included)."""

    def __init__(self, market: str | None, timeframe: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Upbit에서 캔들 받기", "Download candles from Upbit"))
        form = QFormLayout(self)
        self.market = QLineEdit(market or "KRW-BTC")
        form.addRow(tr("마켓", "Market"), self.market)
        self.timeframe = _timeframe_combo(timeframe)
        form.addRow(tr("단위", "Timeframe"), self.timeframe)
        today = datetime.now(KST).date()
        self.start = QDateEdit(QDate(today.year, today.month, today.day).addDays(-7))
        self.start.setCalendarPopup(True)
        self.end = QDateEdit(QDate(today.year, today.month, today.day))
        self.end.setCalendarPopup(True)
        form.addRow(tr("시작일 (KST)", "From (KST)"), self.start)
        form.addRow(tr("종료일 (KST)", "To (KST)"), self.end)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def request(self) -> DownloadRequest:
        s, e = self.start.date(), self.end.date()
        end = utc_from_kst_date(e.year(), e.month(), e.day()) + timedelta(days=1) - timedelta(seconds=1)
        return DownloadRequest(
            market=self.market.text().strip(),
            timeframe=self.timeframe.currentText(),
            start=utc_from_kst_date(s.year(), s.month(), s.day()),
            end=min(end, datetime.now(UTC)),
        )
