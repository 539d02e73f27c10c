"""The main window: tabs, menu bar, status bar and docks."""

from __future__ import annotations

import logging

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QCloseEvent, QKeySequence
from PyQt6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from upbit_auto_trading import __version__
from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.log_viewer.dock import LogDock
from upbit_auto_trading.presentation.desktop.placeholder import PlaceholderTab
from upbit_auto_trading.presentation.desktop.qt_checked import gui_application, present
from upbit_auto_trading.presentation.desktop.services import DesktopServices
from upbit_auto_trading.presentation.desktop.tabs import TabSpec, tab_specs
from upbit_auto_trading.presentation.desktop.theme import apply_theme

log = logging.getLogger(__name__)

ENVIRONMENT_NAMES = {
    "development": ("개발", "Development"),
    "testing": ("테스트", "Testing"),
    "production": ("운영", "Production"),
}


class MainWindow(QMainWindow):
    """Tabs are built on first show, so start-up pays only for the tab the user sees."""

    closed = pyqtSignal()
    data_replaced = pyqtSignal()  # emitted from any thread; the slot runs on the GUI thread

    def __init__(self, services: DesktopServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.ui_state = services.ui_state
        self.setObjectName("mainWindow")
        self.setWindowTitle(tr("업비트 자동매매", "Upbit Auto Trading") + f" {__version__}")
        self.resize(1400, 900)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self._specs: list[TabSpec] = tab_specs(services.screens)
        self._built: set[int] = set()
        for spec in self._specs:
            self.tabs.addTab(QWidget(), spec.title)
        self.tabs.currentChanged.connect(self._ensure_built)
        self.data_replaced.connect(self.reload_screens)

        self.log_dock = LogDock(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log_dock)
        self.resizeDocks([self.log_dock], [180], Qt.Orientation.Vertical)
        self.extra_docks: list[QDockWidget] = []
        self._build_status_bar()
        self._build_menus()
        self._restore_state()
        self._ensure_built(self.tabs.currentIndex())

    # tabs
    def tab_index(self, key: str) -> int:
        return next(i for i, spec in enumerate(self._specs) if spec.key == key)

    def tab_widget(self, key: str) -> QWidget:
        """The screen shown in a tab (inside its scroll area)."""
        index = self.tab_index(key)
        self._ensure_built(index)
        holder = present(self.tabs.widget(index), "tab page")
        return present(holder.widget() if isinstance(holder, QScrollArea) else holder, "tab screen")

    def show_tab(self, key: str) -> QWidget:
        index = self.tab_index(key)
        self.tabs.setCurrentIndex(index)
        return self.tab_widget(key)

    def _ensure_built(self, index: int) -> None:
        if index < 0 or index in self._built:
            return
        self._built.add(index)
        spec = self._specs[index]
        try:
            widget = spec.factory(self)
        except Exception:
            log.exception("building the %s tab failed", spec.key)
            widget = PlaceholderTab(
                tr(f"{spec.title}: 화면을 여는 중 오류가 발생했습니다 (로그 참조).", f"{spec.title}: failed to open (see the log)."),
                self,
            )
        # A scroll area keeps a screen's minimum size from becoming the window's: the window still fits a
        # 1366x768 laptop, and a screen that needs more room scrolls instead of being cut off.
        holder = QScrollArea(self)
        holder.setWidgetResizable(True)
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidget(widget)
        blocked = self.tabs.blockSignals(True)
        old = present(self.tabs.widget(index), "tab page")
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, holder, spec.title)
        self.tabs.setCurrentIndex(index)
        self.tabs.blockSignals(blocked)
        old.deleteLater()

    def follow_data_changes(self, bus: EventBus) -> None:
        """Rebuild the screens when another profile is opened or the databases are restored."""
        from upbit_auto_trading.domain.profiles.events import BackupRestored, ProfileSwitched

        for event_type in (ProfileSwitched, BackupRestored):
            bus.subscribe(event_type, lambda _event: self.data_replaced.emit(), name=f"main_window.{event_type.__name__}")

    def reload_screens(self) -> None:
        """Drop every built screen except Settings (which drives the switch and refreshes itself); each is
        rebuilt from the new databases the next time it is shown, the current one at once."""
        keep = {self.tab_index("settings")}
        current = self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)
        for index in sorted(self._built - keep):
            old = present(self.tabs.widget(index), "tab page")
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, QWidget(), self._specs[index].title)
            old.deleteLater()
        self._built &= keep
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        self._ensure_built(current)
        self._show_profile()
        present(self.statusBar(), "status bar").showMessage(tr("데이터를 다시 불러왔습니다.", "Data reloaded."), 5000)

    # docks
    def add_dock(
        self,
        dock: QDockWidget,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
        shortcut: str | None = None,
        visible_by_default: bool = False,
    ) -> None:
        """Add a dock after construction; its visibility and place come from the saved window state."""
        self.addDockWidget(area, dock)
        self.extra_docks.append(dock)
        action = present(dock.toggleViewAction(), "dock toggle action")
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        self.view_menu.addAction(action)
        dock.setVisible(visible_by_default)
        state = self.ui_state.bytes_value("window/state")
        if state is not None:
            self.restoreState(state)

    # status bar
    def _build_status_bar(self) -> None:
        bar = present(self.statusBar(), "status bar")
        self.profile_label = QLabel(self)
        self.profile_label.setObjectName("profileLabel")
        self.environment_badge = QLabel(self)
        self._show_profile()
        self.trading_label = QLabel(self)
        self.trading_label.setObjectName("tradingStateLabel")
        self.set_trading_state(live_trades=0, mode=self.services.trading_mode)
        self.connection_label = QLabel(self)
        self.connection_label.setObjectName("connectionLabel")
        self.set_connection_state(connected=False, detail=tr("키 없음: 모의 거래", "no API key: paper trading"))
        # red while any live session runs (real money); read with the trading state each second
        self.live_label = QLabel("LIVE", self)
        self.live_label.setObjectName("liveTradingLabel")
        self.live_label.setStyleSheet(
            "QLabel { background: #c62828; color: white; font-weight: bold; border-radius: 3px; padding: 1px 8px; }"
        )
        self.live_label.hide()
        bar.addPermanentWidget(self.profile_label)
        bar.addPermanentWidget(self.environment_badge)
        bar.addPermanentWidget(self.live_label)
        bar.addPermanentWidget(self.trading_label)
        bar.addPermanentWidget(self.connection_label)
        bar.showMessage(tr("준비", "Ready"), 3000)

    def _show_profile(self) -> None:
        profile = self.services.active_profile()
        environment = self.services.active_environment()
        ko, en = ENVIRONMENT_NAMES.get(environment, (environment, environment))
        self.profile_label.setText(tr(f"프로필: {profile}", f"Profile: {profile}"))
        self.environment_badge.setText(tr(ko, en))
        self.environment_badge.setObjectName(f"envBadge_{environment}")
        self.environment_badge.setStyleSheet("")  # re-polish: the badge colour follows the object name
        style = present(self.environment_badge.style(), "style")
        style.unpolish(self.environment_badge)
        style.polish(self.environment_badge)

    def set_trading_state(self, live_trades: int, mode: str = "paper") -> None:
        mode_text = tr("모의", "Paper") if mode == "paper" else tr("실거래", "Live")
        if live_trades:
            text = tr(f"{mode_text} 거래 중: {live_trades}건", f"{mode_text}: {live_trades} live trade(s)")
        else:
            text = tr(f"{mode_text} 거래: 대기", f"{mode_text} trading: idle")
        self.trading_label.setText(text)

    def set_live_sessions(self, count: int) -> None:
        self.live_label.setVisible(count > 0)
        self.live_label.setText(tr(f"실거래 LIVE ({count})", f"LIVE ({count})") if count > 1 else "LIVE")
        self.live_label.setToolTip(tr(f"실거래 세션 {count}개 실행 중", f"{count} live session(s) running"))

    def set_connection_state(self, connected: bool, detail: str = "") -> None:
        state = tr("거래소 연결됨", "Exchange connected") if connected else tr("거래소 오프라인", "Exchange offline")
        self.connection_label.setText(f"{state} ({detail})" if detail else state)

    # menus
    def _build_menus(self) -> None:
        menu = present(self.menuBar(), "menu bar")
        file_menu = present(menu.addMenu(tr("파일(&F)", "&File")), "File menu")
        settings_action = QAction(tr("설정...", "Settings..."), self)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(lambda: self.show_tab("settings"))
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction(tr("종료", "Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.view_menu = present(menu.addMenu(tr("보기(&V)", "&View")), "View menu")
        for number, spec in enumerate(self._specs, start=1):
            action = QAction(spec.title, self)
            if number <= 9:
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=spec.key: self.show_tab(key))
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        # anywhere in the window: show the Trading tab and ask its emergency stop (it asks once)
        emergency = QAction(tr("긴급 정지", "Emergency stop"), self)
        emergency.setShortcut(QKeySequence("Ctrl+Shift+X"))
        emergency.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        emergency.triggered.connect(self.emergency_stop)
        self.addAction(emergency)
        self.view_menu.addAction(emergency)
        log_action = present(self.log_dock.toggleViewAction(), "log dock toggle action")
        log_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.view_menu.addAction(log_action)
        theme_menu = present(self.view_menu.addMenu(tr("테마", "Theme")), "Theme menu")
        for theme, ko, en in (("light", "밝게", "Light"), ("dark", "어둡게", "Dark")):
            action = QAction(tr(ko, en), self)
            action.triggered.connect(lambda _checked=False, name=theme: self.set_theme(name))
            theme_menu.addAction(action)

        help_menu = present(menu.addMenu(tr("도움말(&H)", "&Help")), "Help menu")
        about = QAction(tr("정보", "About"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def emergency_stop(self) -> None:
        screen = self.show_tab("trading")
        request = getattr(screen, "request_emergency_stop", None)
        if callable(request):
            request()

    def set_theme(self, theme: str) -> None:
        apply_theme(gui_application(), theme)
        self.ui_state.set_value("theme", theme)

    def _about(self) -> None:
        home = self.services.home
        QMessageBox.about(
            self,
            tr("정보", "About"),
            tr(
                f"업비트 자동매매 {__version__}\n데이터 폴더: {home}",
                f"Upbit Auto Trading {__version__}\nHome: {home}",
            ),
        )

    # state
    def _restore_state(self) -> None:
        geometry = self.ui_state.bytes_value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.ui_state.bytes_value("window/state")
        if state is not None:
            self.restoreState(state)
        last = self.ui_state.value("window/last_tab", "")
        keys = [spec.key for spec in self._specs]
        if last in keys:
            blocked = self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(keys.index(last))
            self.tabs.blockSignals(blocked)

    def save_state(self) -> None:
        self.ui_state.set_bytes("window/geometry", self.saveGeometry())
        self.ui_state.set_bytes("window/state", self.saveState())
        index = self.tabs.currentIndex()
        if 0 <= index < len(self._specs):
            self.ui_state.set_value("window/last_tab", self._specs[index].key)

    def watch_trading_state(self, gate: ConfigChangeGate, interval_ms: int = 1000) -> None:
        """Keep the status bar's trading state current by reading the gate on the GUI thread."""
        mode = self.services.trading_mode

        def refresh() -> None:
            self.set_trading_state(live_trades=len(gate.state.live), mode=mode)
            self.set_live_sessions(self.services.live_sessions())

        self._trading_timer = QTimer(self)
        self._trading_timer.setInterval(interval_ms)
        self._trading_timer.timeout.connect(refresh)
        self._trading_timer.start()
        refresh()

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802 (Qt's name)
        self.save_state()
        super().closeEvent(event)
        if event is not None and event.isAccepted():
            # A closed window's status bar is on its way out (deleteLater): a tick must not reach it.
            timer = getattr(self, "_trading_timer", None)
            if timer is not None:
                timer.stop()
            self.closed.emit()
