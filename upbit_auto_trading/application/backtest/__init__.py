"""Backtest use cases: run (with progress, cancel and a queue), store, list, open, re-run and delete runs."""
