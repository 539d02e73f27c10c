-- Triggers: the rule usage (signal or management) and the operator's options (~= percent, rising/falling N).
ALTER TABLE trading_conditions ADD COLUMN usage TEXT NOT NULL DEFAULT 'signal';
ALTER TABLE trading_conditions ADD COLUMN operator_params TEXT NOT NULL DEFAULT '{}';
CREATE INDEX IF NOT EXISTS idx_trading_conditions_variable ON trading_conditions (variable_id);
