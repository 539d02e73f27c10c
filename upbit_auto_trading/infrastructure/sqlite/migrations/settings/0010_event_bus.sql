-- Event bus: dead letters, held config-change requests, events left undelivered at shutdown.
CREATE TABLE IF NOT EXISTS event_dead_letters (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    letter_id      TEXT NOT NULL UNIQUE,
    event_type     TEXT NOT NULL,
    event_id       TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    priority       INTEGER NOT NULL,
    handler        TEXT NOT NULL,
    error          TEXT NOT NULL,
    attempts       INTEGER NOT NULL,
    failed_at      TEXT NOT NULL,
    event_json     TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS held_config_requests (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id   TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    may_wait     INTEGER NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    requested_at TEXT NOT NULL,
    held_at      TEXT NOT NULL,
    last_error   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS undelivered_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    priority   INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    event_json TEXT NOT NULL,
    saved_at   TEXT NOT NULL
);
