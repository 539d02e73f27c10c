"""Analysis use cases: one stored run's full analysis, Monte Carlo of its trades, and runs compared."""
