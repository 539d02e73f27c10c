"""``ExportReport`` over real SQLite stores and real files: runs stored by ``RunBacktest`` on the bundled Upbit
KRW-BTC 1h candles are reopened, analysed and written as one HTML file and per-run CSVs, all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from upbit_auto_trading.application.analysis.export_report import ExportReport, ReportError
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.domain.work import CancelToken, OperationCancelled, Progress
from upbit_auto_trading.infrastructure.files.errors import FileOperationError
from upbit_auto_trading.infrastructure.files.file_set import write_text_files
from upbit_auto_trading.presentation.report import ReportWriter

REPO = Path(__file__).resolve().parents[3]
NAME = "Report RSI"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, support):  # noqa: ANN001, ANN201
    w = support.stored_world(tmp_path_factory.mktemp("report"), support.rsi_document(name=NAME))
    run, runs, candles, session = w.run, w.runs, w.candles, w.session

    def backtest(start: str, end: str) -> int:
        return run.execute(
            BacktestRequest(
                strategy=NAME, market="KRW-BTC", timeframe="1h", initial_capital=Decimal("10000000"),
                start=datetime.fromisoformat(start).replace(tzinfo=UTC),
                end=datetime.fromisoformat(end).replace(tzinfo=UTC),
            )
        ).run_id  # fmt: skip

    ids = [backtest("2022-01-01", "2022-12-31T23:00:00"), backtest("2021-01-01", "2021-06-30T23:00:00")]
    export = ExportReport(runs, candles, ReportWriter(), write_text_files)
    yield type("World", (), dict(runs=runs, ids=ids, export=export))
    session.close_all()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".uat-tmp" in p.name)


def test_exports_the_html_and_each_runs_csvs(world, tmp_path: Path) -> None:  # noqa: ANN001
    steps: list[Progress] = []
    html, csv_dir = tmp_path / "out" / "report.html", tmp_path / "out" / "csv"
    done = world.export.execute(world.ids, html=html, csv_dir=csv_dir, progress=steps.append)
    a, b = world.ids
    assert done.run_ids == [a, b] and done.html == html
    assert [p.name for p in done.csv_files] == [f"run-{a}-trades.csv", f"run-{a}-metrics.csv",
                                                f"run-{b}-trades.csv", f"run-{b}-metrics.csv"]  # fmt: skip
    assert done.bytes_written == sum(p.stat().st_size for p in done.files)
    text = html.read_text(encoding="utf-8")
    assert f'id="run-{a}"' in text and f'id="run-{b}"' in text and 'id="comparison"' in text
    assert 'data-flag="periods"' in text  # 2022 against the first half of 2021
    stored = world.runs.get(a).record
    trades = list(csv.DictReader(io.StringIO((csv_dir / f"run-{a}-trades.csv").read_text(encoding="utf-8"))))
    assert len(trades) == len(stored.trades) and trades[0]["entry_time_utc"] == stored.trades[0]["entry_time"]
    assert steps[-1].fraction == 1.0 and any("analysing" in s.message for s in steps)
    assert _leftovers(tmp_path) == []
    assert done.to_dict()["html"] == str(html)


def test_a_missing_run_writes_nothing(world, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "nothing"
    with pytest.raises(NotFoundError, match="No stored backtest run 9999"):
        world.export.execute([world.ids[0], 9999], html=out / "r.html", csv_dir=out / "csv")
    assert not out.exists()


def test_a_failing_file_leaves_every_destination_as_it_was(world, tmp_path: Path) -> None:  # noqa: ANN001
    html = tmp_path / "report.html"
    html.write_text("the previous report", encoding="utf-8")
    blocker = tmp_path / "csv"
    blocker.write_text("a file where the CSV folder should be", encoding="utf-8")
    with pytest.raises(FileOperationError, match="cannot be used as a folder"):
        world.export.execute(world.ids[:1], html=html, csv_dir=blocker)
    assert html.read_text(encoding="utf-8") == "the previous report"  # not replaced by a report without CSVs
    assert _leftovers(tmp_path) == []
    made = tmp_path / "new" / "deeper"
    with pytest.raises(FileOperationError):
        world.export.execute(world.ids[:1], html=made / "r.html", csv_dir=blocker / "x")
    assert not (tmp_path / "new").exists()  # the folders it made for the failed export are gone again


def test_refusals_before_any_work(world, tmp_path: Path) -> None:  # noqa: ANN001
    html = tmp_path / "r.html"
    with pytest.raises(ReportError, match="at most 8"):
        world.export.execute(list(range(1, 10)), html=html)
    with pytest.raises(ReportError, match="Nothing to write"):
        world.export.execute(world.ids)
    with pytest.raises(ReportError, match=r"\.html"):
        world.export.execute(world.ids, html=tmp_path / "r.csv")
    with pytest.raises(ReportError, match="at least one"):
        world.export.execute([], html=html)
    token = CancelToken()
    token.cancel()
    with pytest.raises(OperationCancelled):
        world.export.execute(world.ids, html=html, cancel=token)
    assert list(tmp_path.iterdir()) == []


def test_the_same_run_twice_is_one_run_and_korean_is_korean(world, tmp_path: Path) -> None:  # noqa: ANN001
    html = tmp_path / "ko.html"
    done = world.export.execute([world.ids[0], world.ids[0]], html=html, language="ko")
    assert done.run_ids == [world.ids[0]] and done.csv_files == []
    text = html.read_text(encoding="utf-8")
    assert "백테스트 보고서" in text and 'id="comparison"' not in text
