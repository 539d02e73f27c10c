"""CatalogueRepository over the settings database's tv_* tables."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

from upbit_auto_trading.domain.trigger.variables import (
    Catalogue,
    ChartPlacement,
    ComparisonGroup,
    ParameterDefinition,
    ParameterType,
    Purpose,
    Source,
    ValueRange,
    VariableDefinition,
)
from upbit_auto_trading.infrastructure.sqlite.catalogue_seeder import seeded_version
from upbit_auto_trading.infrastructure.sqlite.guarded_connection import SqlConnection
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def _default(kind: ParameterType, text: str | None) -> int | float | str | None:
    if text is None:
        return None
    if kind is ParameterType.INT:
        return int(float(text))
    if kind is ParameterType.FLOAT:
        return float(text)
    return text


class SqliteCatalogueRepository:
    """Reads the seeded catalogue; cached per database file and seeded version."""

    def __init__(self, session: DatabaseSession) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._cache: tuple[tuple[str, int], Catalogue] | None = None

    def load(self) -> Catalogue:
        db = self._session.settings
        conn = db.connection()
        key = (str(db.path), seeded_version(conn))
        with self._lock:
            if self._cache is not None and self._cache[0] == key:
                return self._cache[1]
        catalogue = self._read(conn, key[1])
        with self._lock:
            self._cache = (key, catalogue)
        return catalogue

    @staticmethod
    def _read(conn: SqlConnection, version: int) -> Catalogue:
        helps, holders = _help_texts(conn), _placeholder_texts(conn)
        params: dict[str, list[ParameterDefinition]] = defaultdict(list)
        for row in conn.execute("SELECT * FROM tv_variable_parameters ORDER BY variable_id, display_order"):
            params[row["variable_id"]].append(_parameter(row, helps, holders))
        active = conn.execute("SELECT * FROM tv_trading_variables WHERE is_active = 1 ORDER BY sort_order")
        variables = tuple(_variable(row, helps, tuple(params[row["variable_id"]])) for row in active)
        groups = tuple(
            ComparisonGroup(r["group_id"], r["name_ko"], r["name_en"], r["description"])
            for r in conn.execute("SELECT * FROM tv_comparison_groups ORDER BY group_id")
        )
        return Catalogue(version=version, variables=variables, groups=groups)


_Key = tuple[str, str]
"""(variable id, parameter name); the parameter name is "" for the variable's own texts."""
_Helps = dict[_Key, dict[str, tuple[str, str]]]
"""language -> (help text, tooltip)"""
_Placeholders = dict[_Key, dict[str, str]]
"""language -> placeholder text"""


def _help_texts(conn: SqlConnection) -> _Helps:
    helps: _Helps = defaultdict(dict)
    sql = "SELECT variable_id, parameter_name, language, help_text, tooltip FROM tv_help_texts"
    for row in conn.execute(sql):
        key = (row["variable_id"], row["parameter_name"])
        helps[key][row["language"]] = (row["help_text"], row["tooltip"])
    return helps


def _placeholder_texts(conn: SqlConnection) -> _Placeholders:
    holders: _Placeholders = defaultdict(dict)
    for row in conn.execute("SELECT variable_id, parameter_name, language, text FROM tv_placeholder_texts"):
        holders[(row["variable_id"], row["parameter_name"])][row["language"]] = row["text"]
    return holders


def _parameter(row: Any, helps: _Helps, holders: _Placeholders) -> ParameterDefinition:
    """A tv_variable_parameters row with its texts."""
    kind = ParameterType(row["parameter_type"])
    key = (row["variable_id"], row["parameter_name"])
    return ParameterDefinition(
        name=row["parameter_name"],
        type=kind,
        default=_default(kind, row["default_value"]),
        minimum=_number(row["min_value"]),
        maximum=_number(row["max_value"]),
        choices=tuple(row["enum_values"].split(",")) if row["enum_values"] else (),
        required=bool(row["is_required"]),
        name_ko=row["display_name_ko"],
        name_en=row["display_name_en"],
        help_ko=helps[key].get("ko", ("", ""))[0],
        help_en=helps[key].get("en", ("", ""))[0],
        placeholder_ko=holders[key].get("ko", ""),
        placeholder_en=holders[key].get("en", ""),
    )


def _variable(row: Any, helps: _Helps, parameters: tuple[ParameterDefinition, ...]) -> VariableDefinition:
    """A tv_trading_variables row with its texts and parameters."""
    vid = row["variable_id"]
    ko = helps[(vid, "")].get("ko", ("", ""))
    en = helps[(vid, "")].get("en", ("", ""))
    return VariableDefinition(
        variable_id=vid,
        name_ko=row["name_ko"],
        name_en=row["name_en"],
        purpose=Purpose(row["purpose_category"]),
        chart=ChartPlacement(row["chart_category"]),
        group=row["comparison_group"],
        source=Source(row["source"]),
        value_range=ValueRange(
            _number(row["value_min"]),
            _number(row["value_max"]),
            bool(row["value_min_exclusive"]),
            row["unit"],
        ),
        parameters=parameters,
        help_ko=ko[0],
        help_en=en[0],
        tooltip_ko=ko[1],
        tooltip_en=en[1],
        sort_order=row["sort_order"],
    )
