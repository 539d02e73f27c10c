"""Backtest screen: run strategies over stored candles and inspect the results."""
