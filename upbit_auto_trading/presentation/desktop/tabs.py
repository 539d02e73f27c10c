"""The registry of main-window tabs, in display order.

A tab's factory takes only its parent: it asks its screen's services of ``ScreenServices`` when it is built,
and imports the screen then, so start-up pays only for the tab the user sees.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.services import ScreenServices

TabFactory = Callable[[QWidget | None], QWidget]
ScreenBuild = Callable[[ScreenServices, QWidget | None], QWidget]


@dataclass(frozen=True)
class TabSpec:
    key: str
    title_ko: str
    title_en: str
    factory: TabFactory

    @property
    def title(self) -> str:
        return tr(self.title_ko, self.title_en)


def _trading(screens: ScreenServices, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.trading.screen import build

    return build(screens.trading(), parent)


def _trigger_builder(screens: ScreenServices, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.trigger_builder.screen import build

    return build(screens.trigger_builder(), parent)


def _strategy_maker(screens: ScreenServices, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.strategy_maker.screen import build

    return build(screens.strategy_maker(), parent)


def _backtest(screens: ScreenServices, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.backtest.screen import build

    return build(screens.backtest(), parent)


def _analysis(screens: ScreenServices, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.analysis.screen import build

    return build(screens.analysis(), parent)


def _market_data(screens: ScreenServices, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.market_data.screen import build

    return build(screens.market_data(), parent)


def _settings(screens: ScreenServices, parent: QWidget | None) -> QWidget:
    from upbit_auto_trading.presentation.desktop.settings.screen import build

    return build(screens.settings(), parent)


def tab_specs(screens: ScreenServices) -> list[TabSpec]:
    def tab(key: str, title_ko: str, title_en: str, build: ScreenBuild) -> TabSpec:
        return TabSpec(key, title_ko, title_en, functools.partial(build, screens))

    return [
        tab("trigger_builder", "트리거 빌더", "Trigger builder", _trigger_builder),
        tab("strategy_maker", "전략 메이커", "Strategy maker", _strategy_maker),
        tab("backtest", "백테스팅", "Backtest", _backtest),
        tab("analysis", "전략 분석", "Analysis", _analysis),
        tab("market_data", "시장 데이터", "Market data", _market_data),
        tab("trading", "실시간 매매", "Trading", _trading),
        tab("settings", "설정", "Settings", _settings),
    ]
