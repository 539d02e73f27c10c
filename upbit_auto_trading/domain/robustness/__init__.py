"""Robustness of a strategy: parameter spaces and sweeps, plateau ranking, walk-forward windows, and the
overfitting verdict (deflated Sharpe ratio, probability of backtest overfitting).

Pure Python and numpy; what a sweep runs on (candles, executors, storage) belongs to the layers above.
Paths and workflows: docs/robustness.md.
"""
