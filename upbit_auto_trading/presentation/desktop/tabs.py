"""The registry of main-window tabs, in display order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.placeholder import PlaceholderTab

TabFactory = Callable[[Any, QWidget | None], QWidget]


@dataclass(frozen=True)
class TabSpec:
    key: str
    title_ko: str
    title_en: str
    factory: TabFactory

    @property
    def title(self) -> str:
        return tr(self.title_ko, self.title_en)


def _placeholder(title_ko: str, title_en: str) -> TabFactory:
    return lambda container, parent: PlaceholderTab(tr(title_ko, title_en), parent)


def _trigger_builder(container: Any, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.trigger_builder.view import create_trigger_builder

    return create_trigger_builder(container, parent)


def _strategy_maker(container: Any, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.strategy_maker.view import create_strategy_maker

    return create_strategy_maker(container, parent)


def _backtest(container: Any, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.backtest.view import create_backtest_tab

    return create_backtest_tab(container, parent)


def _analysis(container: Any, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.analysis.view import create_analysis_tab

    return create_analysis_tab(container, parent)


def _market_data(container: Any, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.market_data.view import create_market_data_tab

    return create_market_data_tab(container, parent)


def _trading(container: Any, parent: QWidget | None) -> QWidget:
    return _placeholder("실시간/모의 거래", "Live / paper trading")(container, parent)


def _settings(container: Any, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.settings.view import SettingsScreen

    return SettingsScreen(container, parent)


def tab_specs() -> list[TabSpec]:
    return [
        TabSpec("trigger_builder", "트리거 빌더", "Trigger builder", _trigger_builder),
        TabSpec("strategy_maker", "전략 메이커", "Strategy maker", _strategy_maker),
        TabSpec("backtest", "백테스팅", "Backtest", _backtest),
        TabSpec("analysis", "전략 분석", "Analysis", _analysis),
        TabSpec("market_data", "시장 데이터", "Market data", _market_data),
        TabSpec("trading", "실시간/모의 거래", "Live / paper trading", _trading),
        TabSpec("settings", "설정", "Settings", _settings),
    ]
