"""Market-data adapters: the SQLite candle store, CSV importers, the bundled sample candles."""
