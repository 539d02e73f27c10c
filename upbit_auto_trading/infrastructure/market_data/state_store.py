"""SQLite adapters for download progress (resume) and the bundled-data seed ledger."""

from __future__ import annotations

from upbit_auto_trading.application.market_data.dto import DownloadState
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


class SqliteDownloadStateStore:
    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def load(self, market: str, timeframe: str) -> DownloadState | None:
        row = (
            self._session.market_data.connection()
            .execute(
                "SELECT range_start, range_end, cursor, fetched FROM candle_download_progress "
                "WHERE market = ? AND timeframe = ?",
                (market, timeframe),
            )
            .fetchone()
        )
        if row is None:
            return None
        return DownloadState(market, timeframe, int(row[0]), int(row[1]), int(row[2]), int(row[3]))

    def save(self, state: DownloadState) -> None:
        with self._session.market_data.transaction() as conn:
            conn.execute(
                "INSERT INTO candle_download_progress (market, timeframe, range_start, range_end, cursor, fetched) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (market, timeframe) DO UPDATE SET "
                "range_start = excluded.range_start, range_end = excluded.range_end, cursor = excluded.cursor, "
                "fetched = excluded.fetched, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                (
                    state.market,
                    state.timeframe,
                    state.range_start,
                    state.range_end,
                    state.cursor,
                    state.fetched,
                ),
            )

    def clear(self, market: str, timeframe: str) -> None:
        with self._session.market_data.transaction() as conn:
            conn.execute(
                "DELETE FROM candle_download_progress WHERE market = ? AND timeframe = ?", (market, timeframe)
            )


class SqliteSeedLedger:
    def __init__(self, session: DatabaseSession) -> None:
        self._session = session

    def is_seeded(self, key: str) -> bool:
        row = (
            self._session.market_data.connection()
            .execute("SELECT 1 FROM market_data_meta WHERE key = ?", (key,))
            .fetchone()
        )
        return row is not None

    def mark_seeded(self, key: str) -> None:
        with self._session.market_data.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO market_data_meta (key, value) VALUES (?, 'done')", (key,))
