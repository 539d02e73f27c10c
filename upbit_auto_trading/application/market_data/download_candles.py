"""Download candles from the exchange, page by page, resumable after a cancel or a crash."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.market_data.dto import DownloadReport, DownloadState, iso_utc
from upbit_auto_trading.application.market_data.errors import DownloadError, StartDateNeededError
from upbit_auto_trading.application.market_data.ports import CandleStore, DownloadStateStore
from upbit_auto_trading.application.ports.candle_page_fetcher import (
    CandleFetchError,
    CandlePageFetcher,
    NetworkUnavailableError,
)
from upbit_auto_trading.domain.market.calendar import bucket_start, next_start, periods_between
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.market_id import normalize_market
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback

log = logging.getLogger(__name__)

PAGE_SIZE = 200


@dataclass(frozen=True)
class DownloadCommand:
    """``start``/``end`` bound the candle starts (UTC). ``start`` None = from the newest stored candle
    (an update); ``end`` None = now."""

    market: str
    timeframe: str
    start: datetime | None = None
    end: datetime | None = None


class DownloadCandles:
    """Pages backwards from ``end`` (Upbit returns newest first and pages with ``to``) until ``start``.

    After every stored page the cursor (oldest start fetched) is saved, so the same request run again after a
    cancel, an error or a crash continues where it stopped. Candles that have not closed yet are skipped.
    """

    def __init__(
        self,
        fetcher: CandlePageFetcher,
        store: CandleStore,
        state: DownloadStateStore,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._store = store
        self._state = state
        self._clock = clock or (lambda: datetime.now(UTC))

    def execute(
        self,
        command: DownloadCommand,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> DownloadReport:
        """``progress`` gets the candles fetched of those expected after each page, with a line saying how far
        back it is (the last call says "done"); ``cancel`` is looked at before each page (the report then says
        "cancelled" and a later download resumes)."""
        market = normalize_market(command.market)
        tf = Timeframe.from_code(command.timeframe)
        now = int(self._clock().timestamp())
        range_start, range_end = self._range(command, market, tf, now)

        saved = self._state.load(market, tf.code)
        resumed = saved is not None and saved.range_start == range_start and saved.range_end == range_end
        cursor = saved.cursor if resumed and saved else range_end + 1
        fetched = saved.fetched if resumed and saved else 0
        expected = periods_between(range_start, bucket_start(range_end, tf), tf)
        pages = inserted = updated = duplicates = 0
        status = "complete"
        if resumed:
            log.info("resuming %s %s download at %s", market, tf.code, cursor)

        while cursor > range_start:
            if cancel is not None and cancel.cancelled:
                status = "cancelled"
                break
            page = self._fetch(market, tf, cursor)
            pages += 1
            usable = [c for c in page if range_start <= c.start_epoch < cursor and _closed(c, tf, now)]
            oldest_in_page = min((c.start_epoch for c in page), default=None)
            if usable:
                counts = self._store.upsert(usable)
                inserted += counts.inserted
                updated += counts.updated
                duplicates += counts.unchanged
                fetched += len(usable)
            if oldest_in_page is None or oldest_in_page >= cursor:
                break  # nothing older exists (or a server that ignores `to`): stop rather than loop
            cursor = oldest_in_page
            self._state.save(DownloadState(market, tf.code, range_start, range_end, cursor, fetched))
            if progress is not None:
                progress(_page_progress(market, tf, fetched, expected, cursor))
            if len(page) < PAGE_SIZE and oldest_in_page > range_start:
                break  # the exchange has nothing older than this page
        if status == "complete":
            self._state.clear(market, tf.code)
            if progress is not None:
                progress(Progress(max(fetched, expected), expected, "done"))
        return DownloadReport(
            market=market,
            timeframe=tf.code,
            start=datetime.fromtimestamp(range_start, UTC),
            end=datetime.fromtimestamp(range_end, UTC),
            pages=pages,
            fetched=fetched,
            inserted=inserted,
            updated=updated,
            duplicates=duplicates,
            status=status,
            resumed=resumed,
        )

    def _range(self, command: DownloadCommand, market: str, tf: Timeframe, now: int) -> tuple[int, int]:
        """The first and last candle start to download (epoch seconds): from the command's start, or from
        the newest stored candle when it has none; to its end or now, whichever is earlier."""
        range_end = int(command.end.timestamp()) if command.end is not None else now
        if command.start is not None:
            range_start = bucket_start(int(command.start.timestamp()), tf)
        else:
            newest = self._store.newest_start(market, tf.code)
            if newest is None:
                raise StartDateNeededError(
                    f"No {tf.code} candles of {market} are stored yet: give a start date for the first download"
                )
            range_start = newest
        range_end = min(range_end, now)
        if range_end < range_start:
            raise ApplicationError("The download range is empty: the end is before the start")
        return range_start, range_end

    def _fetch(self, market: str, tf: Timeframe, cursor: int) -> list[Candle]:
        to = datetime.fromtimestamp(cursor, UTC)
        try:
            return list(self._fetcher.fetch_candles(market, tf.code, to, PAGE_SIZE))
        except NetworkUnavailableError as exc:
            raise NetworkUnavailableError(
                f"Cannot reach the exchange ({exc}). Stored candles are unchanged; run the download again "
                "when the network is back and it continues where it stopped."
            ) from exc
        except CandleFetchError as exc:
            raise DownloadError(
                f"Download of {market} {tf.code} stopped: {exc}. Run it again to resume."
            ) from exc
        except ConnectionError as exc:
            raise NetworkUnavailableError(
                f"Cannot reach the exchange ({exc}). Stored candles are unchanged; try again later."
            ) from exc
        except (
            Exception
        ) as exc:  # an adapter error we do not know by type: keep the progress, say what failed
            log.warning("candle page fetch failed", exc_info=True)
            raise DownloadError(
                f"Download of {market} {tf.code} stopped: {type(exc).__name__}: {exc}. Run it again to resume."
            ) from exc


def _page_progress(market: str, tf: Timeframe, fetched: int, expected: int, cursor: int) -> Progress:
    back_to = iso_utc(datetime.fromtimestamp(cursor, UTC))
    return Progress(fetched, expected, f"{market} {tf.code}: {fetched} candles, back to {back_to}")


def _closed(candle: Candle, tf: Timeframe, now: int) -> bool:
    return next_start(candle.start_epoch, tf) <= now
