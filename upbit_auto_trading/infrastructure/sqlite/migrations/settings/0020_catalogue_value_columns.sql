-- Trigger catalogue: where a variable's values come from and the range/unit of fixed values compared with it.
ALTER TABLE tv_trading_variables ADD COLUMN source TEXT NOT NULL DEFAULT 'candles';
ALTER TABLE tv_trading_variables ADD COLUMN value_min TEXT;
ALTER TABLE tv_trading_variables ADD COLUMN value_max TEXT;
ALTER TABLE tv_trading_variables ADD COLUMN value_min_exclusive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tv_trading_variables ADD COLUMN unit TEXT NOT NULL DEFAULT '';
