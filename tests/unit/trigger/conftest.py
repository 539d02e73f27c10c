from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
import yaml

from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.trigger.variables import Catalogue, catalogue_from_dict


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    text = (
        resources.files("upbit_auto_trading.resources.catalogue")
        .joinpath("catalogue.yaml")
        .read_text("utf-8")
    )
    return catalogue_from_dict(yaml.safe_load(text))


def make_candles(close, timeframe: str = "1h", start: int = 1_600_000_000 // 3600 * 3600) -> CandleArrays:
    close = np.asarray(close, dtype=np.float64)
    step = {"1h": 3600, "1d": 86400, "4h": 14400}[timeframe]
    return CandleArrays(
        market="KRW-BTC",
        timeframe=timeframe,
        start=start + step * np.arange(close.shape[0], dtype=np.int64),
        open=close.copy(),
        high=close * 1.01,
        low=close * 0.99,
        close=close,
        volume=np.ones_like(close),
        quote_volume=close.copy(),
    )


@pytest.fixture
def candles_factory():
    return make_candles
