"""The composition root: the only place that knows every layer.

Each bounded context has its own sub-container module beside this one; this container composes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

# dependency-injector imports pydantic-settings when it is installed, only for
# Configuration.from_pydantic, which this app never uses; skipping it takes 0.1-0.3 s off every start.
sys.modules.setdefault("pydantic_settings", None)  # type: ignore[arg-type]

from dependency_injector import containers, providers

from upbit_auto_trading.container.core import CoreContainer
from upbit_auto_trading.container.event_bus import EventBusContainer
from upbit_auto_trading.container.market_data import MarketDataContainer
from upbit_auto_trading.container.profiles import ProfilesContainer
from upbit_auto_trading.container.robustness import RobustnessContainer
from upbit_auto_trading.container.secrets import SecretsContainer
from upbit_auto_trading.container.strategies import StrategiesContainer
from upbit_auto_trading.container.trading import TradingContainer
from upbit_auto_trading.container.triggers import TriggersContainer
from upbit_auto_trading.container.upbit import UpbitContainer


class ApplicationContainer(containers.DeclarativeContainer):
    config = providers.Configuration()
    home: providers.Dependency[Path] = providers.Dependency()

    core = providers.Container(CoreContainer, config=config, home=home)
    # Sub-containers of the bounded contexts are added below, one line each.
    event_bus = providers.Container(EventBusContainer, core=core)
    profiles = providers.Container(ProfilesContainer, core=core, event_bus=event_bus)
    secrets = providers.Container(SecretsContainer, core=core)
    upbit = providers.Container(UpbitContainer, core=core, config=config)
    market_data = providers.Container(
        MarketDataContainer, core=core, upbit=upbit, config=config, event_bus=event_bus
    )
    triggers = providers.Container(TriggersContainer, core=core, market_data=market_data, event_bus=event_bus)
    strategies = providers.Container(
        StrategiesContainer, core=core, market_data=market_data, triggers=triggers, event_bus=event_bus
    )
    trading = providers.Container(
        TradingContainer, core=core, config=config, market_data=market_data, triggers=triggers,
        strategies=strategies, upbit=upbit, event_bus=event_bus, secrets=secrets,
    )  # fmt: skip
    robustness = providers.Container(
        RobustnessContainer, core=core, market_data=market_data, triggers=triggers, strategies=strategies
    )
