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
    QLabel,
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

FORMATS = (
    ("auto", "Detect from the header"),  # shown through tr(): the language is chosen at run time
    ("upbit", "Upbit (REST or older API, KST)"),
    ("cdd", "CryptoDataDownload"),
    ("generic", "Generic OHLCV"),
)
DECIMALS = ((".", "1234.5  ( . )"), (",", "1234,5  ( , )"))
THOUSANDS = (
    ("", "none"),
    (",", "1,234  ( , )"),
    (".", "1.234  ( . )"),
    (" ", "1 234  (space)"),
    ("'", "1'234  ( ' )"),
)


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
            self.format.addItem(
                tr("머리글에서 자동 감지", "Detect from the header") if key == "auto" else label, key
            )
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


class NumberFormatDialog(QDialog):
    """Asks how a file writes its numbers after the importer found one that reads two ways (``1,5``).
    Prefilled with the file's most likely reading; the sample shows what the choice means."""

    def __init__(
        self, file: str, sample: str, decimal: str, thousands: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("숫자 형식", "Number format"))
        form = QFormLayout(self)
        question = QLabel(
            tr(
                f"{file}의 숫자 {sample!r}는 여러 가지로 읽힐 수 있습니다. 소수점과 천 단위 구분 기호를 "
                "골라 주세요.",
                f"The number {sample!r} in {file} can be read more than one way. "
                "Choose the decimal and thousands separators.",
            )
        )
        question.setWordWrap(True)
        form.addRow(question)
        self.decimal = QComboBox()
        for key, label in DECIMALS:
            self.decimal.addItem(label, key)
        self.decimal.setCurrentIndex(max(0, self.decimal.findData(decimal)))
        form.addRow(tr("소수점", "Decimal separator"), self.decimal)
        self.thousands = QComboBox()
        for key, label in THOUSANDS:
            self.thousands.addItem(tr("없음", "none") if not key else label, key)
        self.thousands.setCurrentIndex(max(0, self.thousands.findData(thousands)))
        form.addRow(tr("천 단위 구분", "Thousands separator"), self.thousands)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.error.setVisible(False)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.decimal.currentIndexChanged.connect(self._check)
        self.thousands.currentIndexChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        """The same character cannot be both separators: say so inline and keep OK disabled."""
        same = self.decimal.currentData() == self.thousands.currentData()
        self.error.setText(
            tr("소수점과 천 단위 구분 기호가 같을 수 없습니다.", "The two separators must differ.")
            if same
            else ""
        )
        self.error.setVisible(same)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(not same)

    def choice(self) -> tuple[str, str]:
        """(decimal, thousands); thousands is '' for none."""
        return str(self.decimal.currentData()), str(self.thousands.currentData())


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
