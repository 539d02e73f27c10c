"""The trigger context: the variable catalogue model, parameter rules, the compatibility matrix,
operators and the TradingCondition entity, and evaluation over candle arrays."""
