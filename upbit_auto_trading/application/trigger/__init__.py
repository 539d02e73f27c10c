"""Trigger use cases: manage saved triggers, export/import them, evaluate them over candles, list the catalogue."""
