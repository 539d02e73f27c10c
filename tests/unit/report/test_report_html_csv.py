"""The HTML report and the CSV files of real engine runs (no store, no window): self-contained, in KST, with
thousands separators, in English or Korean; the CSVs read back as the runs' numbers."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import numpy as np
import pytest

from upbit_auto_trading.application.analysis.compare_runs import compared
from upbit_auto_trading.application.analysis.export_report import Report, ReportRun
from upbit_auto_trading.application.backtest.ports import RunMeta, StoredRun
from upbit_auto_trading.domain.analysis.run_analysis import analyse
from upbit_auto_trading.domain.backtest import BacktestSettings, EngineRules, run_backtest
from upbit_auto_trading.domain.backtest.record import make_record
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import strategy_from_dict
from upbit_auto_trading.presentation.report import ReportWriter
from upbit_auto_trading.presentation.report.csv_files import METRIC_COLUMNS, TRADE_COLUMNS

HOUR = 3600
KST = timezone(timedelta(hours=9))
CHARTS = {"equity", "equity-log", "underwater", "rolling-sharpe", "rolling-volatility", "exposure",
          "trade-returns", "holding"}  # fmt: skip


def report_run(run_id: int, *, days: int = 200, start: datetime = datetime(2023, 11, 1, tzinfo=UTC),
               name: str = "SMA cross", capital: int = 10_000_000, seed: int = 4) -> ReportRun:  # fmt: skip
    """A real engine run on a random walk of hourly KRW-BTC-like candles, as the store would hand it back."""
    n = 24 * days
    rng = np.random.default_rng(seed)
    close = 50_000_000 * np.cumprod(1 + rng.normal(0.0002, 0.01, n))
    times = int(start.timestamp()) + np.arange(n, dtype=np.int64) * HOUR
    candles = CandleArrays(
        "KRW-BTC", "1h", times, close, close * 1.005, close * 0.995, close, np.ones(n), close
    )
    fast = np.convolve(close, np.ones(10) / 10, mode="full")[:n]
    slow = np.convolve(close, np.ones(40) / 40, mode="full")[:n]
    above = fast > slow
    entry = above & ~np.r_[False, above[:-1]]
    exit_ = ~above & np.r_[False, above[:-1]]
    entry[:40] = exit_[:40] = False
    settings = BacktestSettings(initial_capital=Decimal(capital), fee_rate=Decimal("0.0005"))
    result = run_backtest(candles, entry, exit_, strategy=EngineRules(stop_loss=0.03), settings=settings)
    doc = {
        "schema_version": 1, "name": name, "entry": {"groups": [{"triggers": ["Golden cross"]}]},
        "management": [{"type": "stop_take_profit", "stop_loss_pct": 3}], "sizing": {"mode": "cash_percent", "value": 100},
    }  # fmt: skip
    record = make_record(result, strategy_from_dict(doc), entry, exit_)
    meta = RunMeta(strategy_id=1, strategy_version=3, started_at="2024-06-01T00:00:00Z",
                   finished_at="2024-06-01T00:00:01Z", duration_ms=900)  # fmt: skip
    return ReportRun(StoredRun(run_id, record, meta), analyse(result, [("Golden cross", entry)]), True)


@pytest.fixture(scope="module")
def one() -> ReportRun:
    return report_run(7)


def report(*runs: ReportRun) -> Report:
    comparison = compared([r.stored for r in runs]) if len(runs) > 1 else None
    return Report(list(runs), comparison, datetime(2024, 6, 2, 3, 4, tzinfo=UTC))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.tags


def svgs_of(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_the_report_is_self_contained_and_has_every_chart(one: ReportRun) -> None:
    html = ReportWriter().html(report(one), "en")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    tags = tags_of(html)
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}  # nothing runs, nothing fetched
    for _, attrs in tags:
        for key, value in attrs.items():
            assert not (key in ("src", "href") and value), (key, value)
    # The only URL in the file is the SVG namespace (an identifier, never fetched).
    assert set(re.findall(r"https?://[^\s\"')]+", html)) == {"http://www.w3.org/2000/svg"}
    charts = svgs_of(html)  # every chart parses as XML
    assert {c.get("data-chart") for c in charts} == CHARTS
    drawn = {c.get("data-chart"): c for c in charts}
    ns = "{http://www.w3.org/2000/svg}"
    assert len(drawn["underwater"].findall(f".//{ns}rect[@class='band']")) == 5  # the five worst drawdowns
    assert len(drawn["equity"].findall(f".//{ns}path[@class='series']")) == 2  # strategy and buy and hold
    assert drawn["trade-returns"].findall(f".//{ns}rect[@class='bar']")
    assert sum(int(b.find(f"{ns}title").text.rsplit(": ", 1)[1]) for b in
               drawn["holding"].findall(f".//{ns}rect[@class='bar']")) == one.analysis.trades.closed  # fmt: skip


def test_the_report_shows_the_runs_settings_figures_heatmap_and_trades(one: ReportRun) -> None:
    html = ReportWriter().html(report(one), "en")
    rec = one.stored.record
    assert "<title>Backtest report: #7 SMA cross</title>" in html
    assert "10,000,000 KRW" in html  # capital with thousands separators
    assert "0.05%" in html  # the fee as Upbit writes it
    assert rec.candle_hash in html and rec.strategy_hash in html and "v3" in html
    assert "2023-11-01 09:00 ~ " in html  # the first candle (00:00 UTC) in KST
    assert "2024-06-01 09:00 KST" in html  # when the run was made, in KST
    final = f"{Decimal(rec.final_equity):,.0f}"
    assert final in html
    # Monthly heatmap: one row per year, a cell per month with a return, the months in KST.
    heat = html[html.index('class="heatmap"') :]
    heat = heat[: heat.index("</table>")]
    assert heat.count("<tr>") == 1 + len({p.year for p in one.analysis.monthly})
    assert heat.count("background:rgba(") == len(one.analysis.monthly) + len(one.analysis.yearly)
    # Every trade is a row, with its entry in KST.
    trades = html[html.index('class="trades"') :]
    assert trades.count("<tr>") == 1 + len(rec.trades)
    first = rec.trades[0]
    entry_kst = datetime.fromisoformat(first["entry_time"].replace("Z", "+00:00")).astimezone(KST)
    assert entry_kst.strftime("%Y-%m-%d %H:%M") in trades
    assert "By exit reason" in html and "Golden cross" in html  # breakdowns, the entry group by name


def test_text_from_the_user_is_escaped() -> None:
    run = report_run(3, days=30, name='<script>alert("x")</script> & co')
    html = ReportWriter().html(report(run), "en")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert {t for t, _ in tags_of(html)}.isdisjoint({"script"})


def test_korean_report() -> None:
    html = ReportWriter().html(report(report_run(1, days=60)), "ko")
    assert '<html lang="ko">' in html
    for words in (
        "백테스트 보고서",
        "자산 대 보유 전략",
        "언더워터",
        "월별·연도별 수익률",
        "거래 목록",
        "초기 자본",
    ):
        assert words in html
    assert "Backtest report" not in html and "Equity vs buy and hold" not in html


def test_comparison_flags_the_run_over_another_period() -> None:
    a = report_run(1, days=120)
    b = report_run(2, days=120, capital=5_000_000, seed=9)
    c = report_run(3, days=90, start=datetime(2024, 1, 15, tzinfo=UTC), seed=11)
    html = ReportWriter().html(report(a, b, c), "en")
    assert "<title>Backtest comparison report: 3 runs</title>" in html
    section = html[html.index('id="comparison"') : html.index('id="run-1"')]
    assert 'data-flag="periods"' in section and "Different period: #3." in section
    assert section.count('<tr class="flagged">') == 2  # run #3 in the settings table and in the results
    assert "5,000,000 KRW" in section and section.count("0.05%") == 3
    for run in (a, b, c):
        assert run.stored.record.candle_hash[:12] in section
    assert 'data-chart="comparison"' in section
    overlay = next(s for s in svgs_of(section) if s.get("data-chart") == "comparison")
    assert len(overlay.findall(".//{http://www.w3.org/2000/svg}path[@class='series']")) == 3
    same = ReportWriter().html(report(a, b), "en")
    assert 'data-flag="periods"' not in same and 'class="flagged"' not in same


def test_trades_csv_reads_back_as_the_runs_trades(one: ReportRun) -> None:
    text = ReportWriter().trades_csv(one)
    assert text.endswith("\n") and "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == TRADE_COLUMNS
    trades = one.stored.record.trades
    assert len(rows) == len(trades) > 10
    for row, trade in zip(rows, trades, strict=True):
        assert row["entry_time_utc"] == trade["entry_time"] and row["pnl"] == (trade["pnl"] or "")
        utc = datetime.fromisoformat(row["entry_time_utc"].replace("Z", "+00:00"))
        kst = datetime.strptime(row["entry_time_kst"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        assert (kst - utc).total_seconds() == 9 * HOUR
        assert "," not in row["fee"]  # plain numbers a spreadsheet reads, no thousands separator
    closed = [r for r in rows if r["exit_time_utc"]]
    assert sum(Decimal(r["pnl"]) for r in closed) == sum(Decimal(t["pnl"]) for t in trades if t["pnl"])
    assert all(int(r["holding_seconds"]) >= 0 for r in closed)


def test_metrics_csv_has_the_run_its_metrics_analysis_and_calendar_returns(one: ReportRun) -> None:
    rows = list(csv.DictReader(io.StringIO(ReportWriter().metrics_csv(one))))
    assert tuple(rows[0].keys()) == METRIC_COLUMNS
    by = {(r["section"], r["name"]): r["value"] for r in rows}
    rec = one.stored.record
    assert by[("run", "initial_capital")] == "10000000" and by[("run", "fee_rate")] == "0.0005"
    assert by[("run", "data_hash")] == rec.candle_hash and by[("run", "strategy_version")] == "3"
    assert float(by[("metrics", "total_return")]) == pytest.approx(rec.metrics["total_return"])
    assert float(by[("risk", "sharpe")]) == pytest.approx(one.analysis.risk.sharpe)
    assert int(by[("trades", "closed")]) == one.analysis.trades.closed
    months = [r for r in rows if r["section"] == "month"]
    assert len(months) == len(one.analysis.monthly) and months[0]["name"] == "2023-11"
    compounded = np.prod([1 + float(r["value"]) for r in months]) - 1
    assert compounded == pytest.approx(rec.metrics["total_return"])


def test_refused_orders_and_unknown_candles_are_said_in_both_languages() -> None:
    run = report_run(5, days=30, capital=3_000)  # below Upbit's 5,000 KRW minimum order: nothing can trade
    assert run.stored.record.warnings()
    blind = ReportRun(run.stored, run.analysis, candles_known=False)
    en = ReportWriter().html(report(blind), "en")
    assert en.count('class="warning"') == 2
    assert "orders refused" in en or "order refused" in en
    assert "This run's candles were deleted or changed" in unescape(en)
    exposure = next(s for s in svgs_of(en) if s.get("data-chart") == "exposure")
    assert [
        t.text for t in exposure.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "empty"
    ] == ["Unknown: the run's candles are not stored"]
    ko = ReportWriter().html(report(blind), "ko")
    assert "초기 자본이 거래소 최소 주문 금액보다 적습니다" in ko and "캔들이 삭제되었거나 바뀌었습니다" in ko
