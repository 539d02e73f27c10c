"""Analysis screen: compare stored backtest runs."""
