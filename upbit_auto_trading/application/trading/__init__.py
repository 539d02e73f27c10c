"""Trading context use cases: the engine that runs strategies on paper and live on one code path."""
