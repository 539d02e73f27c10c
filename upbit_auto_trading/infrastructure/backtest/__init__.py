"""Where backtests run: a worker process for very long engine steps, worker threads for the run queue."""
