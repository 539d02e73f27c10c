from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.startup import startup

SAMPLE = "Basic 7-rule (기본 7규칙)"


@pytest.fixture(scope="module")
def trading_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded home per module (bundled KRW-BTC hours, the sample strategy and its triggers)."""
    return tmp_path_factory.mktemp("trading-home")


@pytest.fixture
def container(trading_home: Path) -> Iterator[object]:
    # The risk limits are the one engine rule the backtest does not know (docs/trading-engine.md): off here,
    # so the replay can be compared with the backtest trade for trade.
    off = {"caution_loss_pct": None, "defense_loss_pct": None, "halt_loss_pct": None}
    c = build_container(home=trading_home, overrides={"trading": {"risk": off}})
    startup(c)
    yield c
    c.core.database_session().close_all()
