-- Small facts about this market-data database (e.g. which bundled datasets were already imported).
CREATE TABLE market_data_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
