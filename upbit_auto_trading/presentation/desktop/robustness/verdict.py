"""The overfitting card as a screen shows it: the verdict in the UI language, a tone for its colour, and the
figures behind it (deflated Sharpe ratio with the sweep's real number of trials, PBO). No Qt."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.domain.robustness.verdict import (
    INCONCLUSIVE,
    LIKELY_OVERFIT,
    LIKELY_ROBUST,
    OverfittingCard,
)
from upbit_auto_trading.presentation.desktop.i18n import tr

GOOD, WARN, BAD, NEUTRAL = "good", "warn", "bad", "neutral"

_HEADS = {
    LIKELY_ROBUST: (GOOD, "견고할 가능성이 높음", "Likely robust"),
    INCONCLUSIVE: (WARN, "판단 보류", "Inconclusive"),
    LIKELY_OVERFIT: (BAD, "과최적화 가능성이 높음", "Likely overfit"),
}


@dataclass(frozen=True)
class VerdictView:
    tone: str  # good | warn | bad | neutral: the card's colour
    title: str
    text: str  # plain-language sentences
    figures: tuple[tuple[str, str], ...]  # (name, value) pairs under the text


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _sentences(card: OverfittingCard) -> str:
    if card.dsr is None or card.pbo is None:
        return tr(
            f"판단에 필요한 데이터가 부족합니다: 파라미터 조합이 두 개 이상이고 일별 수익률이 충분해야 합니다 "
            f"(지금 {card.trials}개 조합, {card.days}일).",
            f"Not enough data for a verdict: it needs at least two parameter sets and enough days of returns "
            f"(here {card.trials} set(s), {card.days} days).",
        )
    sharpe = _number(card.sharpe_annualised)
    lead = {
        LIKELY_ROBUST: ("실력일 가능성이 높습니다.", "Likely robust."),
        LIKELY_OVERFIT: (
            "과최적화 가능성이 높습니다: 새 데이터로 확인하기 전에는 믿지 마세요.",
            "Likely overfit: do not trust this result without new data.",
        ),
        INCONCLUSIVE: (
            "판단 보류: 실력의 흔적은 있지만 과최적화를 배제할 만큼은 아닙니다.",
            "Inconclusive: some evidence of skill, not enough to rule out overfitting.",
        ),
    }.get(card.verdict, ("", ""))
    ko = (
        f"{lead[0]} {card.trials}개 조합 중 고른 조합의 샤프 지수(연 {sharpe})가 {card.trials}번 시도 중 운으로 "
        f"나온 최고치가 아니라 실력일 확률은 {_pct(card.dsr)}입니다 (디플레이티드 샤프 {_number(card.dsr)}). "
        f"기간의 절반에서 최고였던 조합이 나머지 절반에서 중앙값 이하였던 비율은 {_pct(card.pbo)}"
        f" (과최적화 확률 PBO), 손실을 낸 비율은 {_pct(card.prob_oos_loss)}입니다."
    )
    en = (
        f"{lead[1]} Of {card.trials} parameter sets tried, the chosen one's Sharpe ratio ({sharpe} a year) has a "
        f"{_pct(card.dsr)} chance of being real skill rather than the luck of the best of {card.trials} "
        f"(deflated Sharpe ratio {_number(card.dsr)}). The set that looked best in one half of the history ranked "
        f"at or below the median in the other half in {_pct(card.pbo)} of the splits (probability of backtest "
        f"overfitting), and lost money there in {_pct(card.prob_oos_loss)}."
    )
    return tr(ko, en)


def verdict_view(card: OverfittingCard) -> VerdictView:
    tone, ko, en = _HEADS.get(card.verdict, (NEUTRAL, "데이터 부족", "Not enough data"))
    figures = (
        (tr("디플레이티드 샤프 (DSR)", "Deflated Sharpe (DSR)"), _number(card.dsr)),
        (tr("과최적화 확률 (PBO)", "Overfitting probability (PBO)"), _pct(card.pbo)),
        (tr("시도한 조합", "Trials"), f"{card.trials:,}"),
        (tr("샤프 (연)", "Sharpe (annual)"), _number(card.sharpe_annualised)),
        (
            tr("운으로 기대되는 최고 샤프", "Best Sharpe expected by luck"),
            _number(card.expected_max_sharpe_annualised),
        ),
        (tr("표본 외 손실 확률", "Out-of-sample loss probability"), _pct(card.prob_oos_loss)),
        (tr("일수", "Days"), f"{card.days:,}"),
    )
    return VerdictView(tone, tr(ko, en), _sentences(card), figures)
