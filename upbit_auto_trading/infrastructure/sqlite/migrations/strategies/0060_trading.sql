-- Trading engine: sessions, the order journal (intent committed before the request leaves), its fills,
-- its append-only history, and the manual-review list. Money and quantities as decimal TEXT; times as
-- ISO-8601 UTC text ('YYYY-MM-DDTHH:MM:SS.ffffffZ', fixed width so text order is time order).

-- No foreign key to strategy_profiles: a session's record outlives the strategy it ran (the name,
-- id and version stay as they were when it started).
CREATE TABLE trading_sessions (
    session_id TEXT PRIMARY KEY,
    strategy_name TEXT NOT NULL,
    strategy_id INTEGER NOT NULL,
    strategy_version INTEGER NOT NULL,
    mode TEXT NOT NULL,
    markets TEXT NOT NULL,  -- JSON array of market codes, in the session's order
    timeframe TEXT NOT NULL,
    budget TEXT NOT NULL,
    fee_rate TEXT NOT NULL,
    slippage_rate TEXT NOT NULL,
    started_at TEXT NOT NULL,
    state TEXT NOT NULL,
    stopped_at TEXT,
    first_candle TEXT NOT NULL DEFAULT '{}',  -- JSON object: market -> ISO start of the first decided candle
    last_candle TEXT NOT NULL DEFAULT '{}',  -- JSON object: market -> ISO start of the last decided candle
    api_url TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    replay_end TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_trading_sessions_state ON trading_sessions (state, started_at);

-- No foreign key to trading_sessions: an emergency or manual order may be journaled before (or
-- without) its session row, and the journal must never refuse an intent.
CREATE TABLE order_journal (
    identifier TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    market TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('bid', 'ask')),
    ord_type TEXT NOT NULL,
    price TEXT,
    volume TEXT,
    reason TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    decided_bar TEXT NOT NULL DEFAULT '',
    uuid TEXT UNIQUE,
    executed_volume TEXT NOT NULL DEFAULT '0',
    paid_fee TEXT NOT NULL DEFAULT '0',
    error TEXT NOT NULL DEFAULT '',
    correlation_id TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_order_journal_session ON order_journal (session_id, created_at);
CREATE INDEX idx_order_journal_state ON order_journal (state);

-- One row per exchange trade: the trade id as key makes a fill reported twice count once.
CREATE TABLE order_fills (
    trade_id TEXT PRIMARY KEY,
    identifier TEXT NOT NULL REFERENCES order_journal (identifier),
    market TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('bid', 'ask')),
    price TEXT NOT NULL,
    volume TEXT NOT NULL,
    fee TEXT NOT NULL,
    at TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX idx_order_fills_identifier ON order_fills (identifier, at);

-- Append-only: every intent and every update of an entry, so the whole chain of an order can be shown.
CREATE TABLE order_journal_events (
    id INTEGER PRIMARY KEY,
    identifier TEXT NOT NULL REFERENCES order_journal (identifier),
    at TEXT NOT NULL,
    state TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX idx_order_journal_events_identifier ON order_journal_events (identifier, id);

CREATE TABLE manual_review (
    item_id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    market TEXT NOT NULL,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    identifier TEXT NOT NULL DEFAULT '',
    resolved_at TEXT,
    resolution TEXT NOT NULL DEFAULT ''
);
-- An identical open item is kept once (reconciliation finds the same problem at every start).
CREATE UNIQUE INDEX idx_manual_review_open ON manual_review (kind, market, identifier, detail)
    WHERE resolved_at IS NULL;
