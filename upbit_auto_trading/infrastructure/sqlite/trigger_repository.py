"""TriggerRepository over the strategies database's trading_conditions table."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from upbit_auto_trading.application.errors import ConflictError
from upbit_auto_trading.domain.trigger.compatibility import Usage
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime(_ISO)


def _parse(text: str | None) -> datetime | None:
    return None if not text else datetime.strptime(text, _ISO).replace(tzinfo=UTC)


def _row_to_condition(row: sqlite3.Row) -> TradingCondition:
    operator = Operator.parse(row["operator"])
    target: VariableRef | FixedValue | None
    if row["target_kind"] == "variable" and row["target_variable_id"]:
        target = VariableRef(row["target_variable_id"], json.loads(row["target_params"] or "{}"))
    elif row["target_value"] is not None:
        target = FixedValue(Decimal(row["target_value"]))
    else:
        target = None
    return TradingCondition(
        name=row["name"],
        variable=VariableRef(row["variable_id"], json.loads(row["variable_params"] or "{}")),
        operator=operator,
        target=target,
        timeframe=row["timeframe"],
        description=row["description"],
        usage=Usage(row["usage"]),
        operator_params=json.loads(row["operator_params"] or "{}"),
        condition_id=row["id"],
        created_at=_parse(row["created_at"]),
        updated_at=_parse(row["updated_at"]),
    )


def _columns(c: TradingCondition) -> dict[str, object]:
    is_variable = isinstance(c.target, VariableRef)
    return {
        "name": c.name,
        "description": c.description,
        "variable_id": c.variable.variable_id,
        "variable_params": json.dumps(dict(c.variable.params), sort_keys=True),
        "operator": c.operator.value,
        "target_kind": "variable" if is_variable else "value",
        "target_value": format(c.target.value, "f") if isinstance(c.target, FixedValue) else None,
        "target_variable_id": c.target.variable_id if isinstance(c.target, VariableRef) else None,
        "target_params": json.dumps(
            dict(c.target.params) if isinstance(c.target, VariableRef) else {}, sort_keys=True
        ),
        "timeframe": c.timeframe,
        "usage": c.usage.value,
        "operator_params": json.dumps(dict(c.operator_params), sort_keys=True),
        "created_at": _iso(c.created_at),
        "updated_at": _iso(c.updated_at),
    }


class SqliteTriggerRepository:
    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def list(self, search: str = "") -> Sequence[TradingCondition]:
        conn = self._session.strategies.connection()
        if search:
            pattern = f"%{search.lower()}%"
            rows = conn.execute(
                "SELECT * FROM trading_conditions WHERE lower(name) LIKE ? OR lower(description) LIKE ?"
                " OR lower(variable_id) LIKE ? OR lower(coalesce(target_variable_id, '')) LIKE ?"
                " ORDER BY name COLLATE NOCASE",
                (pattern, pattern, pattern, pattern),
            ).fetchall()
        else:
            rows = conn.execute("SELECT * FROM trading_conditions ORDER BY name COLLATE NOCASE").fetchall()
        return [_row_to_condition(r) for r in rows]

    def get(self, name: str) -> TradingCondition | None:
        row = (
            self._session.strategies.connection()
            .execute("SELECT * FROM trading_conditions WHERE name = ?", (name.strip(),))
            .fetchone()
        )
        return None if row is None else _row_to_condition(row)

    def get_by_id(self, condition_id: int) -> TradingCondition | None:
        row = (
            self._session.strategies.connection()
            .execute("SELECT * FROM trading_conditions WHERE id = ?", (condition_id,))
            .fetchone()
        )
        return None if row is None else _row_to_condition(row)

    def add(self, condition: TradingCondition) -> TradingCondition:
        values = _columns(condition)
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        try:
            with self._session.strategies.transaction() as conn:
                cursor = conn.execute(
                    f"INSERT INTO trading_conditions ({names}) VALUES ({marks})", tuple(values.values())
                )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(
                f"A trigger named {condition.name!r} already exists; choose another name"
            ) from exc
        return replace(condition, condition_id=int(cursor.lastrowid or 0))

    def update(self, condition: TradingCondition) -> TradingCondition:
        values = _columns(condition)
        assignments = ", ".join(f"{k} = ?" for k in values)
        try:
            with self._session.strategies.transaction() as conn:
                conn.execute(
                    f"UPDATE trading_conditions SET {assignments} WHERE id = ?",
                    (*values.values(), condition.condition_id),
                )
        except sqlite3.IntegrityError as exc:
            raise ConflictError(
                f"A trigger named {condition.name!r} already exists; choose another name"
            ) from exc
        return condition

    def delete(self, condition_id: int) -> bool:
        with self._session.strategies.transaction() as conn:
            return conn.execute("DELETE FROM trading_conditions WHERE id = ?", (condition_id,)).rowcount > 0
