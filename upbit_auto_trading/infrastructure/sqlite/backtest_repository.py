"""BacktestRepository: ``backtest_results`` + ``performance_metrics`` + trades, fills and curves."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from upbit_auto_trading.application.backtest.ports import RunCurves, RunMeta, RunSummary, StoredRun
from upbit_auto_trading.domain.backtest import BacktestRecord
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

_TRADE_COLUMNS = (
    "trade_no", "entry_time", "entry_price", "average_entry_price", "exit_time", "exit_price", "quantity", "fee",
    "pnl", "return_fraction", "exit_reason", "adds", "entry_bar", "exit_bar",
)  # fmt: skip
_FILL_COLUMNS = ("bar", "time", "side", "kind", "reason", "price", "quantity", "fee", "trade_no")


def _pack(arr: np.ndarray) -> bytes:
    return zlib.compress(np.ascontiguousarray(arr, dtype="<f8").tobytes(), 6)


def _unpack(blob: bytes) -> np.ndarray:
    return np.frombuffer(zlib.decompress(blob), dtype="<f8").astype(np.float64)


def _metric_text(value: Any) -> str:
    return json.dumps(value)  # floats round-trip exactly through repr; None -> null


def _trade_row(run_id: int, t: dict[str, Any]) -> tuple[Any, ...]:
    values = {**t, "return_fraction": t.get("return")}
    return (run_id, *(values.get(c) for c in _TRADE_COLUMNS))


def _trade_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = {c: row[c] for c in _TRADE_COLUMNS}
    ret = d.pop("return_fraction")
    # the record's key order (Trade.to_dict)
    order = ("trade_no", "entry_time", "entry_price", "average_entry_price", "exit_time", "exit_price",
             "quantity", "fee", "pnl", "return", "exit_reason", "adds", "entry_bar", "exit_bar")  # fmt: skip
    d["return"] = ret
    return {k: d[k] for k in order}


class SqliteBacktestRepository:
    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def _db(self) -> SqliteDatabase:
        return self._session.strategies

    def add(self, record: BacktestRecord, meta: RunMeta, curves: RunCurves) -> int:
        r = record
        settings = dict(r.settings)
        with self._db().transaction() as conn:
            strategy_id = meta.strategy_id
            if (
                strategy_id is not None
                and not conn.execute(
                    "SELECT 1 FROM strategy_profiles WHERE id = ?", (strategy_id,)
                ).fetchone()
            ):
                strategy_id = None
            cur = conn.execute(
                "INSERT INTO backtest_results (strategy_name, market, timeframe, started_at, finished_at, settings,"
                " final_equity, strategy_id, strategy_version, strategy_snapshot, strategy_hash, data_start,"
                " data_end, candle_count, candle_hash, signals_hash, result_hash, engine_version,"
                " record_schema_version, duration_ms, trigger_snapshot)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(r.strategy.get("name", "")), r.market, r.timeframe, meta.started_at, meta.finished_at,
                    json.dumps(settings, sort_keys=True), r.final_equity, strategy_id, meta.strategy_version,
                    json.dumps(r.strategy, ensure_ascii=False), r.strategy_hash, r.data_start, r.data_end,
                    r.candle_count, r.candle_hash, r.signals_hash, r.result_hash, r.engine_version,
                    r.record_schema_version, meta.duration_ms, json.dumps(meta.triggers, ensure_ascii=False),
                ),
            )  # fmt: skip
            run_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO performance_metrics (backtest_id, metric, value) VALUES (?, ?, ?)",
                [(run_id, k, _metric_text(v)) for k, v in r.metrics.items()],
            )
            conn.executemany(
                f"INSERT INTO backtest_trades (backtest_id, {', '.join(_TRADE_COLUMNS)})"
                f" VALUES ({', '.join('?' * (len(_TRADE_COLUMNS) + 1))})",
                [_trade_row(run_id, t) for t in r.trades],
            )
            conn.executemany(
                f"INSERT INTO backtest_fills (backtest_id, seq, {', '.join(_FILL_COLUMNS)})"
                f" VALUES ({', '.join('?' * (len(_FILL_COLUMNS) + 2))})",
                [(run_id, i, *(f[c] for c in _FILL_COLUMNS)) for i, f in enumerate(r.fills)],
            )
            conn.execute(
                "INSERT INTO backtest_curves (backtest_id, equity, position) VALUES (?, ?, ?)",
                (run_id, _pack(curves.equity), _pack(curves.position)),
            )
        return run_id

    def list(self, strategy_name: str | None = None) -> Sequence[RunSummary]:
        sql = (
            "SELECT r.*, "
            "(SELECT value FROM performance_metrics m WHERE m.backtest_id = r.id AND metric = 'total_return') AS tr,"
            "(SELECT value FROM performance_metrics m WHERE m.backtest_id = r.id AND metric = 'max_drawdown') AS md,"
            "(SELECT value FROM performance_metrics m WHERE m.backtest_id = r.id AND metric = 'trades') AS nt "
            "FROM backtest_results r"
        )
        params: tuple[Any, ...] = ()
        if strategy_name:
            sql += " WHERE r.strategy_name = ?"
            params = (strategy_name,)
        rows = self._db().connection().execute(sql + " ORDER BY r.id DESC", params).fetchall()
        return [
            RunSummary(
                run_id=row["id"],
                strategy_name=row["strategy_name"],
                market=row["market"],
                timeframe=row["timeframe"],
                data_start=row["data_start"] or "",
                data_end=row["data_end"] or "",
                candle_count=row["candle_count"],
                started_at=row["started_at"],
                final_equity=row["final_equity"] or "",
                total_return=None if row["tr"] is None else json.loads(row["tr"]),
                max_drawdown=None if row["md"] is None else json.loads(row["md"]),
                trades=None if row["nt"] is None else json.loads(row["nt"]),
                engine_version=row["engine_version"],
            )
            for row in rows
        ]

    def get(self, run_id: int) -> StoredRun | None:
        conn = self._db().connection()
        row = conn.execute("SELECT * FROM backtest_results WHERE id = ?", (int(run_id),)).fetchone()
        if row is None:
            return None
        metrics = {
            m["metric"]: json.loads(m["value"]) if m["value"] is not None else None
            for m in conn.execute(
                "SELECT metric, value FROM performance_metrics WHERE backtest_id = ? ORDER BY rowid",
                (int(run_id),),
            )
        }
        trades = [
            _trade_dict(t)
            for t in conn.execute(
                "SELECT * FROM backtest_trades WHERE backtest_id = ? ORDER BY trade_no", (int(run_id),)
            )
        ]
        fills = [
            {c: f[c] for c in _FILL_COLUMNS}
            for f in conn.execute(
                "SELECT * FROM backtest_fills WHERE backtest_id = ? ORDER BY seq", (int(run_id),)
            )
        ]
        record = BacktestRecord(
            engine_version=row["engine_version"],
            strategy=json.loads(row["strategy_snapshot"]),
            strategy_hash=row["strategy_hash"],
            market=row["market"],
            timeframe=row["timeframe"],
            data_start=row["data_start"],
            data_end=row["data_end"],
            candle_count=row["candle_count"],
            candle_hash=row["candle_hash"],
            signals_hash=row["signals_hash"],
            settings=json.loads(row["settings"]),
            final_equity=row["final_equity"],
            metrics=metrics,
            trades=trades,
            fills=fills,
            result_hash=row["result_hash"],
            record_schema_version=row["record_schema_version"],
        )
        meta = RunMeta(
            strategy_id=row["strategy_id"],
            strategy_version=row["strategy_version"],
            started_at=row["started_at"],
            finished_at=row["finished_at"] or "",
            duration_ms=row["duration_ms"] or 0,
            triggers=json.loads(row["trigger_snapshot"] or "{}"),
        )
        return StoredRun(int(run_id), record, meta)

    def curves(self, run_id: int) -> RunCurves | None:
        row = (
            self._db()
            .connection()
            .execute("SELECT equity, position FROM backtest_curves WHERE backtest_id = ?", (int(run_id),))
            .fetchone()
        )
        return None if row is None else RunCurves(_unpack(row["equity"]), _unpack(row["position"]))

    def delete(self, run_id: int) -> bool:
        with self._db().transaction() as conn:
            cur = conn.execute("DELETE FROM backtest_results WHERE id = ?", (int(run_id),))
        return cur.rowcount > 0
