"""The Robustness form as plain data (no Qt): the swept parameters' rows, what the user typed, and the
sweep or walk-forward request it makes. Reading a stored study back into the form lives here too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from upbit_auto_trading.application.robustness.dto import (
    GRID,
    SWEEP,
    ExecutorSpec,
    RunCosts,
    StudyDefinition,
    SweepRequest,
    WalkForwardRequest,
)
from upbit_auto_trading.domain.robustness.errors import ParameterSpaceError
from upbit_auto_trading.domain.robustness.parameters import SweepableParameter
from upbit_auto_trading.domain.robustness.paths import path_text
from upbit_auto_trading.domain.robustness.plateau import DEFAULT_OBJECTIVE
from upbit_auto_trading.domain.robustness.space import Dimension, ParameterSpace
from upbit_auto_trading.domain.robustness.walk_forward import parse_duration
from upbit_auto_trading.presentation.desktop.backtest.model import RunForm, plain_number
from upbit_auto_trading.presentation.desktop.backtest.presenter import parse_form
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.strategy_maker.model import SPECS_BY_TYPE

SUGGESTED_STEPS = 5
"""Values a parameter's suggested range spans around its current value."""


@dataclass(frozen=True)
class ParameterRow:
    """One sweepable parameter as the form lists it; ``start``/``stop``/``step``/``values`` are texts the user
    may change (``values``, a list such as ``10,20,30``, wins over the range when given)."""

    path: str
    label: str
    current: str  # "" when the strategy leaves it unset (an absent stop-loss)
    integer: bool
    swept: bool = False
    start: str = ""
    stop: str = ""
    step: str = ""
    values: str = ""

    def spec(self) -> str:
        """The values part of a ``PATH=...`` dimension: the list, else ``START:STOP:STEP``."""
        if self.values.strip():
            return self.values.replace(" ", "")
        parts = [self.start.strip(), self.stop.strip(), self.step.strip()]
        if not all(parts):
            raise ParameterSpaceError(
                tr(
                    f"{self.label}: 시작, 끝, 간격을 모두 입력하거나 값 목록을 입력하세요",
                    f"{self.label}: give from, to and step, or a list of values",
                )
            )
        return ":".join(parts)


@dataclass(frozen=True)
class StudyForm:
    """Everything the user chose. ``mode`` is ``sweep`` or ``walkforward``; ``workers`` 0 means one per core."""

    mode: str
    strategy: str
    market: str
    timeframe: str
    start: str
    end: str
    capital: str
    fee_pct: str
    slippage_pct: str
    parameters: tuple[ParameterRow, ...]
    objective: str = DEFAULT_OBJECTIVE
    sampler: str = GRID
    trials: int = 50
    train: str = "180d"
    test: str = "30d"
    anchored: bool = False
    select: str = "plateau"
    workers: int = 0
    ray_address: str = ""


@dataclass(frozen=True)
class Plan:
    """A form read into a request and where it runs."""

    request: SweepRequest | WalkForwardRequest
    executor: ExecutorSpec
    cells: int  # backtests one train window (a sweep: the whole grid) asks for


def _nice_step(magnitude: Decimal, integer: bool) -> Decimal:
    """The largest of 1, 2, 2.5 or 5 times a power of ten not above a fifth of ``magnitude`` (integers: 1, 2
    or 5 times, at least 1)."""
    if magnitude == 0:
        return Decimal(1)
    raw = abs(magnitude) / SUGGESTED_STEPS
    power = Decimal(10) ** raw.adjusted()
    factors = (
        (Decimal(1), Decimal(2), Decimal(5))
        if integer
        else (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
    )
    step = max(m * power for m in factors if m * power <= raw)
    return max(Decimal(1), step.to_integral_value()) if integer else step.normalize()


def parameter_label(p: SweepableParameter) -> str:
    """A parameter's name as the strategy maker writes it (rule titles and field names in the UI language);
    a trigger's keeps the trigger's own name."""
    if p.path == "cooldown_candles":
        return tr("쿨다운 (캔들)", "Cooldown (candles)")
    if p.path == "sizing.value":
        return tr("포지션 크기", "Position size") + p.label[len("position size") :]
    parts = p.path.split(".")
    if parts[0] == "rules" and len(parts) == 3 and parts[1] in SPECS_BY_TYPE:
        spec = SPECS_BY_TYPE[parts[1]]
        field_spec = next((f for f in spec.params if f.key == parts[2]), None)
        if field_spec is None:
            return f"{spec.title}: {parts[2]}"
        return f"{spec.title}: {field_spec.label}" + (f" {field_spec.suffix}" if field_spec.suffix else "")
    label = p.label or p.path
    return label.replace("value compared against", tr("비교 값", "threshold"))


def suggested_row(p: SweepableParameter) -> ParameterRow:
    """The form row of a parameter: a range of five values centred on its current one (inside its bounds);
    empty when it has no current value."""
    current = "" if p.current is None else plain_number(p.current)
    label = parameter_label(p)
    if p.current is None:
        return ParameterRow(p.path, label, current, p.integer)
    step = _nice_step(p.current, p.integer)
    start, stop = p.current - 2 * step, p.current + 2 * step
    if p.minimum is not None:
        start = max(start, p.minimum)
    if p.maximum is not None:
        stop = min(stop, p.maximum)
    return ParameterRow(
        p.path, label, current, p.integer, False, plain_number(start), plain_number(stop), plain_number(step)
    )


def build_space(rows: Sequence[ParameterRow]) -> ParameterSpace:
    """The space of the ticked rows (ParameterSpaceError with a message for the user)."""
    swept = [r for r in rows if r.swept]
    if not swept:
        raise ParameterSpaceError(
            tr("스윕할 파라미터를 하나 이상 체크하세요", "Tick at least one parameter to sweep")
        )
    return ParameterSpace(tuple(Dimension.parse(f"{r.path}={r.spec()}") for r in swept))


def grid_size(rows: Sequence[ParameterRow]) -> int | None:
    """Cells of the ticked rows' grid; None when a row cannot be read yet."""
    try:
        return build_space(rows).size
    except (ParameterSpaceError, ValueError, ArithmeticError):
        return None


def _costs_and_period(form: StudyForm) -> tuple[RunCosts, datetime | None, datetime | None]:
    """Capital, costs and period read as the backtest form reads them (same checks, same messages)."""
    backtest = parse_form(
        RunForm(
            form.strategy,
            form.market,
            form.timeframe,
            form.start,
            form.end,
            form.capital,
            form.fee_pct,
            form.slippage_pct,
        )
    )
    costs = RunCosts(backtest.initial_capital, backtest.fee_rate, backtest.slippage_rate)
    return costs, backtest.start, backtest.end


def executor_spec(form: StudyForm) -> ExecutorSpec:
    address = form.ray_address.strip()
    return ExecutorSpec(workers=form.workers or None, ray_address=address or None)


def plan(form: StudyForm) -> Plan:
    """The request the form describes; raises ValueError or ParameterSpaceError with a message for the user."""
    costs, start, end = _costs_and_period(form)
    space = build_space(form.parameters)
    if form.mode == SWEEP:
        if form.sampler != GRID and form.trials < 1:
            raise ValueError(tr("시도 횟수는 1 이상이어야 합니다", "Trials must be at least 1"))
        trials = form.trials if form.sampler != GRID else None
        sweep = SweepRequest(
            strategy=form.strategy,
            markets=(form.market,),
            timeframe=form.timeframe,
            space=space,
            start=start,
            end=end,
            costs=costs,
            sampler=form.sampler,
            trials=trials,
            objective=form.objective,
        )
        return Plan(sweep, executor_spec(form), space.size if trials is None else min(space.size, trials))
    walk = WalkForwardRequest(
        strategy=form.strategy,
        market=form.market,
        timeframe=form.timeframe,
        space=space,
        train_seconds=_duration(form.train, tr("학습 기간", "Train")),
        test_seconds=_duration(form.test, tr("검증 기간", "Test")),
        anchored=form.anchored,
        start=start,
        end=end,
        costs=costs,
        objective=form.objective,
        select=form.select,
    )
    return Plan(walk, executor_spec(form), space.size)


def _duration(text: str, label: str) -> int:
    try:
        return parse_duration(text)
    except ParameterSpaceError:
        raise ValueError(
            tr(f"{label}: 180d, 26w, 12h 처럼 입력하세요", f"{label}: write a length like 180d, 26w or 12h")
        ) from None


# ----------------------------------------------------------------------------- a stored study back in the form
def _range_of(values: Sequence[Decimal]) -> tuple[str, str, str] | None:
    """(start, stop, step) when ``values`` are three or more evenly spaced increasing numbers."""
    if len(values) < 3:
        return None
    step = values[1] - values[0]
    if step <= 0 or any(b - a != step for a, b in zip(values, values[1:], strict=False)):
        return None
    return plain_number(values[0]), plain_number(values[-1]), plain_number(step)


def rows_with_space(
    rows: Sequence[ParameterRow], space: ParameterSpace
) -> tuple[list[ParameterRow], list[str]]:
    """The form's rows with the stored space's dimensions ticked and filled in, and the stored paths the
    strategy no longer has (or that moved together with others: the form sweeps each path alone)."""
    by_path = {r.path: r for r in rows}
    chosen: dict[str, ParameterRow] = {}
    missing: list[str] = []
    for dim in space.dimensions:
        texts = [path_text(p) for p in dim.paths]
        if len(texts) != 1 or texts[0] not in by_path:
            missing.append(dim.label)
            continue
        span = _range_of(dim.values)
        row = replace(by_path[texts[0]], swept=True)
        if span is not None:
            chosen[texts[0]] = replace(row, start=span[0], stop=span[1], step=span[2], values="")
        else:
            chosen[texts[0]] = replace(row, values=",".join(plain_number(v) for v in dim.values))
    return [chosen.get(r.path, replace(r, swept=False)) for r in rows], missing


@dataclass(frozen=True)
class StoredSettings:
    """What a stored study puts back into the form (the parameters follow once the strategy's are listed)."""

    form: StudyForm
    space: ParameterSpace
    notes: list[str] = field(default_factory=list)


def _day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.strftime(
        "%Y-%m-%d" if (moment.hour, moment.minute) in ((0, 0), (23, 59)) else "%Y-%m-%d %H:%M"
    )


def _percent(rate: Decimal) -> str:
    return plain_number(rate * 100)


def stored_settings(d: StudyDefinition, current: StudyForm) -> StoredSettings:
    """The form of a stored sweep or walk-forward (mode, series, period, costs, objective, sampler, windows),
    keeping the current executor choice; notes name what the form cannot reproduce."""
    options: Mapping[str, object] = d.options
    notes = []
    if len(d.markets) > 1:
        notes.append(
            tr(
                f"여러 시장 스윕: 폼에는 {d.markets[0]}만 넣었습니다",
                f"a sweep of several markets: the form takes {d.markets[0]} only",
            )
        )
    form = replace(
        current,
        mode=d.kind,
        strategy=d.strategy_name,
        market=d.markets[0],
        timeframe=d.timeframe,
        start=_day(d.start),
        end=_day(d.end),
        capital=format(d.costs.initial_capital.normalize(), ",f"),
        fee_pct=_percent(d.costs.fee_rate),
        slippage_pct=_percent(d.costs.slippage_rate),
        objective=d.objective,
        sampler=d.sampler,
        trials=d.trials or current.trials,
    )
    if d.kind != SWEEP:
        form = replace(
            form,
            train=_days(options.get("train_seconds")) or form.train,
            test=_days(options.get("test_seconds")) or form.test,
            anchored=bool(options.get("anchored")),
            select=str(options.get("select") or form.select),
        )
    return StoredSettings(form, d.space, notes)


def _days(seconds: object) -> str:
    if not isinstance(seconds, int) or seconds <= 0:
        return ""
    for unit, size in (("d", 86400), ("h", 3600)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m"
