"""CSV candle importers: Upbit REST columns, CryptoDataDownload, generic OHLCV with a column mapping."""
