"""Adapters of the robustness context: the SQLite study store, the local process pool and Ray executors,
and the Optuna sampler."""
