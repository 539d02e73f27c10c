-- Fast path for loading a series into numpy arrays.
-- candle_series.version is bumped by every write to a series (in the writer's transaction);
-- candle_array_cache holds a series as packed float64 columns, valid only while its version matches.
CREATE TABLE candle_series (
    market TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (market, timeframe)
);

CREATE TABLE candle_array_cache (
    market TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    version INTEGER NOT NULL,
    count INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (market, timeframe)
);
