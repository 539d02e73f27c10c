-- Market data database: one candle table for every market and timeframe.
CREATE TABLE candles (
    market TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    start_utc INTEGER NOT NULL,
    open TEXT NOT NULL,
    high TEXT NOT NULL,
    low TEXT NOT NULL,
    close TEXT NOT NULL,
    volume TEXT NOT NULL,
    quote_volume TEXT NOT NULL,
    PRIMARY KEY (market, timeframe, start_utc)
) WITHOUT ROWID;

CREATE TABLE markets (
    market TEXT PRIMARY KEY,
    korean_name TEXT NOT NULL DEFAULT '',
    english_name TEXT NOT NULL DEFAULT '',
    quote TEXT NOT NULL DEFAULT '',
    base TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
