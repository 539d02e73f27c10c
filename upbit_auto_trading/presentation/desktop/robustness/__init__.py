"""The Robustness section of the Analysis tab: parameter sweeps, walk-forward analysis, the overfitting card."""
