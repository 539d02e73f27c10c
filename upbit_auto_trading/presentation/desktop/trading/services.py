"""What the Trading tab works with: the process's trading desk (the engine, its lock), the read model of the
journal, the strategies and stored series to start from, the drift report and the promotion check, the live
connection test, the bus it follows, and the open profile. Filled in by ``container/screens.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import QObject

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.market_data.list_series import ListSeries
from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
from upbit_auto_trading.application.trading.desk import TradingDesk
from upbit_auto_trading.application.trading.desk_view import ReadTradingDesk
from upbit_auto_trading.application.trading.drift import ShadowBacktest
from upbit_auto_trading.application.trading.drift_export import ExportDriftCsv
from upbit_auto_trading.application.trading.live_check import CheckLiveConnection
from upbit_auto_trading.application.trading.promotion import PromotionCheck
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork


@dataclass(frozen=True)
class TradingServices:
    desk: TradingDesk  # one per process: the engine survives a rebuild of the tab
    read: ReadTradingDesk
    list_strategies: ListStrategies
    list_series: ListSeries
    shadow_backtest: ShadowBacktest
    export_drift_csv: ExportDriftCsv
    promotion_check: PromotionCheck
    check_live_connection: CheckLiveConnection
    bus: EventBus  # the application's bus (running on the GUI loop): the engine publishes on it from its thread
    active_profile: Callable[[], str]
    active_environment: Callable[[], str]
    # made with the screen's widget as its owner: the desk's commands are awaited on the GUI loop (qasync) and
    # run on the engine's own thread; the database reads and the drift report on the screen's worker thread
    work: Callable[[QObject], BackgroundWork] = QtBackgroundWork
