-- Settings database: application settings, encrypted exchange credentials, the trading-variable catalogue.
CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Only ciphertext is ever stored here.
CREATE TABLE api_credentials (
    id INTEGER PRIMARY KEY,
    exchange TEXT NOT NULL DEFAULT 'upbit',
    access_key_ciphertext BLOB NOT NULL,
    secret_key_ciphertext BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (exchange)
);

CREATE TABLE tv_comparison_groups (
    group_id TEXT PRIMARY KEY,
    name_ko TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tv_trading_variables (
    variable_id TEXT PRIMARY KEY,
    name_ko TEXT NOT NULL,
    name_en TEXT NOT NULL,
    purpose_category TEXT NOT NULL,
    chart_category TEXT NOT NULL,
    comparison_group TEXT NOT NULL REFERENCES tv_comparison_groups (group_id),
    is_active INTEGER NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tv_variable_parameters (
    variable_id TEXT NOT NULL REFERENCES tv_trading_variables (variable_id) ON DELETE CASCADE,
    parameter_name TEXT NOT NULL,
    parameter_type TEXT NOT NULL,
    default_value TEXT,
    min_value TEXT,
    max_value TEXT,
    enum_values TEXT,
    is_required INTEGER NOT NULL DEFAULT 1,
    display_name_ko TEXT NOT NULL DEFAULT '',
    display_name_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    display_order INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (variable_id, parameter_name)
);

CREATE TABLE tv_placeholder_texts (
    variable_id TEXT NOT NULL REFERENCES tv_trading_variables (variable_id) ON DELETE CASCADE,
    parameter_name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (variable_id, parameter_name, language)
);

CREATE TABLE tv_help_texts (
    variable_id TEXT NOT NULL REFERENCES tv_trading_variables (variable_id) ON DELETE CASCADE,
    parameter_name TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    help_text TEXT NOT NULL,
    tooltip TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (variable_id, parameter_name, language)
);
