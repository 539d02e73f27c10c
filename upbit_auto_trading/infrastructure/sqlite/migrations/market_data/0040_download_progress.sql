-- Unfinished candle downloads: the requested range and how far back the download got (resume after a crash).
CREATE TABLE candle_download_progress (
    market TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    range_start INTEGER NOT NULL,
    range_end INTEGER NOT NULL,
    cursor INTEGER NOT NULL,
    fetched INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (market, timeframe)
);
