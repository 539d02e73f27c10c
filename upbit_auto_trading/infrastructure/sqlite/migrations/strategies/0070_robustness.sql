-- Robustness studies (parameter sweeps and walk-forwards) with their lineage, so a study can be reopened,
-- resumed where it stopped and re-run identically. Money as decimal TEXT; curves and returns as
-- zlib-compressed little-endian float64 (int64 for times) arrays, as backtest_curves.
CREATE TABLE robustness_studies (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('sweep', 'walkforward')),
    status TEXT NOT NULL CHECK (status IN ('running', 'cancelled', 'completed', 'failed')),
    created_at TEXT NOT NULL,  -- ISO-8601 UTC
    finished_at TEXT,
    strategy_name TEXT NOT NULL,
    strategy_id INTEGER REFERENCES strategy_profiles (id) ON DELETE SET NULL,
    strategy_version INTEGER,
    strategy_hash TEXT NOT NULL,
    strategy_snapshot TEXT NOT NULL,  -- the strategy document the study varied (JSON)
    trigger_snapshot TEXT NOT NULL,  -- its triggers by reference key (JSON), as backtest_results keeps them
    markets TEXT NOT NULL,  -- JSON list
    timeframe TEXT NOT NULL,
    period_start TEXT,  -- requested first candle start (ISO-8601 UTC) or NULL: all stored
    period_end TEXT,
    costs TEXT NOT NULL,  -- JSON: initial_capital, fee_rate, slippage_rate as decimal text; exchange_rules
    space TEXT NOT NULL,  -- JSON: [{"paths": [...], "values": ["5", ...]}, ...]
    sampler TEXT NOT NULL CHECK (sampler IN ('grid', 'optuna')),
    trials INTEGER,
    seed INTEGER NOT NULL DEFAULT 0,
    objective TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    data_hashes TEXT NOT NULL,  -- JSON: segment -> sha256 of the candles it ran on
    total_cells INTEGER NOT NULL,
    options TEXT NOT NULL DEFAULT '{}'  -- JSON: walk-forward windows, train/test lengths, selection
);
CREATE INDEX idx_robustness_studies_kind ON robustness_studies (kind, id);

-- One backtest of a study: cell (its index in every dimension, "3,0,7") on a segment (a market, or a
-- walk-forward window's train or test part).
CREATE TABLE robustness_cells (
    study_id INTEGER NOT NULL REFERENCES robustness_studies (id) ON DELETE CASCADE,
    cell_key TEXT NOT NULL,
    segment TEXT NOT NULL,
    seq INTEGER NOT NULL,  -- evaluation order (Optuna's history is rebuilt in this order)
    cell_values TEXT NOT NULL,  -- JSON: dimension label -> decimal text
    status TEXT NOT NULL CHECK (status IN ('ok', 'invalid')),
    error TEXT NOT NULL DEFAULT '',
    final_equity TEXT NOT NULL DEFAULT '',  -- decimal text
    metrics TEXT NOT NULL DEFAULT '{}',  -- JSON (Metrics.to_dict())
    result_hash TEXT NOT NULL DEFAULT '',
    signals_hash TEXT NOT NULL DEFAULT '',
    strategy_hash TEXT NOT NULL DEFAULT '',
    first_day INTEGER NOT NULL DEFAULT 0,  -- epoch second (UTC) of the first KST day of daily_returns
    daily_returns BLOB,  -- zlib float64 little-endian
    PRIMARY KEY (study_id, cell_key, segment)
);
CREATE INDEX idx_robustness_cells_order ON robustness_cells (study_id, seq);

-- A finished walk-forward: each window's choice and test result, and the stitched out-of-sample curve.
CREATE TABLE robustness_windows (
    study_id INTEGER NOT NULL REFERENCES robustness_studies (id) ON DELETE CASCADE,
    window_no INTEGER NOT NULL,
    train_start INTEGER NOT NULL,  -- epoch seconds UTC; spans are [start, end)
    train_end INTEGER NOT NULL,
    test_start INTEGER NOT NULL,
    test_end INTEGER NOT NULL,
    chosen_key TEXT NOT NULL,
    chosen_values TEXT NOT NULL,  -- JSON: dimension label -> decimal text
    train_value REAL,
    train_total_return REAL,
    test_metrics TEXT NOT NULL,  -- JSON
    test_final_equity TEXT NOT NULL,  -- decimal text
    PRIMARY KEY (study_id, window_no)
);

CREATE TABLE robustness_curves (
    study_id INTEGER PRIMARY KEY REFERENCES robustness_studies (id) ON DELETE CASCADE,
    encoding TEXT NOT NULL DEFAULT 'zlib-i8le-f8le',
    times BLOB NOT NULL,
    equity BLOB NOT NULL
);
