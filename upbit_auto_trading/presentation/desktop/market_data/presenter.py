"""Logic of the market-data screen. No Qt: tested with a fake view and an ``ImmediateBackgroundWork``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from upbit_auto_trading.application.market_data.download_candles import DownloadCommand
from upbit_auto_trading.application.market_data.dto import (
    DownloadReport,
    ImportSpec,
    SeriesSummary,
)
from upbit_auto_trading.application.market_data.errors import (
    AmbiguousNumbersError,
    MarketMismatchError,
    StartDateNeededError,
)
from upbit_auto_trading.application.ports.candle_page_fetcher import NetworkUnavailableError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.import_report import ImportReport
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext, WorkHandle
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.market_data.model import (
    DownloadRequest,
    ImportRequest,
    SeriesRow,
    kst_text,
)
from upbit_auto_trading.presentation.desktop.market_data.services import MarketDataUseCases

log = logging.getLogger(__name__)


class MarketDataView(Protocol):
    def show_series(self, rows: Sequence[SeriesRow]) -> None: ...
    def selected_series(self) -> tuple[str, str] | None: ...
    def select_series(self, market: str, timeframe: str) -> None: ...
    def show_chart(self, arrays: CandleArrays) -> None: ...
    def clear_chart(self) -> None: ...
    def ask_import(self) -> ImportRequest | None: ...
    def ask_number_format(
        self, file: str, sample: str, decimal: str, thousands: str
    ) -> tuple[str, str] | None: ...
    def ask_download(self, market: str | None, timeframe: str | None) -> DownloadRequest | None: ...
    def ask_resample_target(self, choices: Sequence[str]) -> str | None: ...
    def confirm(self, question: str) -> bool: ...
    def set_busy(
        self, busy: bool, message: str = "", progress: float | None = None, cancellable: bool = False
    ) -> None: ...
    def show_message(self, text: str) -> None: ...
    def show_error(self, text: str) -> None: ...


class MarketDataPresenter:
    """``use_cases`` makes a new use case for each task (``MarketDataServices`` in the app); ``reader`` gives
    the chart its candles."""

    def __init__(
        self, view: MarketDataView, use_cases: MarketDataUseCases, reader: CandleReader, work: BackgroundWork
    ) -> None:
        self._view = view
        self._uc = use_cases
        self._reader = reader
        self._work = work
        self._download: WorkHandle | None = None
        self._busy = False
        self.rows: list[SeriesRow] = []

    # ---- list and chart -----------------------------------------------------------------------------------
    def refresh(self, then_select: tuple[str, str] | None = None) -> None:
        keep = then_select or self._view.selected_series()

        def done(summaries: list[SeriesSummary]) -> None:
            self.rows = [to_row(s) for s in summaries]
            self._view.show_series(self.rows)
            if keep and any((r.market, r.timeframe) == keep for r in self.rows):
                self._view.select_series(*keep)
            elif self.rows:
                self._view.select_series(self.rows[0].market, self.rows[0].timeframe)
            else:
                self._view.clear_chart()

        self._work.submit(lambda _job: self._uc.list_series().execute(with_gaps=True), done, self._failed)

    def on_series_selected(self) -> None:
        selected = self._view.selected_series()
        if selected is None:
            self._view.clear_chart()
            return
        market, timeframe = selected
        self._work.submit(
            lambda _job: self._reader.load_arrays(market, timeframe), self._view.show_chart, self._failed
        )

    # ---- import -------------------------------------------------------------------------------------------
    def on_import(self) -> None:
        request = self._view.ask_import()
        if request is not None:
            self._import(request)

    def _import(self, request: ImportRequest) -> None:
        if not self._start(tr("CSV 가져오는 중...", "Importing CSV...")):
            return
        spec = ImportSpec(
            request.path,
            request.market,
            request.timeframe,
            request.format,
            request.tz,
            request.column_map,
            request.decimal,
            request.thousands,
        )

        def done(report: ImportReport) -> None:
            self._stop()
            self._view.show_message(import_summary(report))
            self.refresh((report.market, report.timeframe))

        def failed(exc: Exception) -> None:
            # Refusals a question can settle: ask once, then import again with the answer (nothing was stored).
            # The answer removes the refusal (named separators never read two ways; the file's own market
            # matches), so each question comes at most once per import.
            if isinstance(exc, AmbiguousNumbersError):
                self._stop()
                answer = self._view.ask_number_format(
                    request.path.name, exc.sample, exc.decimal, exc.thousands
                )
                if answer is not None:
                    self._import(replace(request, decimal=answer[0], thousands=answer[1]))
                return
            if isinstance(exc, MarketMismatchError) and exc.file_market:
                self._stop()
                question = tr(
                    f"{request.path.name}에는 {exc.file_market} 캔들이 들어 있습니다 ({exc.market} 아님). "
                    f"{exc.file_market}(으)로 가져올까요?",
                    f"{request.path.name} holds {exc.file_market} candles, not {exc.market}. "
                    f"Import them as {exc.file_market}?",
                )
                if self._view.confirm(question):
                    self._import(replace(request, market=exc.file_market))
                return
            self._failed(exc)

        self._work.submit(lambda _job: self._uc.import_candles().execute(spec), done, failed)

    # ---- download -----------------------------------------------------------------------------------------
    def on_download(self) -> None:
        selected = self._view.selected_series()
        request = self._view.ask_download(*(selected or (None, None)))
        if request is None or not self._start(tr("다운로드 중...", "Downloading..."), cancellable=True):
            return
        command = DownloadCommand(request.market, request.timeframe, request.start, request.end)

        def progress(p: Progress) -> None:
            fetched = int(p.done)
            text = tr(f"다운로드 중: {fetched:,}개", f"Downloading: {fetched:,} candles")
            self._view.set_busy(True, text, p.fraction, True)

        def work(job: JobContext) -> DownloadReport:
            with self._uc.candle_fetcher(api_url=request.api_url) as fetcher:
                return self._uc.download_candles(fetcher=fetcher).execute(
                    command, progress=job.progress, cancel=job.cancel
                )

        def done(report: DownloadReport) -> None:
            self._stop()
            if report.status == "cancelled":
                self._view.show_message(
                    tr(
                        f"다운로드를 취소했습니다. 받은 {report.fetched:,}개는 저장되었고, 다시 받으면 이어서 받습니다.",
                        f"Download cancelled. The {report.fetched:,} candles fetched are stored; "
                        "downloading again resumes it.",
                    )
                )
            else:
                self._view.show_message(
                    tr(
                        f"다운로드 완료: {report.fetched:,}개 (새 캔들 {report.inserted:,}개)",
                        f"Download complete: {report.fetched:,} candles ({report.inserted:,} new)",
                    )
                )
            self.refresh((report.market, report.timeframe))

        self._download = self._work.submit(work, done, self._failed, on_progress=progress)

    def on_cancel(self) -> None:
        if self._download is not None:
            self._download.cancel()
            self._view.set_busy(True, tr("취소하는 중...", "Cancelling..."), None, False)

    def close(self) -> None:
        """The screen is going away: stop a running download (it stays resumable). Touches no widget."""
        if self._download is not None:
            self._download.cancel()

    # ---- resample and delete ------------------------------------------------------------------------------
    def on_resample(self) -> None:
        selected = self._view.selected_series()
        if selected is None:
            self._view.show_error(tr("먼저 시리즈를 선택하세요.", "Select a series first."))
            return
        market, source = selected
        choices = resample_targets(source)
        if not choices:
            self._view.show_error(
                tr(f"{source}보다 큰 단위로 만들 수 없습니다.", f"{source} cannot be resampled further.")
            )
            return
        target = self._view.ask_resample_target(choices)
        if target is None or not self._start(tr("리샘플링 중...", "Resampling...")):
            return

        def done(report: Any) -> None:
            self._stop()
            self._view.show_message(
                tr(
                    f"{market} {source} → {target}: {report.written:,}개 캔들",
                    f"{market} {source} -> {target}: {report.written:,} candles",
                )
            )
            self.refresh((market, target))

        self._work.submit(
            lambda _job: self._uc.resample_series().execute(market, source, target), done, self._failed
        )

    def on_delete(self) -> None:
        selected = self._view.selected_series()
        if selected is None:
            self._view.show_error(tr("먼저 시리즈를 선택하세요.", "Select a series first."))
            return
        market, timeframe = selected
        question = tr(
            f"{market} {timeframe} 캔들을 모두 삭제할까요? 되돌릴 수 없습니다.",
            f"Delete every {timeframe} candle of {market}? This cannot be undone.",
        )
        if not self._view.confirm(question) or not self._start(tr("삭제 중...", "Deleting...")):
            return

        def done(deleted: int) -> None:
            self._stop()
            self._view.show_message(
                tr(f"{deleted:,}개 캔들을 삭제했습니다.", f"Deleted {deleted:,} candles.")
            )
            self.refresh()

        self._work.submit(
            lambda _job: self._uc.delete_series().execute(market, timeframe), done, self._failed
        )

    # ---- busy state ---------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._busy

    def _start(self, message: str, cancellable: bool = False) -> bool:
        if self._busy:
            self._view.show_error(tr("다른 작업이 진행 중입니다.", "Another task is running."))
            return False
        self._busy = True
        self._view.set_busy(True, message, None, cancellable)
        return True

    def _stop(self) -> None:
        self._busy = False
        self._download = None
        self._view.set_busy(False)

    def _failed(self, exc: Exception) -> None:
        self._stop()
        if isinstance(exc, NetworkUnavailableError):
            message = tr(
                "Upbit에 연결할 수 없습니다 (네트워크 없음). 저장된 캔들은 그대로이며, 나중에 다시 받으면 이어서 받습니다.",
                "Cannot reach Upbit (no network). Stored candles are unchanged; download again later to resume.",
            )
            self._view.show_error(f"{message}\n\n{exc}")
            return
        log.warning("market-data task failed: %s", exc, exc_info=not _is_expected(exc))
        if isinstance(exc, StartDateNeededError):  # in the UI language, naming the dialog's field
            self._view.show_error(tr("이 시리즈는 저장된 캔들이 없어 처음 받을 때 시작일이 필요합니다.",
                                     "Nothing of this series is stored yet: give a start date for the first "
                                     "download."))  # fmt: skip
            return
        self._view.show_error(str(exc) or type(exc).__name__)


def _is_expected(exc: Exception) -> bool:
    return type(exc).__module__.startswith("upbit_auto_trading")


def to_row(summary: SeriesSummary) -> SeriesRow:
    return SeriesRow(
        summary.market,
        summary.timeframe,
        kst_text(summary.first),
        kst_text(summary.last),
        summary.count,
        summary.gaps,
        summary.missing,
    )


def resample_targets(source: str) -> list[str]:
    from upbit_auto_trading.domain.market.errors import ResampleError
    from upbit_auto_trading.domain.market.resampling import check_resample

    out: list[str] = []
    for tf in Timeframe:
        try:
            check_resample(source, tf)
        except ResampleError:
            continue
        out.append(tf.code)
    return out


def import_summary(report: ImportReport) -> str:
    text = tr(
        f"{report.market} {report.timeframe}: 읽음 {report.read:,}, 추가 {report.inserted:,}, 갱신 {report.updated:,}, "
        f"중복 {report.duplicates:,}, 거부 {report.rejected_count:,}",
        f"{report.market} {report.timeframe}: read {report.read:,}, inserted {report.inserted:,}, "
        f"updated {report.updated:,}, duplicates {report.duplicates:,}, rejected {report.rejected_count:,}",
    )
    reasons = report.rejection_reasons()
    if reasons:
        text += "\n" + "\n".join(f"  {reason}: {count}" for reason, count in sorted(reasons.items()))
    return text


Callback = Callable[[], None]
