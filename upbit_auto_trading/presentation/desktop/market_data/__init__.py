"""The market-data screen: stored series, candlestick chart, import, download, resample, delete."""
