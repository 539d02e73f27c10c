"""Load the packaged catalogue file and (re)write it into the settings database's tv_* tables.

Seeding replaces every catalogue row, so a higher ``catalogue_version`` in the package simply re-seeds;
the seeded version is kept in ``app_settings`` under ``catalogue.version``.
"""

from __future__ import annotations

import logging
import re
from importlib import resources

import yaml

from upbit_auto_trading.domain.trigger.variables import (
    Catalogue,
    ParameterDefinition,
    VariableDefinition,
    catalogue_from_dict,
)
from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.sqlite.guarded_connection import SqlConnection
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

log = logging.getLogger(__name__)

VERSION_KEY = "catalogue.version"
_RESOURCE = ("upbit_auto_trading.resources.catalogue", "catalogue.yaml")


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses the catalogue ~10x faster
_VERSION_LINE = re.compile(r"^catalogue_version:\s*(\d+)\s*$", re.MULTILINE)


def _packaged_text() -> str:
    return resources.files(_RESOURCE[0]).joinpath(_RESOURCE[1]).read_text(encoding="utf-8")


def packaged_catalogue_version() -> int | None:
    """The packaged catalogue's version read from its header line, without parsing the whole file."""
    match = _VERSION_LINE.search(_packaged_text())
    return int(match.group(1)) if match else None


def load_packaged_catalogue() -> Catalogue:
    text = _packaged_text()
    try:
        return catalogue_from_dict(yaml.load(text, Loader=_Loader))
    except (KeyError, ValueError, TypeError, yaml.YAMLError) as exc:
        raise DatabaseError(f"The packaged trading-variable catalogue is broken: {exc}") from exc


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def seed_catalogue(conn: SqlConnection, catalogue: Catalogue) -> None:
    """Replace the tv_* rows with ``catalogue`` (call inside a transaction)."""
    for table in (
        "tv_help_texts",
        "tv_placeholder_texts",
        "tv_variable_parameters",
        "tv_trading_variables",
        "tv_comparison_groups",
    ):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    conn.executemany(
        "INSERT INTO tv_comparison_groups (group_id, name_ko, name_en, description) VALUES (?, ?, ?, ?)",
        [(g.group_id, g.name_ko, g.name_en, g.description) for g in catalogue.groups],
    )
    for v in catalogue.variables:
        _insert_variable(conn, v)
        for order, p in enumerate(v.parameters):
            _insert_parameter(conn, v, order, p)
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        (VERSION_KEY, str(catalogue.version)),
    )
    log.info("seeded trading-variable catalogue version %d (%d variables)", catalogue.version, len(catalogue))


def _insert_variable(conn: SqlConnection, v: VariableDefinition) -> None:
    """One variable's row and its help texts in both languages."""
    conn.execute(
        "INSERT INTO tv_trading_variables (variable_id, name_ko, name_en, purpose_category, chart_category,"
        " comparison_group, is_active, description, sort_order, source, value_min, value_max,"
        " value_min_exclusive, unit) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)",
        (
            v.variable_id,
            v.name_ko,
            v.name_en,
            v.purpose.value,
            v.chart.value,
            v.group,
            v.help_en,
            v.sort_order,
            v.source.value,
            _text(v.value_range.minimum),
            _text(v.value_range.maximum),
            int(v.value_range.min_exclusive),
            v.value_range.unit,
        ),
    )
    conn.executemany(
        "INSERT INTO tv_help_texts (variable_id, parameter_name, language, help_text, tooltip) VALUES (?, '', ?, ?, ?)",
        [(v.variable_id, "ko", v.help_ko, v.tooltip_ko), (v.variable_id, "en", v.help_en, v.tooltip_en)],
    )


def _insert_parameter(conn: SqlConnection, v: VariableDefinition, order: int, p: ParameterDefinition) -> None:
    """One parameter of ``v`` (``order``: its place in the form) with its help and placeholder texts."""
    conn.execute(
        "INSERT INTO tv_variable_parameters (variable_id, parameter_name, parameter_type, default_value,"
        " min_value, max_value, enum_values, is_required, display_name_ko, display_name_en, description,"
        " display_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            v.variable_id,
            p.name,
            p.type.value,
            _text(p.default),
            _text(p.minimum),
            _text(p.maximum),
            ",".join(p.choices) if p.choices else None,
            int(p.required),
            p.name_ko,
            p.name_en,
            p.help_en,
            order,
        ),
    )
    conn.executemany(
        "INSERT INTO tv_help_texts (variable_id, parameter_name, language, help_text, tooltip)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (v.variable_id, p.name, "ko", p.help_ko, p.help_ko),
            (v.variable_id, p.name, "en", p.help_en, p.help_en),
        ],
    )
    conn.executemany(
        "INSERT INTO tv_placeholder_texts (variable_id, parameter_name, language, text) VALUES (?, ?, ?, ?)",
        [
            (v.variable_id, p.name, "ko", p.placeholder_ko),
            (v.variable_id, p.name, "en", p.placeholder_en),
        ],
    )


def seeded_version(conn: SqlConnection) -> int:
    row = conn.execute("SELECT value FROM app_settings WHERE key = ?", (VERSION_KEY,)).fetchone()
    return int(row[0]) if row else 0


class CatalogueSeeder:
    """Start-up step: re-seed the active profile's catalogue when the packaged version is higher."""

    def __init__(self, session: DatabaseSession, packaged: Catalogue | None = None) -> None:
        self._session = session
        self._packaged = packaged

    def upgrade_if_needed(self) -> bool:
        db = self._session.settings
        if self._packaged is None:
            cheap = packaged_catalogue_version()  # every start pays for this line, not for the YAML
            if cheap is not None and seeded_version(db.connection()) >= cheap:
                return False
        catalogue = self._packaged or load_packaged_catalogue()
        with db.transaction() as conn:
            current = seeded_version(conn)
            if current >= catalogue.version:
                return False
            seed_catalogue(conn, catalogue)
        log.info("catalogue upgraded from version %d to %d", current, catalogue.version)
        return True
