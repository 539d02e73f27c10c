"""The Monte Carlo panel's content: the 5 % / median / 95 % bands of final equity and maximum drawdown for the
trades shuffled and bootstrapped, and the probability of a given loss. No Qt.

Also parses the panel's two fields (paths, loss threshold in percent) into the use case's arguments."""

from __future__ import annotations

from dataclasses import dataclass, field

from upbit_auto_trading.application.analysis.monte_carlo import MAX_PATHS, MonteCarloReport
from upbit_auto_trading.domain.analysis.monte_carlo import MonteCarloResult
from upbit_auto_trading.presentation.desktop.analysis.figures import money, pct
from upbit_auto_trading.presentation.desktop.analysis.model import Table, TaskState
from upbit_auto_trading.presentation.desktop.i18n import tr

DEFAULT_PATHS = 1000
DEFAULT_LOSS_PCT = 20


@dataclass(frozen=True)
class MonteCarloPanel:
    run_label: str
    state: TaskState = TaskState()
    can_run: bool = False
    table: Table | None = None
    headline: str = ""  # the probability of the loss, in one sentence
    notes: list[str] = field(default_factory=list)


def parse_inputs(paths_text: str, loss_text: str) -> tuple[int, float]:
    """(paths, loss threshold as a fraction); raises ValueError with a message for the user."""
    try:
        paths = int(paths_text.replace(",", "").strip())
    except ValueError:
        paths = 0
    if not 1 <= paths <= MAX_PATHS:
        raise ValueError(tr(f"경로 수: 1 ~ {MAX_PATHS:,} 사이의 정수를 입력하세요",
                            f"Paths: enter a whole number from 1 to {MAX_PATHS:,}"))  # fmt: skip
    try:
        loss = float(loss_text.replace("%", "").strip())
    except ValueError:
        loss = -1.0
    if not 0 < loss <= 100:
        raise ValueError(tr("손실 기준: 0보다 크고 100 이하인 %를 입력하세요",
                            "Loss threshold: enter a percentage above 0 and at most 100"))  # fmt: skip
    return paths, loss / 100


def _rows(result: MonteCarloResult, name: str, quote: str) -> list[list[str]]:
    f, r, d = result.final_equity, result.total_return, result.max_drawdown
    return [
        [f"{name}: " + tr("최종 자산", "final equity"), money(f.p5, quote), money(f.median, quote), money(f.p95, quote),
         money(result.actual_final_equity, quote)],
        [f"{name}: " + tr("총 수익률", "total return"), pct(r.p5, signed=True), pct(r.median, signed=True),
         pct(r.p95, signed=True), pct(result.actual_final_equity / result.start_equity - 1, signed=True)],
        [f"{name}: " + tr("최대 낙폭", "max drawdown"), pct(d.p5), pct(d.median), pct(d.p95),
         pct(result.actual_max_drawdown)],
        [f"{name}: " + tr(f"{result.loss_threshold * 100:g}% 이상 손실 확률", f"P(loss of {result.loss_threshold * 100:g} % or more)"),
         "", pct(result.loss_probability, 1), "", ""],
    ]  # fmt: skip


def monte_carlo_panel(
    report: MonteCarloReport, run_label: str, quote: str, state: TaskState
) -> MonteCarloPanel:
    shuffle, boot = report.shuffle, report.bootstrap
    headers = [tr("항목", "Figure"), tr("하위 5%", "5 %"), tr("중앙값", "Median"), tr("상위 95%", "95 %"),
               tr("실제 순서", "Actual order")]  # fmt: skip
    rows = _rows(shuffle, tr("순서 섞기", "Shuffle"), quote) + _rows(
        boot, tr("부트스트랩", "Bootstrap"), quote
    )
    signs = [[0] * len(headers) for _ in rows]
    threshold = boot.loss_threshold * 100
    headline = tr(
        f"거래를 복원 추출한 {boot.paths:,}개 경로 중 {boot.loss_probability * 100:.1f}%가 "
        f"{threshold:g}% 이상 손실로 끝났습니다 (거래 {boot.trades:,}건, 시드 {boot.seed}).",
        f"{boot.loss_probability * 100:.1f} % of {boot.paths:,} bootstrapped paths ended with a loss of "
        f"{threshold:g} % or more ({boot.trades:,} trades, seed {boot.seed}).",
    )
    notes = [
        tr("순서 섞기: 같은 거래를 다른 순서로. 최종 자산은 같고 낙폭만 달라집니다. 부트스트랩: 같은 수의 거래를 "
           "복원 추출: 최종 자산과 낙폭이 모두 달라집니다.",
           "Shuffle: the same trades in another order; the final equity stays, the drawdown changes. "
           "Bootstrap: as many trades drawn with replacement; both change."),
        tr("낙폭은 거래가 끝날 때마다 재므로 캔들 단위의 최대 낙폭보다 얕게 나옵니다.",
           "Drawdowns are measured trade by trade, so they read shallower than the candle-by-candle maximum."),
    ]  # fmt: skip
    if report.open_trades:
        notes.append(tr(f"보유 중인 거래 {report.open_trades}건은 손익이 없어 제외했습니다.",
                        f"{report.open_trades} open trade(s) left out: no P&L yet."))  # fmt: skip
    return MonteCarloPanel(
        run_label=run_label,
        state=state,
        can_run=True,
        table=Table(headers, rows, numeric_from=1, signs=signs),
        headline=headline,
        notes=notes,
    )
