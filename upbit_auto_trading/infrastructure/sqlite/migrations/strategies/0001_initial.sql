-- Strategies database: triggers, strategies, backtest results and their metrics.
CREATE TABLE trading_conditions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    variable_id TEXT NOT NULL,
    variable_params TEXT NOT NULL DEFAULT '{}',
    operator TEXT NOT NULL,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('value', 'variable')),
    target_value TEXT,
    target_variable_id TEXT,
    target_params TEXT NOT NULL DEFAULT '{}',
    timeframe TEXT NOT NULL DEFAULT '1h',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE strategy_profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    definition TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE backtest_results (
    id INTEGER PRIMARY KEY,
    strategy_name TEXT NOT NULL,
    market TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    final_equity TEXT
);

CREATE TABLE performance_metrics (
    backtest_id INTEGER NOT NULL REFERENCES backtest_results (id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (backtest_id, metric)
);
