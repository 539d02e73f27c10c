"""The metrics card: one column per analysed run, one row per figure, in three sections: what the run was run
with (capital, fee, slippage, period, strategy version, data hash), its returns and risk on daily KST returns
(365-day year), and its trades. No Qt.

Settings that differ between the runs are marked, and a run over another period than the others is flagged
(the same rule as the comparison table: returns over different periods are not comparable)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from upbit_auto_trading.application.analysis import compare_runs
from upbit_auto_trading.domain.analysis.run_analysis import RunAnalysis
from upbit_auto_trading.presentation.desktop.analysis.figures import (
    DASH,
    count,
    duration,
    money,
    pct,
    quote_of,
    ratio,
    short_hash,
)
from upbit_auto_trading.presentation.desktop.backtest.model import decimal_or, kst, plain_number
from upbit_auto_trading.presentation.desktop.i18n import tr


@dataclass(frozen=True, eq=False)
class CardRun:
    """One column: the stored run (StoredRun) and its analysis (None while it could not be made: ``error``)."""

    stored: Any
    analysis: RunAnalysis | None
    error: str = ""


@dataclass(frozen=True)
class CardRow:
    label: str
    values: list[str]
    section: bool = False  # a heading row across the card
    tip: str = ""
    differs: bool = False  # a setting that is not the same for every run
    flagged: list[bool] = field(default_factory=list)  # per run: its period is not the others'


@dataclass(frozen=True)
class MetricsCard:
    run_ids: list[int]
    headers: list[str]  # "#3 RSI swing"
    rows: list[CardRow]
    notice: str = ""  # "the periods differ" (above the card)


Figure = Callable[[CardRun], str]


def _record(r: CardRun) -> Any:
    return r.stored.record


def _setting(r: CardRun, key: str) -> Any:
    return (_record(r).settings or {}).get(key)


def _capital(r: CardRun) -> str:
    rec = _record(r)
    return f"{decimal_or(_setting(r, 'initial_capital'), '0').normalize():,f} {quote_of(rec.market)}".strip()


def _rate(key: str) -> Figure:
    return lambda r: plain_number(decimal_or(_setting(r, key), "0") * 100) + "%"


def _version(r: CardRun) -> str:
    meta = getattr(r.stored, "meta", None)
    version = getattr(meta, "strategy_version", None)
    return DASH if version is None else f"v{version}"


def _metric(key: str, show: Callable[[Any], str]) -> Figure:
    return lambda r: show((_record(r).metrics or {}).get(key))


def _risk(name: str, show: Callable[[Any], str]) -> Figure:
    return lambda r: DASH if r.analysis is None else show(getattr(r.analysis.risk, name))


def _trade(name: str, show: Callable[[Any], str]) -> Figure:
    return lambda r: DASH if r.analysis is None else show(getattr(r.analysis.trades, name))


def _money_metric(key: str) -> Figure:
    return lambda r: money((_record(r).metrics or {}).get(key), quote_of(_record(r).market))


def _final_equity(r: CardRun) -> str:
    return money(_record(r).final_equity, quote_of(_record(r).market))


def _expectancy_pnl(r: CardRun) -> str:
    return (
        DASH if r.analysis is None else money(r.analysis.trades.expectancy_pnl, quote_of(_record(r).market))
    )


def _days(r: CardRun) -> str:
    return DASH if r.analysis is None else count(r.analysis.risk.days)


def _period(r: CardRun) -> str:
    """The KST days of the first and the last candle (the comparison table has the hours)."""
    rec = _record(r)
    return f"{kst(rec.data_start)[:10]} ~ {kst(rec.data_end)[:10]}"


def _settings_rows() -> list[tuple[str, Figure, str]]:
    return [
        (tr("시장", "Market"), lambda r: f"{_record(r).market} {_record(r).timeframe}", ""),
        (tr("기간 (KST)", "Period (KST)"), _period,
         tr("첫 캔들과 마지막 캔들의 날짜 (시각은 비교 탭)", "The days of the first and last candle (the hours: Compare)")),
        (tr("캔들 수", "Candles"), lambda r: count(_record(r).candle_count), ""),
        (tr("초기 자본", "Capital"), _capital, ""),
        (tr("수수료 (체결당)", "Fee (per fill)"), _rate("fee_rate"), ""),
        (tr("슬리피지", "Slippage"), _rate("slippage_rate"), ""),
        (tr("전략 버전", "Strategy version"), _version, ""),
        (tr("전략 해시", "Strategy hash"), lambda r: short_hash(_record(r).strategy_hash),
         tr("전략 정의의 해시: 같으면 같은 규칙입니다", "The strategy definition's hash: equal means the same rules")),
        (tr("데이터 해시", "Data hash"), lambda r: short_hash(getattr(_record(r), "candle_hash", "")),
         tr("캔들의 해시: 같으면 같은 데이터입니다", "The candles' hash: equal means the same data")),
        (tr("엔진 버전", "Engine version"), lambda r: str(getattr(_record(r), "engine_version", "") or DASH), ""),
    ]  # fmt: skip


def _return_rows() -> list[tuple[str, Figure, str]]:
    return [
        (tr("총 수익률", "Total return"), _metric("total_return", pct), ""),
        (tr("최종 자산", "Final equity"), _final_equity, ""),
        (tr("연 복리 수익률 (CAGR)", "CAGR"), _metric("cagr", pct), ""),
        (tr("보유 전략 수익률", "Buy-and-hold return"), _metric("buy_and_hold_return", pct), ""),
        (tr("최대 낙폭 (MDD)", "Max drawdown"), _metric("max_drawdown", pct), ""),
        (tr("샤프 지수 (일간, 365일)", "Sharpe (daily, 365 days)"), _risk("sharpe", ratio),
         tr("일간 수익률의 평균 / 표준편차 x sqrt(365)", "mean / sd of daily returns x sqrt(365)")),
        (tr("소르티노 지수 (일간)", "Sortino (daily)"), _risk("sortino", ratio), ""),
        (tr("연 변동성 (일간)", "Volatility (daily, annual)"), _risk("volatility", pct), ""),
        (tr("확률적 샤프 지수 (PSR)", "Probabilistic Sharpe (PSR)"), _risk("psr", lambda v: pct(v, 1)),
         tr("실제 샤프 지수가 0보다 클 확률 (기간, 왜도, 첨도 반영)",
            "The probability that the true Sharpe ratio is above 0, given the length, skew and kurtosis")),
        (tr("오메가 비율", "Omega ratio"), _risk("omega", ratio),
         tr("이익 본 날의 합 / 손실 본 날의 합", "Sum of daily gains / sum of daily losses")),
        (tr("궤양 지수 (Ulcer)", "Ulcer index"), _risk("ulcer_index", pct),
         tr("고점 대비 낙폭의 제곱 평균의 제곱근: 얼마나 깊고 오래 물려 있었나",
            "Root mean square of the drawdown: how deep and how long under water")),
        (tr("VaR 95% (일간)", "VaR 95% (daily)"), _risk("var_95", pct),
         tr("5%의 날에 이 이상 잃었습니다 (과거 분포)", "On 5 % of days the run lost this much or more (historical)")),
        (tr("CVaR 95% (일간)", "CVaR 95% (daily)"), _risk("cvar_95", pct),
         tr("VaR 이하인 날들의 평균 손실", "The mean loss on the days at or below the VaR")),
        (tr("왜도", "Skew"), _risk("skew", ratio), ""),
        (tr("첨도 (정규분포 = 3)", "Kurtosis (normal = 3)"), _risk("kurtosis", ratio), ""),
        (tr("최고의 날", "Best day"), _risk("best_day", pct), ""),
        (tr("최악의 날", "Worst day"), _risk("worst_day", pct), ""),
        (tr("상승한 날 비율", "Positive days"), _risk("positive_days", lambda v: pct(v, 1)), ""),
        (tr("일 수 (KST)", "Days (KST)"), _days, ""),
    ]  # fmt: skip


def _trade_rows() -> list[tuple[str, Figure, str]]:
    return [
        (tr("청산된 거래", "Closed trades"), _trade("closed", count), ""),
        (tr("승률", "Win rate"), _metric("win_rate", lambda v: pct(v, 1)), ""),
        (tr("손익비 (PF)", "Profit factor"), _metric("profit_factor", ratio), ""),
        (tr("기대값 (거래당 수익률)", "Expectancy (return per trade)"), _metric("expectancy", pct), ""),
        (tr("기대값 (거래당 손익)", "Expectancy (P&L per trade)"), _expectancy_pnl, ""),
        (tr("평균 수익 / 평균 손실", "Payoff ratio"), _trade("payoff_ratio", ratio), ""),
        (tr("SQN (Van Tharp, 최대 100거래)", "SQN (Van Tharp, 100 trades max)"), _trade("sqn", ratio),
         tr("sqrt(min(n, 100)) x 평균 / 표준편차 (거래 수익률)", "sqrt(min(n, 100)) x mean / sd of trade returns")),
        (tr("최장 연승", "Longest winning streak"), _trade("longest_win_streak", count), ""),
        (tr("최장 연패", "Longest losing streak"), _trade("longest_loss_streak", count), ""),
        (tr("평균 보유 기간", "Average holding"), _trade("average_holding_seconds", duration), ""),
        (tr("보유 기간 중앙값", "Median holding"), _trade("median_holding_seconds", duration), ""),
        (tr("최장 보유 기간", "Longest holding"), _trade("longest_holding_seconds", duration), ""),
        (tr("노출 비율", "Exposure"), _metric("exposure", pct), ""),
        (tr("수수료 합계", "Fees paid"), _money_metric("fees"), ""),
    ]  # fmt: skip


def _period_flags(runs: Sequence[CardRun]) -> tuple[list[bool], str]:
    keys = [
        compare_runs.period_key(_record(r).data_start, _record(r).data_end, _record(r).timeframe)
        for r in runs
    ]
    check = compare_runs.check_periods(keys)
    if not check.differ:
        return [False] * len(runs), ""
    odd = ", ".join(f"#{r.stored.run_id}" for r, f in zip(runs, check.flagged, strict=True) if f)
    return check.flagged, tr(f"⚠ 기간이 다른 실행: {odd}. 기간이 다르면 수익률을 그대로 비교할 수 없습니다.",
                             f"⚠ Different period: {odd}. Returns over different periods are not directly comparable.")  # fmt: skip


def metrics_card(runs: Sequence[CardRun]) -> MetricsCard:
    """The card of ``runs`` (one column each, in the order given)."""
    flagged, notice = _period_flags(runs) if len(runs) > 1 else ([False] * len(runs), "")
    rows: list[CardRow] = []
    sections = (
        (tr("설정", "Settings"), _settings_rows(), True),
        (tr("수익률과 위험 (일간 KST 수익률, 1년 = 365일)", "Returns and risk (daily KST returns, 365-day year)"),
         _return_rows(), False),
        (tr("거래", "Trades"), _trade_rows(), False),
    )  # fmt: skip
    period_label = tr("기간 (KST)", "Period (KST)")
    for title, figures, compare_settings in sections:
        rows.append(CardRow(title, [""] * len(runs), section=True))
        for label, figure, tip in figures:
            values = [figure(r) for r in runs]
            differs = compare_settings and len(runs) > 1 and len(set(values)) > 1
            rows.append(CardRow(label, values, tip=tip, differs=differs,
                                flagged=flagged if label == period_label else []))  # fmt: skip
    errors = [f"#{r.stored.run_id}: {r.error}" for r in runs if r.error]
    if errors:
        notice = " ".join([notice, *errors]).strip()
    return MetricsCard(
        run_ids=[r.stored.run_id for r in runs],
        headers=[f"#{r.stored.run_id} {r.stored.strategy_name}" for r in runs],
        rows=rows,
        notice=notice,
    )
