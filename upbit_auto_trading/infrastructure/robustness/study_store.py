"""StudyStore on the profile's strategies database (tables of migration 0070_robustness)."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from upbit_auto_trading.application.robustness.dto import (
    RUNNING,
    CellResult,
    RunCosts,
    StoredStudy,
    StudyDefinition,
    StudySummary,
    utc_iso,
)
from upbit_auto_trading.application.robustness.ports import WalkForwardRecord, WalkForwardWindowRecord
from upbit_auto_trading.domain.robustness.space import ParameterSpace
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


def _pack(arr: np.ndarray, dtype: str = "<f8") -> bytes:
    return zlib.compress(np.ascontiguousarray(arr, dtype=dtype).tobytes(), 6)


def _unpack(blob: bytes | None, dtype: str = "<f8") -> np.ndarray:
    if not blob:
        return np.empty(0, dtype=np.float64 if dtype == "<f8" else np.int64)
    return np.frombuffer(zlib.decompress(blob), dtype=dtype).astype(np.float64 if dtype == "<f8" else np.int64)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


_CELL_COLUMNS = ("study_id", "cell_key", "segment", "seq", "cell_values", "status", "error", "final_equity",
                 "metrics", "result_hash", "signals_hash", "strategy_hash", "first_day", "daily_returns")  # fmt: skip


class SqliteStudyStore:
    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def _db(self) -> SqliteDatabase:
        return self._session.strategies

    def create(self, definition: StudyDefinition, created_at: str) -> int:
        d = definition
        with self._db().transaction() as conn:
            strategy_id = d.strategy_id
            if strategy_id is not None and not conn.execute(
                "SELECT 1 FROM strategy_profiles WHERE id = ?", (strategy_id,)
            ).fetchone():
                strategy_id = None
            cur = conn.execute(
                "INSERT INTO robustness_studies (kind, status, created_at, strategy_name, strategy_id,"
                " strategy_version, strategy_hash, strategy_snapshot, trigger_snapshot, markets, timeframe,"
                " period_start, period_end, costs, space, sampler, trials, seed, objective, engine_version,"
                " data_hashes, total_cells, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?, ?, ?, ?, ?)",
                (d.kind, RUNNING, created_at, d.strategy_name, strategy_id, d.strategy_version, d.strategy_hash,
                 _json(d.strategy), _json(d.triggers), _json(list(d.markets)), d.timeframe, utc_iso(d.start),
                 utc_iso(d.end), _json(d.costs.to_dict()), _json(d.space.to_dict()), d.sampler, d.trials, d.seed,
                 d.objective, d.engine_version, _json(dict(d.data_hashes)), d.total_cells, _json(dict(d.options))),
            )  # fmt: skip
            return int(cur.lastrowid or 0)

    def add_cells(self, study_id: int, results: Sequence[CellResult], values: Sequence[dict[str, str]]) -> None:
        if not results:
            return
        with self._db().transaction() as conn:
            row = conn.execute("SELECT COALESCE(MAX(seq), -1) FROM robustness_cells WHERE study_id = ?",
                               (study_id,)).fetchone()  # fmt: skip
            first = int(row[0]) + 1
            conn.executemany(
                f"INSERT OR REPLACE INTO robustness_cells ({', '.join(_CELL_COLUMNS)})"
                f" VALUES ({', '.join('?' * len(_CELL_COLUMNS))})",
                [(study_id, r.key, r.segment, first + i, _json(v), r.status, r.error, r.final_equity,
                  json.dumps(dict(r.metrics)), r.result_hash, r.signals_hash, r.strategy_hash, r.first_day,
                  _pack(r.daily_returns)) for i, (r, v) in enumerate(zip(results, values, strict=True))],
            )  # fmt: skip

    def cells(self, study_id: int) -> list[CellResult]:
        rows = self._db().connection().execute(
            "SELECT * FROM robustness_cells WHERE study_id = ? ORDER BY seq", (int(study_id),)
        ).fetchall()
        return [
            CellResult(r["cell_key"], r["segment"], r["status"], r["error"], json.loads(r["metrics"]),
                       r["final_equity"], r["result_hash"], r["signals_hash"], r["strategy_hash"], r["first_day"],
                       _unpack(r["daily_returns"]))  # fmt: skip
            for r in rows
        ]

    def set_status(self, study_id: int, status: str, finished_at: str | None = None) -> None:
        with self._db().transaction() as conn:
            conn.execute("UPDATE robustness_studies SET status = ?, finished_at = ? WHERE id = ?",
                         (status, finished_at, int(study_id)))  # fmt: skip

    def save_walk_forward(self, study_id: int, record: WalkForwardRecord) -> None:
        with self._db().transaction() as conn:
            conn.execute("DELETE FROM robustness_windows WHERE study_id = ?", (study_id,))
            conn.executemany(
                "INSERT INTO robustness_windows (study_id, window_no, train_start, train_end, test_start, test_end,"
                " chosen_key, chosen_values, train_value, train_total_return, test_metrics, test_final_equity)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(study_id, w.number, w.train_start, w.train_end, w.test_start, w.test_end, w.chosen_key,
                  _json(w.chosen_values), w.train_value, w.train_total_return, json.dumps(w.test_metrics),
                  w.test_final_equity) for w in record.windows],
            )  # fmt: skip
            conn.execute("INSERT OR REPLACE INTO robustness_curves (study_id, times, equity) VALUES (?, ?, ?)",
                         (study_id, _pack(record.times, "<i8"), _pack(record.equity)))  # fmt: skip

    def walk_forward(self, study_id: int) -> WalkForwardRecord | None:
        conn = self._db().connection()
        curve = conn.execute("SELECT times, equity FROM robustness_curves WHERE study_id = ?",
                             (int(study_id),)).fetchone()  # fmt: skip
        if curve is None:
            return None
        windows = tuple(
            WalkForwardWindowRecord(r["window_no"], r["train_start"], r["train_end"], r["test_start"],
                                    r["test_end"], r["chosen_key"], json.loads(r["chosen_values"]),
                                    r["train_value"], r["train_total_return"], json.loads(r["test_metrics"]),
                                    r["test_final_equity"])  # fmt: skip
            for r in conn.execute(
                "SELECT * FROM robustness_windows WHERE study_id = ? ORDER BY window_no", (int(study_id),)
            )
        )
        return WalkForwardRecord(windows, _unpack(curve["times"], "<i8"), _unpack(curve["equity"]))

    def get(self, study_id: int) -> StoredStudy | None:
        row = self._select("WHERE s.id = ?", (int(study_id),))
        return None if not row else StoredStudy(_summary(row[0]), _definition(row[0]))

    def list(self, kind: str | None = None) -> list[StudySummary]:
        rows = self._select("WHERE s.kind = ?", (kind,)) if kind else self._select("", ())
        return [_summary(r) for r in rows]

    def delete(self, study_id: int) -> bool:
        with self._db().transaction() as conn:
            return conn.execute("DELETE FROM robustness_studies WHERE id = ?", (int(study_id),)).rowcount > 0

    def _select(self, where: str, params: tuple[Any, ...]) -> Sequence[sqlite3.Row]:
        # a sweep counts cells (each runs on every market); a walk-forward counts runs, as its total does
        sql = ("SELECT s.*, (SELECT CASE s.kind WHEN 'sweep' THEN COUNT(DISTINCT c.cell_key) ELSE COUNT(*) END"
               " FROM robustness_cells c WHERE c.study_id = s.id) AS evaluated"
               f" FROM robustness_studies s {where} ORDER BY s.id DESC")  # fmt: skip
        return list(self._db().connection().execute(sql, params).fetchall())


def _summary(r: sqlite3.Row) -> StudySummary:
    space = json.loads(r["space"])
    return StudySummary(
        study_id=r["id"], kind=r["kind"], status=r["status"], strategy_name=r["strategy_name"],
        markets=tuple(json.loads(r["markets"])), timeframe=r["timeframe"], created_at=r["created_at"],
        finished_at=r["finished_at"], evaluated=r["evaluated"], total_cells=r["total_cells"], sampler=r["sampler"],
        objective=r["objective"], parameters=tuple(",".join(d["paths"]) for d in space),
    )  # fmt: skip


def _definition(r: sqlite3.Row) -> StudyDefinition:
    return StudyDefinition(
        kind=r["kind"], strategy_name=r["strategy_name"], strategy_id=r["strategy_id"],
        strategy_version=r["strategy_version"], strategy_hash=r["strategy_hash"],
        strategy=json.loads(r["strategy_snapshot"]), triggers=json.loads(r["trigger_snapshot"]),
        markets=tuple(json.loads(r["markets"])), timeframe=r["timeframe"], start=_time(r["period_start"]),
        end=_time(r["period_end"]), costs=RunCosts.from_dict(json.loads(r["costs"])),
        space=ParameterSpace.from_dict(json.loads(r["space"])), sampler=r["sampler"], trials=r["trials"],
        seed=r["seed"], objective=r["objective"], engine_version=r["engine_version"],
        data_hashes=json.loads(r["data_hashes"]), total_cells=r["total_cells"], options=json.loads(r["options"]),
    )  # fmt: skip
