"""Parameter sweeps, walk-forward analysis and the overfitting verdict, on any executor (docs/robustness.md)."""
