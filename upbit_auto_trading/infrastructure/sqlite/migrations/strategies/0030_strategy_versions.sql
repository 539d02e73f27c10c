-- Strategies: every saved version kept (strategy_profiles holds the current one), content hash, seed ledger.
ALTER TABLE strategy_profiles ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';

CREATE TABLE strategy_versions (
    strategy_id INTEGER NOT NULL REFERENCES strategy_profiles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (strategy_id, version)
);

-- Samples seeded once per database (a sample the user deleted is not seeded again).
CREATE TABLE strategy_seed_ledger (
    key TEXT PRIMARY KEY,
    seeded_at TEXT NOT NULL
);
