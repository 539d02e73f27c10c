"""The event monitor dock: widgets only. Intent goes to the presenter; it calls the show_* methods."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from upbit_auto_trading.application.event_bus import EventPriority
from upbit_auto_trading.presentation.desktop.event_monitor.model import (
    ChainRow,
    DeadLetterRow,
    EventRow,
    FailureRow,
    HeldRow,
    StatsSummary,
)
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.qt_checked import horizontal_header, present, vertical_header

if TYPE_CHECKING:
    from upbit_auto_trading.presentation.desktop.event_monitor.presenter import EventMonitorPresenter


def _table(headers: Sequence[str], widths: Sequence[int] | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    vertical_header(table).setVisible(False)
    horizontal_header(table).setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    horizontal_header(table).setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    vertical_header(table).setDefaultSectionSize(22)
    for column, width in enumerate(widths or ()):
        table.setColumnWidth(column, width)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[Any]], keys: Sequence[str] | None = None) -> None:
    table.setUpdatesEnabled(False)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if c == 0 and keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            table.setItem(r, c, item)
    table.setUpdatesEnabled(True)


def _selected_key(table: QTableWidget) -> str | None:
    row = table.currentRow()
    item = table.item(row, 0) if row >= 0 else None
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


class EventMonitorDock(QDockWidget):
    """Implements ``EventMonitorView``. The timer drains the presenter's feed on the GUI thread."""

    REFRESH_MS = 250

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("이벤트 모니터", "Event monitor"), parent)
        self.setObjectName("event_monitor_dock")
        self._presenter: EventMonitorPresenter | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_live(), tr("실시간 이벤트", "Live events"))
        self.tabs.addTab(self._build_queues(), tr("큐 상태", "Queues"))
        self.tabs.addTab(self._build_failures(), tr("처리 실패", "Handler failures"))
        self.tabs.addTab(self._build_dead(), tr("데드 레터", "Dead letters"))
        self.tabs.addTab(self._build_held(), tr("보류된 설정 변경", "Held config changes"))
        self.tabs.addTab(self._build_chain(), tr("이벤트 체인", "Chain"))
        self.setWidget(self.tabs)
        self.timer = QTimer(self)
        self.timer.setInterval(self.REFRESH_MS)

    # ------------------------------------------------------------------ building
    def _build_live(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.priority_combo = QComboBox()
        self.priority_combo.addItem(tr("모든 우선순위", "All priorities"), None)
        for p in EventPriority:
            self.priority_combo.addItem(p.name, p)
        self.type_combo = QComboBox()
        self.type_combo.setEditable(True)
        self.type_combo.setMinimumWidth(180)
        # an editable combo box always has its line edit
        type_edit = present(self.type_combo.lineEdit(), "type filter line edit")
        type_edit.setPlaceholderText(tr("이벤트 유형 필터", "Filter by event type"))
        self.pause_box = QCheckBox(tr("일시 정지", "Pause"))
        self.clear_button = QPushButton(tr("지우기", "Clear"))
        for w in (
            QLabel(tr("우선순위", "Priority")),
            self.priority_combo,
            self.type_combo,
            self.pause_box,
            self.clear_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.events_table = _table(
            [tr("시각(KST)", "Time (KST)"), tr("우선순위", "Priority"), tr("유형", "Type"), tr("출처", "Source"),
             tr("상관 ID", "Correlation"), tr("내용", "Details")],
            [100, 140, 170, 120, 110],
        )  # fmt: skip
        self.events_table.setToolTip(tr("두 번 클릭하면 체인을 봅니다.", "Double-click to follow its chain."))
        layout.addWidget(self.events_table)
        return page

    def _build_queues(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        grid = QGridLayout()
        self.stat_labels: dict[str, QLabel] = {}
        names = [
            ("running", tr("상태", "State")),
            ("throughput", tr("처리량(건/초)", "Throughput (events/s)")),
            ("failures", tr("처리 실패", "Handler failures")),
            ("retries", tr("재시도", "Retries")),
            ("dead", tr("데드 레터", "Dead letters")),
            ("dropped", tr("버린 이벤트", "Dropped events")),
            ("forced", tr("기아 방지 발동", "Anti-starvation picks")),
        ]
        for i, (key, text) in enumerate(names):
            grid.addWidget(QLabel(text), i // 4, (i % 4) * 2)
            label = QLabel("-")
            label.setObjectName(f"stat_{key}")
            self.stat_labels[key] = label
            grid.addWidget(label, i // 4, (i % 4) * 2 + 1)
        layout.addLayout(grid)
        self.queues_table = _table(
            [tr("우선순위", "Priority"), tr("대기/용량", "Queued / capacity"), tr("발행", "Published"),
             tr("전달", "Dispatched"), tr("버림", "Dropped"), tr("병합", "Coalesced")],
            [150, 160, 100, 100, 100],
        )  # fmt: skip
        layout.addWidget(self.queues_table)
        return page

    def _build_failures(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.failures_table = _table(
            [tr("시각(KST)", "Time (KST)"), tr("핸들러", "Handler"), tr("유형", "Type"), tr("시도", "Attempt"),
             tr("최종", "Final"), tr("오류", "Error")],
            [100, 260, 150, 60, 50],
        )  # fmt: skip
        layout.addWidget(self.failures_table)
        return page

    def _build_dead(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.dead_refresh = QPushButton(tr("새로 고침", "Refresh"))
        self.dead_retry = QPushButton(tr("다시 전달", "Retry"))
        self.dead_discard = QPushButton(tr("버리기", "Discard"))
        for b in (self.dead_refresh, self.dead_retry, self.dead_discard):
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.dead_table = _table(
            [tr("시각(KST)", "Time (KST)"), tr("우선순위", "Priority"), tr("유형", "Type"), tr("핸들러", "Handler"),
             tr("시도", "Attempts"), tr("오류", "Error")],
            [150, 140, 150, 240, 70],
        )  # fmt: skip
        layout.addWidget(self.dead_table)
        return page

    def _build_held(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.held_notice = QLabel("")
        self.held_notice.setWordWrap(True)
        layout.addWidget(self.held_notice)
        bar = QHBoxLayout()
        self.held_apply = QPushButton(tr("지금 적용", "Apply"))
        self.held_cancel = QPushButton(tr("취소", "Cancel change"))
        for b in (self.held_apply, self.held_cancel):
            bar.addWidget(b)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.held_table = _table(
            [tr("종류", "Kind"), tr("설명", "Description"), tr("보류 시각(KST)", "Held at (KST)"), tr("상태", "State"),
             tr("오류", "Error")],
            [140, 240, 150, 170],
        )  # fmt: skip
        layout.addWidget(self.held_table)
        return page

    def _build_chain(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.chain_input = QLineEdit()
        self.chain_input.setPlaceholderText(tr("상관 ID 또는 이벤트 ID", "Correlation id or event id"))
        self.chain_button = QPushButton(tr("따라가기", "Follow"))
        bar.addWidget(self.chain_input, 1)
        bar.addWidget(self.chain_button)
        layout.addLayout(bar)
        self.chain_tree = QTreeWidget()
        self.chain_tree.setHeaderLabels(
            [
                tr("유형", "Type"),
                tr("시각(KST)", "Time (KST)"),
                tr("우선순위", "Priority"),
                tr("출처", "Source"),
                "ID",
            ]
        )
        for column, width in enumerate((300, 100, 140, 120)):
            self.chain_tree.setColumnWidth(column, width)
        layout.addWidget(self.chain_tree)
        return page

    # ------------------------------------------------------------------ wiring
    @property
    def presenter(self) -> EventMonitorPresenter | None:
        """The attached presenter (the dock keeps it as long as it lives)."""
        return self._presenter

    def attach(self, presenter: EventMonitorPresenter) -> None:
        self._presenter = presenter
        p = presenter
        self.priority_combo.currentIndexChanged.connect(
            lambda _: p.set_priority_filter(self.priority_combo.currentData())
        )
        self.type_combo.currentTextChanged.connect(p.set_type_filter)
        self.pause_box.toggled.connect(p.set_paused)
        self.clear_button.clicked.connect(lambda: p.clear())
        self.events_table.cellDoubleClicked.connect(self._follow_selected)
        self.dead_refresh.clicked.connect(lambda: p.refresh_dead_letters())
        self.dead_retry.clicked.connect(lambda: self._with_key(self.dead_table, p.retry_dead_letter))
        self.dead_discard.clicked.connect(
            lambda: self._with_key(self.dead_table, p.discard_dead_letter, confirm=True)
        )
        self.held_apply.clicked.connect(lambda: self._with_key(self.held_table, p.apply_pending))
        self.held_cancel.clicked.connect(lambda: self._with_key(self.held_table, p.cancel_held, confirm=True))
        self.chain_button.clicked.connect(lambda: p.follow_event(self.chain_input.text()))
        self.chain_input.returnPressed.connect(lambda: p.follow_event(self.chain_input.text()))
        self.timer.timeout.connect(p.tick)
        self.timer.start()
        p.start()

    def _follow_selected(self, row: int, _column: int) -> None:
        item = self.events_table.item(row, 0)
        if item is not None and self._presenter is not None:
            self.tabs.setCurrentIndex(5)
            self._presenter.follow_event(item.data(Qt.ItemDataRole.UserRole))

    def _with_key(self, table: QTableWidget, action: Any, confirm: bool = False) -> None:
        key = _selected_key(table)
        if key is None:
            self.show_info(tr("먼저 목록에서 항목을 고르세요.", "Select a row first."))
            return
        if confirm and not self.confirm(
            tr("정말 버릴까요? 되돌릴 수 없습니다.", "Discard it? This cannot be undone.")
        ):
            return
        action(key)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt name
        self.timer.stop()
        super().closeEvent(event)

    # ------------------------------------------------------------------ EventMonitorView
    def show_events(self, rows: Sequence[EventRow]) -> None:
        _fill(
            self.events_table,
            [(r.time, r.priority, r.event_type, r.source, r.correlation_id[:12], r.summary) for r in rows],
            [r.event_id for r in rows],
        )

    def set_event_types(self, types: Sequence[str]) -> None:
        current = self.type_combo.currentText()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem("")
        self.type_combo.addItems(list(types))
        self.type_combo.setEditText(current)
        self.type_combo.blockSignals(False)

    def show_stats(self, stats: StatsSummary) -> None:
        labels = self.stat_labels
        labels["running"].setText(tr("실행 중", "running") if stats.running else tr("정지", "stopped"))
        labels["throughput"].setText(f"{stats.throughput:,.0f}")
        labels["failures"].setText(str(stats.handler_failures))
        labels["retries"].setText(str(stats.retries))
        labels["dead"].setText(str(stats.dead_letters))
        labels["dropped"].setText(str(stats.dropped))
        labels["forced"].setText(str(stats.forced))
        _fill(
            self.queues_table,
            [(q.priority, f"{q.depth:,} / {q.capacity:,}", q.published, q.dispatched, q.dropped, q.coalesced)
             for q in stats.queues],
        )  # fmt: skip

    def show_failures(self, rows: Sequence[FailureRow]) -> None:
        _fill(
            self.failures_table,
            [
                (r.time, r.handler, r.event_type, r.attempt, tr("예", "yes") if r.final else "", r.error)
                for r in rows
            ],
        )

    def show_dead_letters(self, rows: Sequence[DeadLetterRow]) -> None:
        _fill(
            self.dead_table,
            [(r.time, r.priority, r.event_type, r.handler, r.attempts, r.error) for r in rows],
            [r.letter_id for r in rows],
        )
        index = self.tabs.indexOf(self.dead_table.parentWidget())
        self.tabs.setTabText(index, tr("데드 레터", "Dead letters") + (f" ({len(rows)})" if rows else ""))

    def show_held(self, rows: Sequence[HeldRow]) -> None:
        state = {
            "held": tr("거래 종료 후 적용", "applies when trades end"),
            "decision": tr("결정 필요", "needs your decision"),
        }
        _fill(
            self.held_table,
            [(r.kind, r.description, r.held_at, state.get(r.state, r.state), r.last_error) for r in rows],
            [r.request_id for r in rows],
        )
        index = self.tabs.indexOf(self.held_table.parentWidget())
        self.tabs.setTabText(
            index, tr("보류된 설정 변경", "Held config changes") + (f" ({len(rows)})" if rows else "")
        )

    def show_chain(self, correlation_id: str, rows: Sequence[ChainRow]) -> None:
        self.chain_input.setText(correlation_id)
        self.chain_tree.clear()
        parents: list[QTreeWidgetItem] = []
        for r in rows:
            item = QTreeWidgetItem([r.event_type, r.time, r.priority, r.source, r.event_id])
            del parents[r.depth :]
            if parents:
                parents[-1].addChild(item)
            else:
                self.chain_tree.addTopLevelItem(item)
            parents.append(item)
        self.chain_tree.expandAll()

    def alert_pending_decisions(self, count: int) -> None:
        self.held_notice.setText(
            tr(
                f"지난번 종료 때 보류 중이던 설정 변경 {count}건이 있습니다. 각각 적용하거나 취소하세요.",
                f"{count} config change(s) were held when the app last stopped. Apply or cancel each.",
            )
        )
        self.tabs.setCurrentIndex(4)
        self.show()
        self.raise_()

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, tr("이벤트 모니터", "Event monitor"), message)

    def show_info(self, message: str) -> None:
        self.held_notice.setText(message)

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, tr("확인", "Confirm"), question)
        return answer == QMessageBox.StandardButton.Yes
