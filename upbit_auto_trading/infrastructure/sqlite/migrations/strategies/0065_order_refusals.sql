-- Decisions the engine did not turn into an order (a risk limit, the 5,000 KRW minimum, a market under
-- warning, an exchange pre-check): nothing reached the exchange, so order_journal has no entry for them.
-- The drift report reads them to say why a backtest trade is missing from the session.
CREATE TABLE order_refusals (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    market TEXT NOT NULL,
    decided_bar TEXT NOT NULL,  -- the decision's key, as in order_journal: '<ISO candle start>#<reason>'
    kind TEXT NOT NULL,  -- risk | min_order | funds | exchange | blocked | warning
    detail TEXT NOT NULL,
    at TEXT NOT NULL  -- ISO-8601 UTC, fixed width (as in order_journal)
);
CREATE INDEX idx_order_refusals_session ON order_refusals (session_id, market, at);
