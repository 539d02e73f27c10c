"""Export stored runs as a report: one self-contained HTML file and, per run, a trades and a metrics CSV.

The use case reopens and analyses every run first (a missing run fails before anything is written), has
the renderer write every file's text in memory, then hands them all to the writer at once, which writes
all of them or none. The renderer (HTML, CSV) is the presentation's; the writer is the file system's:
both come in as ports, so the desktop and the CLI export the same files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from upbit_auto_trading.application.analysis.compare_runs import MAX_RUNS, RunComparison, compared
from upbit_auto_trading.application.analysis.reopen import missing_run, reopen_run
from upbit_auto_trading.application.backtest.ports import BacktestRepository, StoredRun
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.analysis.run_analysis import RunAnalysis, analyse
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback, no_progress

LANGUAGES = ("en", "ko")


class ReportError(ApplicationError):
    """The export was refused before anything was written (no runs, too many, no output, a bad path)."""


@dataclass(frozen=True, eq=False)
class ReportRun:
    """One run as the report shows it: the stored record (settings, trades, metrics as run) and its
    analysis. ``candles_known`` False: the run's candles are gone or changed, so its times are spread evenly
    over its period and buy-and-hold is unknown (the report says so)."""

    stored: StoredRun
    analysis: RunAnalysis
    candles_known: bool

    @property
    def run_id(self) -> int:
        return self.stored.run_id


@dataclass(frozen=True, eq=False)
class Report:
    """What one export shows: its runs in the order given, their comparison (settings side by side, periods
    checked) when there are two or more, and when it was made (UTC)."""

    runs: list[ReportRun]
    comparison: RunComparison | None
    created_at: datetime


class ReportRenderer(Protocol):
    """Writes the report's files as text (the presentation's ``presentation/report``)."""

    def html(self, report: Report, language: str) -> str:
        """The whole report as one HTML document, charts inline."""
        ...

    def trades_csv(self, run: ReportRun) -> str:
        """One row per round trip of ``run``."""
        ...

    def metrics_csv(self, run: ReportRun) -> str:
        """One row per figure of ``run``: settings, metrics, analysis, monthly and yearly returns."""
        ...


class WriteFiles(Protocol):
    def __call__(self, files: Mapping[Path, str]) -> None:
        """Write every file (UTF-8) or none: temp files first, renamed into place only when all are written;
        a failure leaves the destinations as they were. Raises with a one-line message naming the path."""
        ...


@dataclass(frozen=True)
class ExportedReport:
    run_ids: list[int]
    html: Path | None
    csv_files: list[Path]
    bytes_written: int

    @property
    def files(self) -> list[Path]:
        return ([self.html] if self.html is not None else []) + self.csv_files

    def to_dict(self) -> dict[str, object]:
        return {
            "runs": self.run_ids,
            "html": None if self.html is None else str(self.html),
            "csv": [str(p) for p in self.csv_files],
            "bytes": self.bytes_written,
        }


def csv_names(run_id: int) -> tuple[str, str]:
    """The CSV files of one run in the ``--csv`` folder: ``run-3-trades.csv`` and ``run-3-metrics.csv``."""
    return f"run-{run_id}-trades.csv", f"run-{run_id}-metrics.csv"


class ExportReport:
    def __init__(
        self,
        runs: BacktestRepository,
        candles: CandleReader,
        renderer: ReportRenderer,
        write: WriteFiles,
    ) -> None:
        self._runs = runs
        self._candles = candles
        self._renderer = renderer
        self._write = write

    def execute(
        self,
        run_ids: Sequence[int],
        *,
        html: Path | None = None,
        csv_dir: Path | None = None,
        language: str = "en",
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> ExportedReport:
        """Write the report of ``run_ids`` (1 to 8, in the order given; a run named twice counts once) to
        ``html`` and/or the CSVs to ``csv_dir``. Raises before writing anything when a run is missing."""
        ids = self._check(run_ids, html, csv_dir, language)
        for run_id in ids:  # a mistyped id fails at once, not after the others were analysed
            if self._runs.get(run_id) is None:
                raise missing_run(run_id)
        cancel = cancel or CancelToken()
        steps = len(ids) + 1
        runs: list[ReportRun] = []
        for i, run_id in enumerate(ids):
            cancel.raise_if_cancelled("Report export cancelled; nothing was written")
            progress(Progress(i, steps, f"analysing run {run_id}"))
            runs.append(self.report_run(run_id))
        cancel.raise_if_cancelled("Report export cancelled; nothing was written")
        progress(Progress(len(ids), steps, "writing"))
        report = Report(
            runs=runs,
            comparison=compared([r.stored for r in runs]) if len(runs) > 1 else None,
            created_at=datetime.now(UTC),
        )
        files: dict[Path, str] = {}
        if html is not None:
            files[html] = self._renderer.html(report, language)
        csv_files: list[Path] = []
        if csv_dir is not None:
            for run in runs:
                trades_name, metrics_name = csv_names(run.run_id)
                files[csv_dir / trades_name] = self._renderer.trades_csv(run)
                files[csv_dir / metrics_name] = self._renderer.metrics_csv(run)
                csv_files += [csv_dir / trades_name, csv_dir / metrics_name]
        self._write(files)
        progress(Progress(steps, steps, "done"))
        return ExportedReport(
            run_ids=ids,
            html=html,
            csv_files=csv_files,
            bytes_written=sum(len(text.encode("utf-8")) for text in files.values()),
        )

    def report_run(self, run_id: int) -> ReportRun:
        """One stored run, reopened (with its entry signals, for the by-trigger breakdown) and analysed."""
        reopened = reopen_run(self._runs, self._candles, run_id, with_signals=True)
        return ReportRun(
            reopened.stored, analyse(reopened.result, reopened.entry_groups), reopened.candles_known
        )

    @staticmethod
    def _check(run_ids: Sequence[int], html: Path | None, csv_dir: Path | None, language: str) -> list[int]:
        ids = list(dict.fromkeys(int(r) for r in run_ids))
        if not ids:
            raise ReportError("Name at least one stored run to export (`backtest list` shows them)")
        if len(ids) > MAX_RUNS:
            raise ReportError(f"A report compares at most {MAX_RUNS} runs; {len(ids)} were given")
        if html is None and csv_dir is None:
            raise ReportError("Nothing to write: give an HTML file, a CSV folder, or both")
        if language not in LANGUAGES:
            raise ReportError(f"The report is written in {' or '.join(LANGUAGES)}; got {language!r}")
        if html is not None and html.suffix.lower() not in (".html", ".htm"):
            raise ReportError(f"The HTML report's file name should end in .html; got {html.name!r}")
        return ids
