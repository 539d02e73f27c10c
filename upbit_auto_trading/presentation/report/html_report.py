"""The report as one self-contained HTML document: styles inline, charts inline SVG, no script, no link to
anything outside the file, so it opens offline, in any browser, years from now, and prints.

Layout: a header (what, when, in which time zone), the comparison of the runs when there are several (their
settings side by side, runs over another period flagged, their returns overlaid), then one section per run:
settings, warnings, figures, charts, the monthly and yearly return heatmap, breakdowns and every trade.
The equity chart's log scale is a CSS-only switch (a checkbox shows one of two pre-drawn charts).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from upbit_auto_trading import __version__
from upbit_auto_trading.application.analysis.compare_runs import RunComparison
from upbit_auto_trading.application.analysis.export_report import Report, ReportRun
from upbit_auto_trading.domain.analysis.breakdowns import ENTRY_SIGNAL_LABEL, Bucket
from upbit_auto_trading.domain.backtest.fills import iso_utc
from upbit_auto_trading.domain.backtest.warnings import (
    BELOW_MINIMUM_OR_NOTHING,
    CAPITAL_BELOW_MINIMUM,
    ROUNDS_TO_NOTHING,
    SIZE_BELOW_MINIMUM,
)
from upbit_auto_trading.presentation.report import charts
from upbit_auto_trading.presentation.report.text import (
    KST,
    Texts,
    duration_text,
    kst_text,
    money,
    number,
    percent,
    price,
    quantity,
    quote_of,
    rate_percent,
    reason_text,
    signed_percent,
)

MAX_TRADE_ROWS = 5000  # beyond this the table is cut (the CSV keeps every trade)
REFUSED_KO = {  # RunWarning.reason -> why, in Korean (the warning's ``message`` is the English sentence)
    CAPITAL_BELOW_MINIMUM: "초기 자본이 거래소 최소 주문 금액보다 적습니다",
    SIZE_BELOW_MINIMUM: "진입 주문 금액이 거래소 최소 주문 금액보다 적습니다",
    BELOW_MINIMUM_OR_NOTHING: "주문 금액이 최소 주문 금액보다 적었거나 수량이 0으로 내림되었습니다",
    ROUNDS_TO_NOTHING: "주문 수량이 0으로 내림되었습니다",
}
WEEKDAYS_KO = ("월", "화", "수", "목", "금", "토", "일")

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #222; font: 14px/1.45 -apple-system, 'Segoe UI', 'Noto Sans KR',
  'Noto Sans CJK KR', 'Malgun Gothic', sans-serif; }
main { max-width: 1010px; margin: 0 auto; padding: 16px 16px 48px; }
header.report { padding: 8px 0 4px; }
h1 { font-size: 22px; margin: 8px 0 2px; }
h2 { font-size: 18px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
.muted { color: #666; }
.small { font-size: 12px; }
section.card { background: #fff; border: 1px solid #dcdfe4; border-radius: 6px; padding: 16px; margin: 16px 0; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eceef1; text-align: left; vertical-align: top; }
th { background: #f7f8fa; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
.scroll { overflow-x: auto; }
.settings { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 14px; margin: 0 0 14px; }
.settings dt { color: #666; }
.settings dd { margin: 0; font-variant-numeric: tabular-nums; }
.settings .hash { word-break: break-all; }
.nowrap { white-space: nowrap; }
table { font-size: 13px; }
.breakdowns td:first-child { min-width: 9em; }
.grid3 { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; }
.grid2 { display: grid; grid-template-columns: repeat(2, 1fr); gap: 12px; }
.figures h3 { margin-top: 0; }
.figures td:first-child { color: #444; }
.warning { background: #fff4ce; color: #5c4300; border: 1px solid #e0a800; border-radius: 4px; padding: 6px 10px;
  margin: 8px 0; }
tr.flagged td { background: #fff4ce; }
svg.chart { display: block; width: 100%; height: auto; margin: 8px 0; }
.scale-switch { font-size: 12px; color: #444; user-select: none; }
.scale-switch input { vertical-align: middle; }
.equity-log { display: none; }
.log-toggle:checked ~ .equity-linear { display: none; }
.log-toggle:checked ~ .equity-log { display: block; }
table.heatmap td, table.heatmap th { text-align: center; padding: 4px 2px; font-size: 12px; border: 1px solid #fff; }
table.heatmap td.year { font-weight: 600; }
.pos { color: #c82828; }
.neg { color: #1e5ac8; }
code, .hash { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
footer { margin-top: 24px; color: #777; font-size: 12px; }
@media print { body { background: #fff; } section.card { break-inside: avoid-page; border: none; }
  .scale-switch { display: none; } }
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    cls: str = "",
    row_classes: Sequence[str] = (),
) -> str:
    """A table of already-escaped cell HTML; ``numeric`` columns are right-aligned; ``row_classes`` (one per
    row, "" for none) mark rows such as the flagged ones."""
    head = "".join(
        f'<th class="num">{h}</th>' if i in numeric else f"<th>{h}</th>" for i, h in enumerate(headers)
    )
    body = []
    for k, row in enumerate(rows):
        cells = "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        row_class = row_classes[k] if k < len(row_classes) else ""
        body.append(f'<tr class="{row_class}">{cells}</tr>' if row_class else f"<tr>{cells}</tr>")
    class_attr = f' class="{cls}"' if cls else ""
    return f'<div class="scroll"><table{class_attr}><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _signed(value: float | None, text: str) -> str:
    """Gains red, losses blue (the app's colours)."""
    if value is None or not math.isfinite(value) or value == 0:
        return _e(text)
    return f'<span class="{"pos" if value > 0 else "neg"}">{_e(text)}</span>'


class HtmlReport:
    """Writes one report in one language."""

    def __init__(self, report: Report, language: str) -> None:
        self.report = report
        self.t = Texts(language)

    # ------------------------------------------------------------------------------------------ document
    def document(self) -> str:
        t, runs = self.t, self.report.runs
        title = (
            t(f"백테스트 보고서: #{runs[0].run_id} {runs[0].stored.strategy_name}",
              f"Backtest report: #{runs[0].run_id} {runs[0].stored.strategy_name}")
            if len(runs) == 1
            else t(f"백테스트 비교 보고서: {len(runs)}개 실행", f"Backtest comparison report: {len(runs)} runs")
        )  # fmt: skip
        created = self.report.created_at.astimezone(KST).strftime("%Y-%m-%d %H:%M KST")
        parts = [
            "<!DOCTYPE html>",
            f'<html lang="{t.language}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="upbit-auto-trading {_e(__version__)}">',
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>",
            f'<header class="report"><h1>{_e(title)}</h1><p class="muted small">'
            + _e(t(f"작성 {created} · upbit-auto-trading {__version__} · 모든 시각은 한국 시간(KST, UTC+9)",
                   f"Written {created} · upbit-auto-trading {__version__} · all times are Korea time (KST, UTC+9)"))
            + "</p></header>",
        ]  # fmt: skip
        if self.report.comparison is not None:
            parts.append(self.comparison(self.report.comparison))
        for run in runs:
            parts.append(self.run_section(run))
        parts.append(
            '<footer class="small">'
            + _e(t("이 파일은 스크립트도 외부 파일도 쓰지 않습니다: 인터넷 없이 열리고 인쇄됩니다. 일별 지표는 KST 달력일, "
                   "1년 365일 기준입니다. 실행 지표(샤프 등)는 실행 당시 캔들 단위로 계산된 값입니다.",
                   "This file uses no script and no outside file: it opens offline and prints. Daily figures use KST "
                   "calendar days and a 365-day year; the run's own metrics (Sharpe per candle, ...) are as the run "
                   "computed them."))
            + "</footer></main></body></html>"
        )  # fmt: skip
        return "\n".join(parts) + "\n"

    # ------------------------------------------------------------------------------------------ comparison
    def comparison(self, comparison: RunComparison) -> str:
        """What each run was run with (a row per run, flagged when its period differs), then its results."""
        t = self.t
        by_id = {r.run_id: r for r in self.report.runs}
        settings_rows, result_rows, marks = [], [], []
        for c in comparison.runs:
            run, m, quote = by_id[c.run_id], c.metrics, quote_of(c.market)
            version = "" if c.strategy_version is None else f" (v{c.strategy_version})"
            label = f"#{c.run_id} {_e(c.strategy_name + version)}"
            period = f'<span class="nowrap">{_e(kst_text(c.data_start))} ~</span> <span class="nowrap">{_e(kst_text(c.data_end))}</span>'
            if c.period_flagged:
                period = (
                    f'<span title="{_e(t("다른 실행과 기간이 다릅니다", "Another period than the others"))}">⚠</span> '
                    + period
                )
            settings_rows.append([
                label, _e(f"{c.market} {c.timeframe}"), period, _e(f"{c.candle_count:,}"),
                _e(f"{money(c.initial_capital, quote)} {quote}"), _e(rate_percent(c.fee_rate)),
                _e(rate_percent(c.slippage_rate)),
                f'<span class="hash" title="{_e(c.data_hash)}">{_e(c.data_hash[:12])}</span>',
            ])  # fmt: skip
            result_rows.append([
                label, _signed(m.get("total_return"), percent(m.get("total_return"))), _e(percent(m.get("cagr"))),
                _e(percent(m.get("max_drawdown"))), _e(number(run.analysis.risk.sharpe)),
                _e(f"{int(m.get('trades') or 0):,}"), _e(percent(m.get("win_rate"), 1)),
                _e(f"{money(c.final_equity, quote)} {quote}"),
            ])  # fmt: skip
            marks.append("flagged" if c.period_flagged else "")
        settings_headers = [
            t("실행", "Run"), t("시장", "Market"), t("기간 (KST)", "Period (KST)"), t("캔들", "Candles"),
            t("초기 자본", "Capital"), t("수수료", "Fee"), t("슬리피지", "Slippage"), t("데이터 해시", "Data hash"),
        ]  # fmt: skip
        result_headers = [
            t("실행", "Run"), t("총 수익률", "Total return"), "CAGR", t("최대 낙폭", "Max drawdown"),
            t("샤프 (일별)", "Sharpe (daily)"), t("거래", "Trades"), t("승률", "Win rate"),
            t("최종 자산", "Final equity"),
        ]  # fmt: skip
        notice = ""
        if comparison.periods.differ:
            odd = ", ".join(f"#{c.run_id}" for c in comparison.runs if c.period_flagged)
            notice = (
                '<p class="warning" data-flag="periods">'
                + _e(t(f"⚠ 기간이 다른 실행: {odd}. 기간이 다르면 수익률을 그대로 비교할 수 없습니다 "
                       f"({comparison.periods.distinct}가지 기간).",
                       f"⚠ Different period: {odd}. Returns over different periods are not directly comparable "
                       f"({comparison.periods.distinct} distinct periods)."))
                + "</p>"
            )  # fmt: skip
        return (
            f'<section class="card" id="comparison"><h2>{_e(t("실행 비교", "Runs compared"))}</h2>{notice}'
            f"<h3>{_e(t('실행 조건', 'Run with'))}</h3>"
            + _table(
                settings_headers, settings_rows, numeric=(3, 4, 5, 6), cls="comparison", row_classes=marks
            )
            + f"<h3>{_e(t('결과', 'Results'))}</h3>"
            + _table(
                result_headers,
                result_rows,
                numeric=(1, 2, 3, 4, 5, 6, 7),
                cls="comparison",
                row_classes=marks,
            )
            + charts.comparison_chart(self.report.runs, t)
            + "</section>"
        )

    # ------------------------------------------------------------------------------------------ one run
    def run_section(self, run: ReportRun) -> str:
        t = self.t
        rec = run.stored.record
        heading = f"#{run.run_id} {run.stored.strategy_name} · {rec.market} {rec.timeframe}"
        log_id = f"log-scale-{run.run_id}"
        parts = [
            f'<section class="card run" id="run-{run.run_id}"><h2>{_e(heading)}</h2>',
            self.settings(run),
            self.warnings(run),
            self.figures(run),
            f"<h3>{_e(t('자산과 낙폭', 'Equity and drawdowns'))}</h3>",
            f'<input type="checkbox" class="log-toggle" id="{log_id}">'
            f'<label class="scale-switch" for="{log_id}"> {_e(t("로그 눈금", "Log scale"))}</label>',
            f'<div class="equity-linear">{charts.equity_chart(run, t)}</div>',
            f'<div class="equity-log">{charts.equity_chart(run, t, log_y=True)}</div>',
            charts.underwater_chart(run, t),
            self.drawdown_table(run),
            f"<h3>{_e(t('월별·연도별 수익률 (KST)', 'Monthly and yearly returns (KST)'))}</h3>",
            self.heatmap(run),
            f"<h3>{_e(t('롤링 위험', 'Rolling risk'))}</h3>",
            charts.rolling_sharpe_chart(run, t),
            charts.rolling_volatility_chart(run, t),
            charts.exposure_chart(run, t),
            f"<h3>{_e(t('거래', 'Trades'))}</h3>",
            charts.return_histogram_chart(run, t),
            charts.holding_chart(run, t),
            self.breakdowns(run),
            self.trades(run),
            "</section>",
        ]
        return "".join(parts)

    def settings(self, run: ReportRun) -> str:
        t = self.t
        stored = run.stored
        rec = stored.record
        s = rec.settings or {}
        quote = quote_of(rec.market)
        version = "-" if stored.meta.strategy_version is None else f"v{stored.meta.strategy_version}"
        items = [
            (t("전략", "Strategy"), _e(stored.strategy_name)),
            (t("전략 버전", "Strategy version"), _e(version)),
            (t("시장 · 봉", "Market · timeframe"), _e(f"{rec.market} · {rec.timeframe}")),
            (t("기간 (KST)", "Period (KST)"),
             _e(f"{kst_text(rec.data_start)} ~ {kst_text(rec.data_end)} ({rec.candle_count:,}" + t("개 캔들)", " candles)"))),
            (t("초기 자본", "Capital"), _e(f"{money(s.get('initial_capital'), quote)} {quote}")),
            (t("최종 자산", "Final equity"), _e(f"{money(rec.final_equity, quote)} {quote}")),
            (t("수수료 (체결당)", "Fee (per fill)"), _e(rate_percent(s.get("fee_rate")))),
            (t("슬리피지 (체결당)", "Slippage (per fill)"), _e(rate_percent(s.get("slippage_rate")))),
            (t("전략 해시", "Strategy hash"), f'<span class="hash">{_e(rec.strategy_hash)}</span>'),
            (t("데이터 해시", "Data hash"), f'<span class="hash">{_e(rec.candle_hash)}</span>'),
            (t("엔진 버전", "Engine version"), _e(rec.engine_version)),
            (t("실행 시각", "Run at"), _e(kst_text(stored.meta.started_at) + " KST")),
        ]  # fmt: skip
        cells = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in items)
        return f'<dl class="settings">{cells}</dl>'

    def warnings(self, run: ReportRun) -> str:
        t = self.t
        out = []
        for w in run.stored.record.warnings():
            why = REFUSED_KO.get(w.reason, "거래소 주문 규칙에 맞지 않았습니다")
            out.append(t(f"⚠ 거부된 주문 {w.count:,}건: {why}.", f"⚠ {w.message}"))
        if not run.candles_known:
            out.append(t(
                "⚠ 이 실행의 캔들이 삭제되었거나 바뀌었습니다: 시각은 기간에 고르게 배치했고, 보유 전략과 투자 비중은 알 수 없습니다.",
                "⚠ This run's candles were deleted or changed: times are spread evenly over its period, and buy and "
                "hold and exposure are unknown.",
            ))  # fmt: skip
        return "".join(f'<p class="warning">{_e(w)}</p>' for w in out)

    def figures(self, run: ReportRun) -> str:
        t = self.t
        a, m = run.analysis, run.stored.record.metrics
        risk, tr = a.risk, a.trades
        quote = quote_of(a.market)

        def rows(items: Sequence[tuple[str, str]]) -> str:
            return "".join(f'<tr><td>{_e(k)}</td><td class="num">{v}</td></tr>' for k, v in items)

        ret = m.get("total_return")
        returns = [
            (t("총 수익률", "Total return"), _signed(ret, percent(ret))),
            ("CAGR", _e(percent(m.get("cagr")))),
            (t("보유 전략 수익률", "Buy-and-hold return"), _e(percent(m.get("buy_and_hold_return")))),
            (t("최대 낙폭 (MDD)", "Max drawdown"), _e(percent(m.get("max_drawdown")))),
            (t("MDD 기간", "Max drawdown duration"), _e(duration_text(m.get("max_drawdown_duration_seconds"), t))),
            (t("칼마 지수", "Calmar"), _e(number(m.get("calmar")))),
            (t("노출 비율", "Exposure"), _e(percent(m.get("exposure")))),
            (t("수수료 합계", "Fees paid"), _e(f"{money(m.get('fees'), quote)} {quote}")),
            (t("샤프 / 소르티노 (캔들 단위)", "Sharpe / Sortino (per candle)"),
             _e(f"{number(m.get('sharpe'))} / {number(m.get('sortino'))}")),
        ]  # fmt: skip
        daily = [
            (t("샤프 지수", "Sharpe"), _e(number(risk.sharpe))),
            (t("소르티노 지수", "Sortino"), _e(number(risk.sortino))),
            (t("연 변동성", "Annual volatility"), _e(percent(risk.volatility))),
            (t("오메가", "Omega"), _e(number(risk.omega))),
            (t("궤양 지수", "Ulcer index"), _e(percent(risk.ulcer_index))),
            ("VaR 95%", _e(percent(risk.var_95))),
            ("CVaR 95%", _e(percent(risk.cvar_95))),
            (t("확률적 샤프 (PSR)", "Probabilistic Sharpe"), _e(percent(risk.psr, 1))),
            (t("왜도 / 첨도", "Skew / kurtosis"), _e(f"{number(risk.skew)} / {number(risk.kurtosis)}")),
            (t("최고 / 최악의 날", "Best / worst day"), _e(f"{percent(risk.best_day)} / {percent(risk.worst_day)}")),
            (t("상승한 날", "Positive days"), _e(percent(risk.positive_days, 1))),
        ]  # fmt: skip
        trades = [
            (t("거래 (청산 / 보유 중)", "Trades (closed / open)"), _e(f"{tr.closed:,} / {int(m.get('open_trades') or 0):,}")),
            (t("승률", "Win rate"), _e(percent(m.get("win_rate"), 1))),
            (t("손익비 (PF)", "Profit factor"), _e(number(m.get("profit_factor")))),
            (t("평균 수익 / 손실", "Average win / loss"),
             _e(f"{percent(m.get('average_win'))} / {percent(m.get('average_loss'))}")),
            (t("최고 / 최악의 거래", "Best / worst trade"),
             _e(f"{percent(m.get('best_trade'))} / {percent(m.get('worst_trade'))}")),
            (t("기대값 (거래당)", "Expectancy per trade"),
             _e(f"{percent(m.get('expectancy'))} · {money(tr.expectancy_pnl, quote)} {quote}")),
            (t("페이오프 비율", "Payoff ratio"), _e(number(tr.payoff_ratio))),
            ("SQN", _e(number(tr.sqn))),
            (t("최장 연승 / 연패", "Longest win / loss streak"), _e(f"{tr.longest_win_streak} / {tr.longest_loss_streak}")),
            (t("평균 / 중앙 보유", "Average / median holding"),
             _e(f"{duration_text(tr.average_holding_seconds, t)} / {duration_text(tr.median_holding_seconds, t)}")),
            (t("거부된 주문", "Refused orders"), _e(f"{int(m.get('refused_orders') or 0):,}")),
        ]  # fmt: skip
        cards = [
            (t("수익과 낙폭", "Returns and drawdown"), returns),
            (t(f"일별 위험 ({risk.days:,}일, KST, 365일/년)", f"Daily risk ({risk.days:,} days, KST, 365 a year)"), daily),
            (t("거래", "Trades"), trades),
        ]  # fmt: skip
        body = "".join(
            f"<div><h3>{_e(title)}</h3><table>{rows(items)}</table></div>" for title, items in cards
        )
        return f'<div class="grid3 figures" data-table="figures">{body}</div>'

    def drawdown_table(self, run: ReportRun) -> str:
        t = self.t
        a = run.analysis
        if not a.worst_drawdowns:
            return ""
        rows = []
        for rank, d in enumerate(a.worst_drawdowns, start=1):
            start, trough = iso_utc(int(a.times[d.start])), iso_utc(int(a.times[d.trough]))
            end = iso_utc(int(a.times[d.end])) if d.end is not None else None
            rows.append([
                str(rank), _e(percent(d.depth)), _e(kst_text(start)), _e(kst_text(trough)),
                _e(kst_text(end) if end else t("미회복", "not recovered")),
            ])  # fmt: skip
        headers = [
            t("순위", "Rank"), t("깊이", "Depth"), t("고점 (KST)", "Peak (KST)"), t("저점 (KST)", "Trough (KST)"),
            t("회복 (KST)", "Recovered (KST)"),
        ]  # fmt: skip
        return _table(headers, rows, numeric=(0, 1), cls="drawdowns")

    def heatmap(self, run: ReportRun) -> str:
        """Years down, months across, the year's return last; cells coloured by sign and size."""
        t = self.t
        a = run.analysis
        if not a.monthly:
            return f'<p class="muted">{_e(t("수익률이 없습니다", "No returns"))}</p>'
        by_month = {(p.year, p.month): p.ret for p in a.monthly}
        by_year = {p.year: p.ret for p in a.yearly}
        scale = max(0.02, max(abs(r) for r in by_month.values()))
        months = [t(f"{m}월", name) for m, name in enumerate(
            ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)]  # fmt: skip
        head = f"<th>{_e(t('연도', 'Year'))}</th>" + "".join(f"<th>{_e(m)}</th>" for m in months)
        head += f"<th>{_e(t('연간', 'Year'))}</th>"
        body = []
        for year in sorted({y for y, _ in by_month}):
            cells = [f"<th>{year}</th>"]
            for month in range(1, 13):
                value = by_month.get((year, month))
                cells.append(_heat_cell(value, scale))
            cells.append(_heat_cell(by_year.get(year), max(scale, abs(by_year.get(year) or 0)), cls="year"))
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f'<div class="scroll"><table class="heatmap" data-table="heatmap"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def breakdowns(self, run: ReportRun) -> str:
        t = self.t
        b = run.analysis.breakdowns
        quote = quote_of(run.analysis.market)

        def table(title: str, buckets: Sequence[Bucket], label: Callable[[Bucket], str]) -> str:
            if not buckets:
                return ""
            headers = [
                "", t("거래", "Trades"), t("승률", "Win rate"), t("평균 수익률", "Mean return"),
                t(f"손익 ({quote})", f"P&L ({quote})"), "PF",
            ]  # fmt: skip
            rows = [
                [_e(label(x)), _e(f"{x.trades:,}"), _e(percent(x.win_rate, 1)),
                 _signed(x.mean_return, percent(x.mean_return)), _signed(x.pnl, money(x.pnl, quote)),
                 _e(number(x.profit_factor))]
                for x in buckets
            ]  # fmt: skip
            return f"<div><h3>{_e(title)}</h3>{_table(headers, rows, numeric=(1, 2, 3, 4, 5))}</div>"

        def trigger(x: Bucket) -> str:
            return t("진입 신호", "entry signal") if x.label == ENTRY_SIGNAL_LABEL else x.label

        def weekday(x: Bucket) -> str:
            return t(WEEKDAYS_KO[int(x.key)], x.label)

        tables = [
            table(t("청산 사유별", "By exit reason"), b.by_exit_reason, lambda x: reason_text(x.key, t)),
            table(t("진입 트리거별", "By entry trigger"), b.by_entry_trigger, trigger),
            table(t("진입 요일별 (KST)", "By entry weekday (KST)"), b.by_weekday, weekday),
            table(t("진입 시각별 (KST)", "By entry hour (KST)"), b.by_hour, lambda x: x.label),
        ]  # fmt: skip
        body = "".join(x for x in tables if x)
        return f'<div class="grid2 breakdowns">{body}</div>' if body else ""

    def trades(self, run: ReportRun) -> str:
        t = self.t
        rec = run.stored.record
        quote = quote_of(rec.market)
        trades = rec.trades
        headers = [
            "#", t("진입 (KST)", "Entry (KST)"), t("진입가", "Entry price"), t("청산 (KST)", "Exit (KST)"),
            t("청산가", "Exit price"), t("수량", "Quantity"), t(f"수수료 ({quote})", f"Fee ({quote})"),
            t(f"손익 ({quote})", f"P&L ({quote})"), t("수익률", "Return"), t("청산 사유", "Exit reason"),
            t("추가 매수", "Adds"),
        ]  # fmt: skip
        rows = []
        for x in trades[:MAX_TRADE_ROWS]:
            pnl = None if x.get("pnl") is None else float(x["pnl"])
            rows.append([
                str(x["trade_no"]), _e(kst_text(x["entry_time"])), _e(price(x.get("entry_price"))),
                _e(kst_text(x.get("exit_time")) or t("보유 중", "open")), _e(price(x.get("exit_price"))),
                _e(quantity(x.get("quantity"))), _e(money(x.get("fee"), quote)),
                _signed(pnl, money(x.get("pnl"), quote)), _signed(x.get("return"), signed_percent(x.get("return"), 2)),
                _e(reason_text(x.get("exit_reason"), t)), _e(x.get("adds", 0)),
            ])  # fmt: skip
        note = ""
        if len(trades) > MAX_TRADE_ROWS:
            note = f'<p class="muted small">{_e(t(f"처음 {MAX_TRADE_ROWS:,}건만 표시합니다 (전체 {len(trades):,}건은 CSV에 있습니다).", f"The first {MAX_TRADE_ROWS:,} of {len(trades):,} trades are shown; the CSV has all of them."))}</p>'  # noqa: E501
        title = t(f"거래 목록 ({len(trades):,}건)", f"All trades ({len(trades):,})")
        if not trades:
            return f'<h3>{_e(title)}</h3><p class="muted">{_e(t("거래가 없습니다", "No trades"))}</p>'
        return f"<h3>{_e(title)}</h3>{note}" + _table(
            headers, rows, numeric=(0, 2, 4, 5, 6, 7, 8, 10), cls="trades"
        )


def _heat_cell(value: float | None, scale: float, cls: str = "") -> str:
    class_attr = f' class="{cls}"' if cls else ""
    if value is None or not math.isfinite(value):
        return f"<td{class_attr}></td>"
    strength = min(abs(value) / scale, 1.0) if scale > 0 else 0.0
    rgb = "200,40,40" if value > 0 else "30,90,200"
    alpha = 0.08 + 0.82 * strength if value != 0 else 0.0
    ink = "#ffffff" if alpha > 0.55 else "#222222"
    return (
        f'<td{class_attr} style="background:rgba({rgb},{alpha:.2f});color:{ink}" title="{_e(percent(value, 2))}">'
        f"{_e(signed_percent(value, 1))}</td>"
    )


def render_html(report: Report, language: str = "en") -> str:
    return HtmlReport(report, language).document()
