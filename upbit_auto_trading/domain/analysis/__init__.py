"""Analytics of backtest runs: returns, risk, Sharpe ratio statistics, trade statistics, breakdowns and
Monte Carlo of the trades.

Pure functions over numpy arrays (analytics, not money; times are epoch seconds UTC, calendars KST).
Formulas: docs/analysis.md.
"""
