"""What the main window works with, filled in by the composition root (``container/screens.py``): the
session it shows in the status bar, where the UI state is kept, the log lines, and one services factory per
screen. The window never sees the container.

A screen's services are made each time the screen is built (first shown, and again after a profile switch or
a restore): each build gets its own background runner, which dies with the screen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from upbit_auto_trading.presentation.desktop.analysis.services import AnalysisServices
from upbit_auto_trading.presentation.desktop.backtest.services import BacktestServices
from upbit_auto_trading.presentation.desktop.market_data.services import MarketDataServices
from upbit_auto_trading.presentation.desktop.settings.services import SettingsServices
from upbit_auto_trading.presentation.desktop.strategy_maker.services import StrategyMakerServices
from upbit_auto_trading.presentation.desktop.trading.services import TradingServices
from upbit_auto_trading.presentation.desktop.trigger_builder.services import TriggerBuilderServices
from upbit_auto_trading.presentation.desktop.ui_state import UiState


class LogLineSource(Protocol):
    """The in-memory log: what was logged before the window existed, and the lines logged since (from any
    thread) when no bus carries them."""

    def lines(self) -> Sequence[Any]: ...
    def add_listener(self, listener: Callable[[Any], None]) -> None: ...
    def remove_listener(self, listener: Callable[[Any], None]) -> None: ...


@dataclass(frozen=True)
class ScreenServices:
    """One factory per tab, called when the tab is built."""

    trigger_builder: Callable[[], TriggerBuilderServices]
    strategy_maker: Callable[[], StrategyMakerServices]
    backtest: Callable[[], BacktestServices]
    analysis: Callable[[], AnalysisServices]
    market_data: Callable[[], MarketDataServices]
    settings: Callable[[], SettingsServices]
    trading: Callable[[], TradingServices]


@dataclass(frozen=True)
class DesktopServices:
    screens: ScreenServices
    ui_state: UiState  # window geometry, last tab, the language and theme chosen in Settings
    home: Path  # the application home (shown in About)
    language: str  # config ``ui.language`` ("auto", "ko", "en") unless one was chosen in Settings
    theme: str  # config ``ui.theme`` unless one was chosen
    trading_mode: str  # config ``trading.mode``: "paper" or "live"
    # the open profile and its environment; a switch changes them, so they are asked each time
    active_profile: Callable[[], str]
    active_environment: Callable[[], str]
    log_lines: LogLineSource
    # live-mode sessions this process runs now (the status bar's red LIVE); read each second, no database
    live_sessions: Callable[[], int] = lambda: 0
