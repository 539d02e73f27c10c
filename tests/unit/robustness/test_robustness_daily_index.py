"""The sweep worker's daily returns equal the analysis module's, bit for bit, at a tenth of the cost."""

from __future__ import annotations

import numpy as np

from upbit_auto_trading.application.robustness.job import DailyIndex
from upbit_auto_trading.domain.analysis.returns import daily_returns


def test_daily_index_returns_equal_daily_returns_with_gaps_and_a_bankrupt_day():
    rng = np.random.default_rng(2)
    times = np.cumsum(rng.integers(60, 7 * 3600, 5000)).astype(np.int64) + 1_600_000_000  # gaps of up to 7 h
    times[2000:] += 5 * 86_400  # and a five-day hole
    index = DailyIndex(times)
    for _ in range(3):
        equity = 1e7 * np.exp(np.cumsum(rng.normal(0, 0.01, times.shape[0])))
        equity[4000:4100] = 0.0  # a wiped-out stretch: division by zero handled alike
        starts, expected = daily_returns(times, equity)
        assert np.array_equal(index.starts, starts)
        assert np.array_equal(index.returns(equity), expected, equal_nan=True)
        assert index.returns(equity).tobytes() == expected.tobytes()
