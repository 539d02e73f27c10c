"""The Trading tab's widgets (passive: every decision is the presenter's)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.application.trading.desk_view import ChartData
from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import (
    horizontal_header,
    selected_rows,
    vertical_header,
)
from upbit_auto_trading.presentation.desktop.trading.chart import TradingChart
from upbit_auto_trading.presentation.desktop.trading.contract import ChainLine, LiveAnswer, LivePrompt
from upbit_auto_trading.presentation.desktop.trading.dialogs import (
    DANGER_QSS,
    ChainDialog,
    DriftDialog,
    EmergencyDialog,
    LiveConfirmDialog,
    ResolveDialog,
)
from upbit_auto_trading.presentation.desktop.trading.model import (
    FILL_HEADERS,
    MODES,
    ORDER_HEADERS,
    POSITION_HEADERS,
    REVIEW_HEADERS,
    SESSION_HEADERS,
    Line,
    StartForm,
    headers,
)
from upbit_auto_trading.presentation.desktop.trading.presenter import TradingPresenter
from upbit_auto_trading.presentation.desktop.trading.reports import DriftView

TONES = {  # readable on the light and the dark theme (text colour only)
    "profit": QColor(210, 50, 50),  # Korean convention: gains red, losses blue
    "loss": QColor(40, 110, 230),
    "warn": QColor(220, 130, 0),
    "danger": QColor(220, 40, 40),
}
TICK_MS = 250
LIVE_QSS = (
    "QLabel { background: #c62828; color: white; font-weight: bold; border-radius: 3px; padding: 1px 8px; }"
)


def _table(head: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(head))
    table.setHorizontalHeaderLabels(list(head))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    vertical_header(table).setVisible(False)
    table.setAlternatingRowColors(True)
    horizontal_header(table).setStretchLastSection(True)
    return table


def fill_lines(table: QTableWidget, lines: Sequence[Line]) -> None:
    """Fill ``table`` keeping the selected row's key selected (a refresh never loses the user's place)."""
    selected = selected_key(table)
    table.setUpdatesEnabled(False)
    table.setRowCount(len(lines))
    for r, line in enumerate(lines):
        for c, text in enumerate(line.cells):
            item = table.item(r, c)
            if item is None:
                item = QTableWidgetItem()
                table.setItem(r, c, item)
            item.setText(text)
            item.setData(Qt.ItemDataRole.UserRole, line.key if c == 0 else None)
            item.setData(Qt.ItemDataRole.UserRole + 1, line.extra if c == 0 else None)
            colour = TONES.get(line.tone)
            item.setForeground(QBrush(colour) if colour is not None else QBrush())
    if selected is not None:
        for r, line in enumerate(lines):
            if line.key == selected:
                table.selectRow(r)
                break
    if lines:
        table.resizeColumnsToContents()  # small tables (at most a few hundred rows): cheap, and never cut off
    table.setUpdatesEnabled(True)


def selected_key(table: QTableWidget) -> str | None:
    rows = selected_rows(table)
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return None if item is None else item.data(Qt.ItemDataRole.UserRole)


def row_extra(table: QTableWidget, row: int) -> dict[str, Any]:
    item = table.item(row, 0)
    data = item.data(Qt.ItemDataRole.UserRole + 1) if item is not None else None
    return data if isinstance(data, dict) else {}


class TradingWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tradingTab")
        self.presenter: TradingPresenter | None = None
        self.dialog: QWidget | None = None  # the dialog open now (tests answer it)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(4)
        outer.addLayout(self._top_row())
        self.banner = QLabel()
        self.banner.setObjectName("tradingBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff3cd; color: #5c4400; padding: 4px; }")
        self.banner.hide()
        outer.addWidget(self.banner)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._sessions_box())
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self._detail_tabs())
        lower.addWidget(self._chart_box())
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)
        lower.setSizes([620, 720])
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([170, 520])
        outer.addWidget(splitter, 1)
        status_row = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("tradingStatus")
        self.status.setWordWrap(True)
        self.live_badge = QLabel("LIVE")
        self.live_badge.setObjectName("tradingLiveBadge")
        self.live_badge.setStyleSheet(LIVE_QSS)
        self.live_badge.hide()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.live_badge)
        outer.addLayout(status_row)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(lambda: self._call("tick"))

    # ----- layout ---------------------------------------------------------------------------------
    def _top_row(self) -> QHBoxLayout:
        box = QGroupBox(tr("새 세션", "New session"))
        form = QHBoxLayout(box)
        left = QFormLayout()
        self.strategy_combo = QComboBox()
        self.strategy_combo.setMinimumWidth(200)
        self.markets_edit = QComboBox()
        self.markets_edit.setEditable(True)
        self.markets_edit.setMinimumWidth(160)
        self.markets_edit.setToolTip(
            tr("여러 시장은 쉼표로: KRW-BTC, KRW-ETH", "Several markets: KRW-BTC, KRW-ETH")
        )
        self.timeframe_combo = QComboBox()
        self.timeframe_combo.setEditable(True)
        self.mode_combo = QComboBox()
        for value, ko, en in MODES:
            self.mode_combo.addItem(tr(ko, en), value)
        self.mode_combo.setCurrentIndex(1)  # paper replay: the safe one to try first
        self.budget_edit = QLineEdit("1,000,000")
        left.addRow(tr("전략", "Strategy"), self.strategy_combo)
        left.addRow(tr("시장", "Markets"), self.markets_edit)
        mid = QFormLayout()
        mid.addRow(tr("타임프레임", "Timeframe"), self.timeframe_combo)
        mid.addRow(tr("모드", "Mode"), self.mode_combo)
        mid.addRow(tr("예산 (원)", "Budget (KRW)"), self.budget_edit)
        right = QFormLayout()
        self.from_edit = QLineEdit()
        self.from_edit.setPlaceholderText("YYYY-MM-DD")
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText("YYYY-MM-DD")
        self.speed_edit = QLineEdit()
        self.speed_edit.setPlaceholderText(tr("150 (ms/캔들)", "150 (ms/candle)"))
        right.addRow(tr("리플레이 시작", "Replay from"), self.from_edit)
        right.addRow(tr("리플레이 끝", "Replay to"), self.to_edit)
        right.addRow(tr("속도", "Speed"), self.speed_edit)
        self.start_button = QPushButton(tr("시작", "Start"))
        self.start_button.setObjectName("tradingStart")
        form.addLayout(left)
        form.addLayout(mid)
        form.addLayout(right)
        form.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        self._mode_changed()

        actions = QGroupBox(tr("세션 제어", "Control"))
        col = QVBoxLayout(actions)
        self.stop_button = QPushButton(tr("중지 (포지션 유지)", "Stop (keep positions)"))
        self.flatten_button = QPushButton(tr("중지 후 전량 매도", "Stop and flatten"))
        self.resume_button = QPushButton(tr("이어서 실행", "Resume"))
        self.drift_button = QPushButton(tr("드리프트 보고서", "Drift report"))
        self.emergency_button = QPushButton(tr("긴급 정지 (Ctrl+Shift+X)", "Emergency stop (Ctrl+Shift+X)"))
        self.emergency_button.setObjectName("emergencyStop")
        self.emergency_button.setStyleSheet(DANGER_QSS)
        row1 = QHBoxLayout()
        row1.addWidget(self.stop_button)
        row1.addWidget(self.flatten_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.resume_button)
        row2.addWidget(self.drift_button)
        col.addLayout(row1)
        col.addLayout(row2)
        col.addWidget(self.emergency_button)

        row = QHBoxLayout()
        row.addWidget(box, 3)
        row.addWidget(actions, 1)
        self.start_button.clicked.connect(lambda: self._call("start_session"))
        self.stop_button.clicked.connect(lambda: self._on_selected_session("stop"))
        self.flatten_button.clicked.connect(lambda: self._on_selected_session("flatten"))
        self.resume_button.clicked.connect(lambda: self._on_selected_session("resume"))
        self.drift_button.clicked.connect(lambda: self._on_selected_session("drift"))
        self.emergency_button.clicked.connect(self.request_emergency_stop)
        return row

    def _sessions_box(self) -> QWidget:
        box = QGroupBox(tr("세션", "Sessions"))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(4, 4, 4, 4)
        self.sessions_table = _table(headers(SESSION_HEADERS))
        self.sessions_table.itemSelectionChanged.connect(self._session_selected)
        layout.addWidget(self.sessions_table)
        return box

    def _detail_tabs(self) -> QWidget:
        self.details = QTabWidget()
        self.positions_table = _table(headers(POSITION_HEADERS))
        self.orders_table = _table(headers(ORDER_HEADERS))
        self.fills_table = _table(headers(FILL_HEADERS))
        self.review_table = _table(headers(REVIEW_HEADERS))
        self.orders_table.cellClicked.connect(lambda r, _c: self._chain_of(self.orders_table, r))
        self.fills_table.cellClicked.connect(lambda r, _c: self._chain_of(self.fills_table, r))
        self.positions_table.cellClicked.connect(self._position_clicked)
        review = QWidget()
        rv = QVBoxLayout(review)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.review_table)
        self.resolve_button = QPushButton(tr("선택 항목 해결...", "Resolve the selected item..."))
        self.resolve_button.clicked.connect(self._resolve_clicked)
        rv.addWidget(self.resolve_button)
        self.details.addTab(self.positions_table, tr("포지션", "Positions"))
        self.details.addTab(self.orders_table, tr("미체결 주문", "Open orders"))
        self.details.addTab(self.fills_table, tr("최근 체결", "Recent fills"))
        self.details.addTab(review, tr("수동 검토", "Manual review"))
        return self.details

    def _chart_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.chart_combo = QComboBox()
        self.chart_combo.activated.connect(self._chart_chosen)
        self.chart = TradingChart()
        self.chart.setMinimumHeight(260)
        layout.addWidget(self.chart_combo)
        layout.addWidget(self.chart, 1)
        return box

    # ----- intents --------------------------------------------------------------------------------
    def _call(self, name: str, *args: Any, **kwargs: Any) -> None:
        if self.presenter is not None:
            getattr(self.presenter, name)(*args, **kwargs)

    def _mode_changed(self, *_: Any) -> None:
        replay = self.mode_combo.currentData() == "replay"
        for edit in (self.from_edit, self.to_edit, self.speed_edit):
            edit.setEnabled(replay)
        live = self.mode_combo.currentData() == "live"
        self.start_button.setText(tr("실거래 시작...", "Start LIVE...") if live else tr("시작", "Start"))
        self.start_button.setStyleSheet(DANGER_QSS if live else "")

    def selected_session(self) -> str | None:
        return selected_key(self.sessions_table)

    def _on_selected_session(self, action: str) -> None:
        sid = self.selected_session()
        if sid is None:
            self.show_error(tr("세션을 먼저 고르세요", "Select a session first"))
            return
        if action == "stop":
            self._call("stop_session", sid, flatten=False)
        elif action == "flatten":
            self._call("stop_session", sid, flatten=True)
        elif action == "resume":
            self._call("resume_session", sid)
        else:
            self._call("show_drift", sid)

    def _session_selected(self) -> None:
        rows = selected_rows(self.sessions_table)
        if rows:
            extra = row_extra(self.sessions_table, rows[0].row())
            key = selected_key(self.sessions_table)
            markets = extra.get("markets") or ()
            if key and markets:
                self._call("select_chart", key, markets[0])

    def _position_clicked(self, row: int, _column: int) -> None:
        extra = row_extra(self.positions_table, row)
        if extra.get("session") and extra.get("market"):
            self._call("select_chart", extra["session"], extra["market"])

    def _chart_chosen(self, index: int) -> None:
        data = self.chart_combo.itemData(index)
        if isinstance(data, tuple):
            self._call("select_chart", data[0], data[1])

    def _chain_of(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is None:
            return
        identifier = item.data(Qt.ItemDataRole.UserRole)
        self._call("show_chain", identifier, row_extra(table, row).get("correlation", ""))

    def _resolve_clicked(self) -> None:
        key = selected_key(self.review_table)
        if key is None:
            self.show_error(tr("해결할 항목을 고르세요", "Select an item to resolve"))
            return
        self._call("resolve_review", int(key))

    def request_emergency_stop(self) -> None:
        self._call("emergency_stop")

    def start_timer(self) -> None:
        """Drain the bus's trading events every 250 ms (the presenter refreshes once per batch)."""
        self._timer.start()

    # ----- TradingView ----------------------------------------------------------------------------
    def show_strategies(self, names: Sequence[str]) -> None:
        current = self.strategy_combo.currentText()
        self.strategy_combo.clear()
        self.strategy_combo.addItems(list(names))
        if current in names:
            self.strategy_combo.setCurrentText(current)

    def show_series(self, markets: Sequence[str], timeframes: Sequence[str]) -> None:
        current = self.markets_edit.currentText()
        self.markets_edit.clear()
        self.markets_edit.addItems(list(markets))
        self.markets_edit.setCurrentText(current or (markets[0] if markets else "KRW-BTC"))
        frame = self.timeframe_combo.currentText()
        self.timeframe_combo.clear()
        self.timeframe_combo.addItems(list(timeframes) or ["1h"])
        self.timeframe_combo.setCurrentText(
            frame or ("1h" if "1h" in timeframes or not timeframes else timeframes[0])
        )

    def form(self) -> StartForm:
        return StartForm(
            strategy=self.strategy_combo.currentText(), markets=self.markets_edit.currentText(),
            timeframe=self.timeframe_combo.currentText(), mode=str(self.mode_combo.currentData()),
            budget=self.budget_edit.text(), replay_from=self.from_edit.text(), replay_to=self.to_edit.text(),
            speed_ms=self.speed_edit.text(),
        )  # fmt: skip

    def set_starting(self, starting: bool) -> None:
        self.start_button.setEnabled(not starting)

    def show_sessions(self, lines: Sequence[Line]) -> None:
        fill_lines(self.sessions_table, lines)

    def show_positions(self, lines: Sequence[Line]) -> None:
        fill_lines(self.positions_table, lines)

    def show_orders(self, lines: Sequence[Line]) -> None:
        fill_lines(self.orders_table, lines)

    def show_fills(self, lines: Sequence[Line]) -> None:
        fill_lines(self.fills_table, lines)

    def show_review(self, lines: Sequence[Line]) -> None:
        fill_lines(self.review_table, lines)
        index = self.details.indexOf(self.review_table.parentWidget())
        title = tr("수동 검토", "Manual review")
        self.details.setTabText(index, f"{title} ({len(lines)})" if lines else title)

    def show_chart_choices(self, choices: Sequence[tuple[str, str]], current: tuple[str, str] | None) -> None:
        blocked = self.chart_combo.blockSignals(True)
        self.chart_combo.clear()
        for sid, market in choices:
            self.chart_combo.addItem(f"{market} · {sid}", (sid, market))
        if current is not None and current in choices:
            self.chart_combo.setCurrentIndex(list(choices).index(current))
        self.chart_combo.blockSignals(blocked)

    def show_chart(self, chart: ChartData | None) -> None:
        self.chart.set_data(chart)

    def show_live(self, running: int) -> None:
        self.live_badge.setVisible(running > 0)
        self.live_badge.setText(f"LIVE ({running})" if running > 1 else "LIVE")

    def show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def show_error(self, text: str) -> None:
        self.status.setText(text)
        box = QMessageBox(QMessageBox.Icon.Warning, tr("실시간 매매", "Trading"), text, parent=self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setObjectName("tradingError")
        self._open(box)

    def _open(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open() if hasattr(dialog, "open") else dialog.show()

    def ask_live_confirmation(self, prompt: LivePrompt, answer: Callable[[LiveAnswer | None], None]) -> None:
        self._open(LiveConfirmDialog(prompt, answer, self))

    def ask_emergency(self, answer: Callable[[bool | None], None]) -> None:
        self._open(EmergencyDialog(answer, self))

    def ask_resolution(self, item: ReviewItem, answer: Callable[[str | None], None]) -> None:
        self._open(ResolveDialog(item, answer, self))

    def show_chain(self, title: str, lines: Sequence[ChainLine]) -> None:
        self._open(ChainDialog(title, lines, self))

    def show_drift(self, view: DriftView) -> None:
        self._open(DriftDialog(view, lambda path: self._call("export_drift", path), self))
