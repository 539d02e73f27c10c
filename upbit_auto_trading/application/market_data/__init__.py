"""Market-data use cases: import, list, gaps, resample, delete, seed bundled candles, download."""
