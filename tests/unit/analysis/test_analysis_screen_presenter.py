"""The analysis screen's presenter without a window (issue 12): the run in focus analysed in full, the metrics
card of the analysed runs, the rolling window, the fill sensitivity, Monte Carlo and report export as tasks
with progress and cancel. Real use cases over the in-memory stores of ``strategy_app_support.world()`` and
synthetic candles; reports are written to real files."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from upbit_auto_trading.application.analysis.analyse_run import AnalyseRun
from upbit_auto_trading.application.analysis.fill_sensitivity import FillSensitivity
from upbit_auto_trading.application.backtest.request import BacktestRequest
from upbit_auto_trading.domain.analysis.periodic import rolling_sharpe
from upbit_auto_trading.presentation.desktop.analysis.presenter import AnalysisPresenter
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import set_language


def _load(name: str) -> ModuleType:
    """A module of tests/support/ (loaded by path: tests are not a package)."""
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "support" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


support = _load("strategy_app_support")
analysis_support = _load("analysis_screen_support")
finer = _load("finer_candles")
TIGHT = "Tight levels"


@pytest.fixture(autouse=True)
def english():  # noqa: ANN201
    set_language("en")
    yield
    set_language("ko")


def _world():  # noqa: ANN202
    """#1 RSI swing over all 1,500 hours, #2 the same from hour 700 (another period), #3 a strategy whose
    0.4 % stop and take-profit both sit inside many hourly candles."""
    w = support.world()
    w.create.execute(support.rsi_document())
    tight = support.rsi_document(name=TIGHT)
    tight["management"] = [{"type": "stop_take_profit", "stop_loss_pct": "0.4", "take_profit_pct": "0.4"}]
    w.create.execute(tight)
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h"))
    mid = datetime.fromtimestamp(int(w.candles.start[700]), UTC)
    w.run.execute(BacktestRequest(strategy="RSI swing", market="KRW-BTC", timeframe="1h", start=mid))
    w.run.execute(BacktestRequest(strategy=TIGHT, market="KRW-BTC", timeframe="1h"))
    return w


@pytest.fixture(scope="module")
def shared():  # noqa: ANN201 - runs never change: the tests that only read share one world
    return _world()


class CountingAnalyses(AnalyseRun):
    """The real use case, noting which runs it analysed."""

    def __init__(self, w) -> None:  # noqa: ANN001
        super().__init__(w.runs, w.reader)
        self.analysed: list[int] = []

    def execute(self, run_id: int, **kwargs):  # noqa: ANN003, ANN201
        self.analysed.append(run_id)
        return super().execute(run_id, **kwargs)


def _presenter(w, view=None, work=None, analyses=None):  # noqa: ANN001, ANN202
    view = view or analysis_support.RecordingView()
    view.window = 30  # the synthetic run covers 63 days: a 90-day window would leave no rolling figure
    services = analysis_support.services(w)
    if analyses is not None:
        services = replace(services, analyse_run=analyses)
    p = AnalysisPresenter(view, services, work or ImmediateBackgroundWork())
    p.start()
    return p, view


def test_the_run_in_focus_is_analysed_in_full(shared):
    p, view = _presenter(shared)
    view.current = 1
    p.selection_changed()
    expected = AnalyseRun(shared.runs, shared.reader).execute(1)
    panels = view.panels
    assert panels.run_id == 1 and panels.title.startswith("#1 RSI swing | KRW-BTC 1h | 2024-01-01 09:00")
    np.testing.assert_array_equal(panels.equity, expected.equity)
    np.testing.assert_array_equal(panels.buy_and_hold, expected.buy_and_hold)
    np.testing.assert_array_equal(panels.drawdown_pct, expected.drawdown * 100)
    # the worst drawdowns shaded, deepest first, each from its peak to its recovery (or the end)
    assert 1 <= len(panels.shades) <= 5
    assert [s.depth for s in panels.shades] == sorted(s.depth for s in panels.shades)
    assert panels.shades[0].depth == pytest.approx(expected.drawdown.min())
    assert all(s.start <= s.trough <= s.end for s in panels.shades)
    assert len(panels.worst_drawdowns.rows) == len(panels.shades)
    # monthly returns: January to March 2024 (KST), the year's return last
    heat = panels.heatmap
    assert heat.years == [2024] and heat.headers[0] == "Jan" and heat.headers[-1] == "Year"
    assert [heat.values[0][m] is not None for m in range(12)] == [True, True, True] + [False] * 9
    assert (
        heat.values[0][:3] == [m.ret for m in expected.monthly]
        and heat.values[0][12] == expected.yearly[0].ret
    )
    assert heat.texts[0][0] == f"{expected.monthly[0].ret * 100:,.1f}%"
    # rolling figures over the 30 days the view asks for
    days, sharpe = rolling_sharpe(expected.times, expected.equity, 30)
    np.testing.assert_array_equal(panels.rolling_days, days.astype(float))
    np.testing.assert_array_equal(panels.rolling_sharpe, sharpe)
    assert panels.rolling_window_days == 30
    # distributions: every closed trade in one return bin and one holding bin
    trades = expected.trades.closed
    assert trades > 5 and panels.returns.height.sum() == trades == panels.holding.height.sum()
    assert [label for _, label in panels.holding.ticks][:4] == ["0", "1h", "4h", "12h"]
    assert (
        panels.exposure_pct is not None
        and 0 <= np.nanmin(panels.exposure_pct) <= np.nanmax(panels.exposure_pct) <= 100
    )
    # breakdowns: five tables, each covering every closed trade
    titles = [title for title, _ in panels.breakdowns]
    assert titles == ["By exit reason", "By entry trigger", "By weekday (entry, KST)", "By hour (entry, KST)",
                      "By month (exit, KST)"]  # fmt: skip
    for _, table in panels.breakdowns:
        assert sum(int(row[1]) for row in table.rows) == trades
    reasons = [row[0] for row in panels.breakdowns[0][1].rows]
    assert set(reasons) <= {"Stop loss", "Take profit", "Exit signal"} and reasons
    assert [row[0] for row in panels.breakdowns[1][1].rows] == ["RSI below 35"]
    assert view.errors == []


def test_the_metrics_card_has_a_column_per_analysed_run(shared):
    p, view = _presenter(shared)
    view.current = 3
    view.checked = [1, 2]
    p.selection_changed()
    card = view.card
    assert card.run_ids == [3, 1, 2]  # the run in focus, then the checked ones
    assert card.headers == ["#3 Tight levels", "#1 RSI swing", "#2 RSI swing"]
    rows = {r.label: r for r in card.rows}
    assert [r.label for r in card.rows if r.section] == [
        "Settings", "Returns and risk (daily KST returns, 365-day year)", "Trades"]  # fmt: skip
    for label in ("Capital", "Fee (per fill)", "Slippage", "Period (KST)", "Strategy version", "Data hash",
                  "Omega ratio", "Ulcer index", "VaR 95% (daily)", "CVaR 95% (daily)", "Probabilistic Sharpe (PSR)",
                  "SQN (Van Tharp, 100 trades max)", "Longest winning streak", "Longest losing streak",
                  "Expectancy (P&L per trade)"):  # fmt: skip
        assert label in rows, label
    a1 = AnalyseRun(shared.runs, shared.reader).execute(1)
    assert rows["Sharpe (daily, 365 days)"].values[1] == f"{a1.risk.sharpe:,.2f}"
    assert rows["Omega ratio"].values[1] == f"{a1.risk.omega:,.2f}"
    assert rows["VaR 95% (daily)"].values[1] == f"{a1.risk.var_95 * 100:,.2f}%"
    assert rows["Longest losing streak"].values[1] == str(a1.trades.longest_loss_streak)
    assert rows["Data hash"].values[1] == shared.runs.get(1).record.candle_hash[:12]
    assert rows["Strategy version"].values == ["v1", "v1", "v1"]
    # #2 covers another period: its period is flagged, the card says so; the strategies' hashes differ
    assert rows["Period (KST)"].flagged == [False, False, True] and rows["Period (KST)"].differs
    assert card.notice.startswith("⚠ Different period: #2")
    assert rows["Strategy hash"].differs and not rows["Capital"].differs
    assert view.comparison.run_ids == [1, 2] and [c.run_id for c in view.curves] == [1, 2]


def test_another_rolling_window_recomputes_only_the_rolling_figures(shared):
    p, view = _presenter(shared)
    view.current = 1
    p.selection_changed()
    before = view.panels
    view.window = 60
    p.window_changed()
    after = view.panels
    assert after.rolling_window_days == 60 and len(after.rolling_days) == len(before.rolling_days) - 30
    assert after.equity is before.equity  # the analysis was kept, not made again
    view.window = 90  # longer than the run: no rolling figure, and the notice says why
    p.window_changed()
    assert len(view.panels.rolling_days) == 0 and "shorter than 90 days" in view.panels.notice


def test_a_new_selection_cancels_the_load_still_waiting_for_the_old_one(shared):
    work = ImmediateBackgroundWork(hold=True)
    analyses = CountingAnalyses(shared)
    p, view = _presenter(shared, work=work, analyses=analyses)
    work.run_pending()
    view.current = 1
    p.selection_changed()
    assert view.busy[-1].running and view.panels is None
    view.current = 3
    p.selection_changed()
    work.run_pending()  # the first load stops at its first check; the second one shows #3
    assert analyses.analysed == [3]
    assert view.panels.run_id == 3 and view.card.run_ids == [3]
    assert not view.busy[-1].running and view.errors == []
    view.current = 1
    p.selection_changed()
    work.run_pending()
    view.current = 3  # analysed before: shown at once, not analysed again
    p.selection_changed()
    assert work.pending == 0 and view.panels.run_id == 3 and analyses.analysed == [3, 1]


def test_a_run_whose_candles_are_gone_is_still_analysed_without_buy_and_hold():
    w = _world()
    w.reader.series.clear()  # the candles deleted from the store since the run
    p, view = _presenter(w)
    view.current = 1
    p.selection_changed()
    assert view.panels.buy_and_hold is None and view.panels.exposure_pct is None
    assert "candles were deleted or changed" in view.panels.notice
    assert len(view.panels.equity) == 1500 and view.errors == []


def test_deleting_a_run_drops_it_everywhere():
    w = _world()
    p, view = _presenter(w)
    view.current = 1
    view.checked = [1, 3]
    p.selection_changed()
    assert view.card.run_ids == [1, 3]
    p.delete_current()
    assert w.runs.get(1) is None and [i.run_id for i in view.items] == [3, 2]
    view.current = None
    p.selection_changed()
    assert view.card.run_ids == [3] and view.panels.run_id == 3


# ---------------------------------------------------------------------- fill sensitivity


def test_fill_sensitivity_warns_when_the_result_rests_on_the_optimistic_reading(shared):
    p, view = _presenter(shared)
    view.current = 3
    p.selection_changed()
    assert view.sensitivity.run_label == "#3 Tight levels" and view.sensitivity.can_run
    assert view.sensitivity.table is None and "Not run yet" in view.sensitivity.state.text
    p.run_sensitivity()
    panel = view.sensitivity
    report = FillSensitivity(
        shared.runs, shared.reader, analysis_support.SeriesCatalog(shared.reader)
    ).execute(3)
    assert report.depends_on_optimism
    assert panel.depends_on_optimism and panel.warning == "⚠ " + report.warning
    assert panel.summary == report.assessment.summary
    assert panel.table.headers == ["Figure", "Stop first", "Take-profit first", "Spread (max-min)"]
    rows = {row[0]: row[1:] for row in panel.table.rows}
    stop, tp = report.assessment.outcomes
    assert rows["Total return"][:2] == [
        f"{stop.total_return * 100:+,.2f}%",
        f"{tp.total_return * 100:+,.2f}%",
    ]
    assert (
        rows["Candles holding both levels"][0] == f"{stop.ambiguous_candles:,}" and stop.ambiguous_candles > 5
    )
    assert rows["Final equity"][2] == f"{float(report.assessment.spread.final_equity):,.0f}"
    assert panel.notes[0].startswith("No path replay")
    assert any("depends on the optimistic fill assumption" in s for s in view.status)
    # another run in focus has its own (empty) panel; back on #3 the result is still there
    view.current = 1
    p.selection_changed()
    assert view.sensitivity.table is None and view.sensitivity.run_label == "#1 RSI swing"
    view.current = 3
    p.selection_changed()
    assert view.sensitivity.warning == panel.warning


def test_fill_sensitivity_in_korean_with_the_finer_candles_path_replay():
    w = _world()
    fine = finer.split_candles(w.candles, "15m", finer.bearish_high_first(w.candles))
    w.reader.series[("KRW-BTC", "15m")] = fine
    set_language("ko")
    p, view = _presenter(w)
    view.current = 3
    p.selection_changed()
    p.run_sensitivity()
    panel = view.sensitivity
    assert panel.table.headers == ["항목", "손절 우선", "익절 우선", "15m 경로 재현", "차이 (최대-최소)"]
    assert (
        "15m 경로 재현 수익률은" in panel.summary
        and "캔들이 손절가와 익절가를 함께 포함했습니다" in panel.summary
    )
    assert panel.notes[0].startswith("결정(신호, 추가 매수, 시간 청산, 쿨다운)은 1h 종가에서")
    # hours falling through both levels took the profit, rising ones the stop: only the optimistic reading
    # makes money, and the finer candles' path loses too
    stop, tp, replay = next(row for row in panel.table.rows if row[0] == "총 수익률")[1:4]
    assert tp.startswith("+") and stop.startswith("-") and replay.startswith("-")
    assert panel.depends_on_optimism and panel.warning == (
        f"⚠ 익절이 먼저였다고 가정할 때만 수익입니다 (익절 우선 {tp}; 손절 우선 {stop}, 15m 경로 재현 {replay}). "
        "더 작은 캔들의 경로를 따라가도 손실입니다: 수익은 낙관적 가정에 기대고 있습니다."
    )


def test_cancelling_the_fill_sensitivity_keeps_no_result(shared):
    work = ImmediateBackgroundWork(hold=True)
    p, view = _presenter(shared, work=work)
    view.current = 3
    work.run_pending()
    p.selection_changed()
    work.run_pending()
    p.run_sensitivity()
    assert view.sensitivity.state.running and not view.sensitivity.can_run
    p.cancel_sensitivity()
    assert view.sensitivity.state.text == "cancelling..."
    work.run_pending()
    panel = view.sensitivity
    assert not panel.state.running and panel.can_run and panel.table is None
    assert "Cancelled" in view.status and view.errors == []


# ---------------------------------------------------------------------- Monte Carlo and export


def test_monte_carlo_with_the_paths_and_loss_asked_for(shared):
    p, view = _presenter(shared)
    view.current = 1
    p.selection_changed()
    view.mc_inputs = ("500", "10")
    p.run_monte_carlo()
    panel = view.monte_carlo
    assert panel.table is not None and len(panel.table.rows) == 8
    assert panel.table.headers == ["Figure", "5 %", "Median", "95 %", "Actual order"]
    first = [row[0] for row in panel.table.rows]
    assert first[0] == "Shuffle: final equity" and first[7] == "Bootstrap: P(loss of 10 % or more)"
    assert " of 500 bootstrapped paths ended with a loss of 10 % or more" in panel.headline
    # shuffling keeps the final equity: its three bands are the actual order's
    shuffled = panel.table.rows[0]
    assert shuffled[1] == shuffled[2] == shuffled[3] == shuffled[4]
    view.mc_inputs = ("0", "10")  # refused before anything runs; the last result stays
    p.run_monte_carlo()
    assert view.errors[-1].startswith("Paths: enter a whole number from 1 to 100,000")
    assert view.monte_carlo.table == panel.table


def test_export_writes_the_html_report_and_the_csv_folder(shared, tmp_path: Path):
    p, view = _presenter(shared)
    view.current = 1
    view.checked = [1, 3]
    p.selection_changed()
    view.report_file = str(tmp_path / "my report")  # no suffix: .html is added
    view.csv = True
    p.export_report()
    assert view.asked == ["report-run-1-3.html"]
    html = tmp_path / "my report.html"
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "RSI swing" in text and TIGHT in text
    assert sorted(f.name for f in (tmp_path / "my report-csv").iterdir()) == [
        "run-1-metrics.csv", "run-1-trades.csv", "run-3-metrics.csv", "run-3-trades.csv"]  # fmt: skip
    assert view.status[-1].startswith(f"Report saved: {html} and 4 CSV files")
    assert not view.export.running and view.errors == []


def test_export_cancelled_or_declined_writes_nothing(shared, tmp_path: Path):
    work = ImmediateBackgroundWork(hold=True)
    p, view = _presenter(shared, work=work)
    view.current = 1
    work.run_pending()
    p.selection_changed()
    work.run_pending()
    view.report_file = None  # the save dialog closed without a file
    p.export_report()
    assert work.pending == 0 and view.asked == ["report-run-1.html"]
    view.report_file = str(tmp_path / "r.html")
    p.export_report()
    assert view.export.running
    p.cancel_all()
    work.run_pending()
    assert list(tmp_path.iterdir()) == [] and not view.export.running and view.export.text == "cancelled"
