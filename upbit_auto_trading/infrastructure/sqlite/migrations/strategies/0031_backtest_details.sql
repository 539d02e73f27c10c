-- Backtest runs: everything needed to re-run a stored run and prove the result identical.
ALTER TABLE backtest_results ADD COLUMN strategy_id INTEGER REFERENCES strategy_profiles (id) ON DELETE SET NULL;
ALTER TABLE backtest_results ADD COLUMN strategy_version INTEGER;
ALTER TABLE backtest_results ADD COLUMN strategy_snapshot TEXT NOT NULL DEFAULT '{}';
ALTER TABLE backtest_results ADD COLUMN strategy_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE backtest_results ADD COLUMN data_start TEXT;
ALTER TABLE backtest_results ADD COLUMN data_end TEXT;
ALTER TABLE backtest_results ADD COLUMN candle_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backtest_results ADD COLUMN candle_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE backtest_results ADD COLUMN signals_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE backtest_results ADD COLUMN result_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE backtest_results ADD COLUMN engine_version TEXT NOT NULL DEFAULT '';
ALTER TABLE backtest_results ADD COLUMN record_schema_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE backtest_results ADD COLUMN duration_ms INTEGER;
ALTER TABLE backtest_results ADD COLUMN trigger_snapshot TEXT NOT NULL DEFAULT '{}';
CREATE INDEX IF NOT EXISTS idx_backtest_results_strategy ON backtest_results (strategy_name, started_at);

-- Round trips (money and quantities as decimal TEXT).
CREATE TABLE backtest_trades (
    backtest_id INTEGER NOT NULL REFERENCES backtest_results (id) ON DELETE CASCADE,
    trade_no INTEGER NOT NULL,
    entry_time TEXT NOT NULL,
    entry_price TEXT NOT NULL,
    average_entry_price TEXT NOT NULL,
    exit_time TEXT,
    exit_price TEXT,
    quantity TEXT NOT NULL,
    fee TEXT NOT NULL,
    pnl TEXT,
    return_fraction REAL,
    exit_reason TEXT,
    adds INTEGER NOT NULL DEFAULT 0,
    entry_bar INTEGER NOT NULL,
    exit_bar INTEGER,
    PRIMARY KEY (backtest_id, trade_no)
);

-- Every fill (entry, add, partial exit, exit).
CREATE TABLE backtest_fills (
    backtest_id INTEGER NOT NULL REFERENCES backtest_results (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    bar INTEGER NOT NULL,
    time TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    price TEXT NOT NULL,
    quantity TEXT NOT NULL,
    fee TEXT NOT NULL,
    trade_no INTEGER NOT NULL,
    PRIMARY KEY (backtest_id, seq)
);

-- Per-candle curves: zlib-compressed little-endian float64 arrays.
CREATE TABLE backtest_curves (
    backtest_id INTEGER PRIMARY KEY REFERENCES backtest_results (id) ON DELETE CASCADE,
    encoding TEXT NOT NULL DEFAULT 'zlib-f8le',
    equity BLOB NOT NULL,
    position BLOB NOT NULL
);
