"""Monte Carlo of a stored run's closed trades: order shuffling and bootstrap (docs/analysis.md)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.analysis.reopen import reopen_run
from upbit_auto_trading.application.backtest.ports import BacktestRepository
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.analysis.monte_carlo import Method, MonteCarloResult, account_returns, simulate

MAX_PATHS = 100_000


@dataclass(frozen=True)
class MonteCarloReport:
    run_id: int
    strategy_name: str
    shuffle: MonteCarloResult
    bootstrap: MonteCarloResult
    open_trades: int  # left out: an open trade has no P&L yet


class RunMonteCarlo:
    """Needs only the stored record and curves: no candles, no re-run."""

    def __init__(self, runs: BacktestRepository) -> None:
        self._runs = runs

    def execute(
        self, run_id: int, *, paths: int = 1000, seed: int | None = None, loss_threshold: float = 0.2
    ) -> MonteCarloReport:
        if not 1 <= paths <= MAX_PATHS:
            raise ApplicationError(f"The number of paths must be between 1 and {MAX_PATHS:,}")
        if not 0 < loss_threshold <= 1:
            raise ApplicationError("The loss threshold must be above 0 % and at most 100 %")
        reopened = reopen_run(self._runs, None, run_id)
        result = reopened.result
        returns = account_returns(result.trade_arrays, result.equity, result.start_equity)
        if returns.shape[0] == 0:
            raise ApplicationError(f"Run {run_id} has no closed trade: there is nothing to shuffle")
        shuffle = simulate(
            returns, result.start_equity, method=Method.SHUFFLE, paths=paths, seed=seed,
            loss_threshold=loss_threshold,
        )  # fmt: skip
        # The bootstrap reuses the seed the shuffle used, so one number reproduces the whole report.
        bootstrap = simulate(
            returns, result.start_equity, method=Method.BOOTSTRAP, paths=paths, seed=shuffle.seed,
            loss_threshold=loss_threshold,
        )  # fmt: skip
        open_trades = int((~result.trade_arrays.closed).sum())
        return MonteCarloReport(int(run_id), reopened.stored.strategy_name, shuffle, bootstrap, open_trades)
