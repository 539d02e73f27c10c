"""Backtest screen logic: build the request, queue runs (progress, cancel), show results and stored runs.

Queue callbacks arrive on the worker thread; ``work.post`` hands them to the GUI thread. No Qt here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import numpy as np

from upbit_auto_trading.application.backtest.open_run import drawdown_of
from upbit_auto_trading.application.backtest.queue import BacktestJob, JobStatus
from upbit_auto_trading.application.backtest.request import (
    COST_CONFIRM_ABOVE,
    BacktestOutcome,
    BacktestRequest,
)
from upbit_auto_trading.domain.backtest import UPBIT_KRW_FEE
from upbit_auto_trading.domain.backtest.settings import CAPITAL_RANGE, MAX_INITIAL_CAPITAL, capital_in_range
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.backtest.model import (
    QueueRow,
    ResultView,
    RunForm,
    RunRow,
    SeriesOption,
    fill_rows,
    kst,
    markers_of,
    metric_rows,
    warning_text,
)
from upbit_auto_trading.presentation.desktop.backtest.reopen import form_of_run, opened_status
from upbit_auto_trading.presentation.desktop.backtest.services import BacktestServices
from upbit_auto_trading.presentation.desktop.i18n import tr

PHASES = {
    "loading": ("캔들 읽는 중", "loading candles"), "signals": ("트리거 계산 중", "evaluating triggers"),
    "engine": ("시뮬레이션 중", "simulating"), "metrics": ("지표 계산 중", "computing metrics"),
    "storing": ("저장 중", "storing"), "done": ("완료", "done"), "starting": ("시작", "starting"),
}  # fmt: skip


class BacktestView(Protocol):
    def show_strategies(self, names: Sequence[str]) -> None: ...
    def show_series(self, options: Sequence[SeriesOption]) -> None: ...
    def form(self) -> RunForm: ...
    def set_running(self, running: bool) -> None: ...
    def show_progress(self, fraction: float, text: str) -> None: ...
    def show_queue(self, rows: Sequence[QueueRow]) -> None: ...
    def show_runs(self, rows: Sequence[RunRow]) -> None: ...
    def show_result(self, result: ResultView) -> None: ...
    def set_form(self, form: RunForm) -> None: ...
    def show_error(self, message: str) -> None: ...
    def show_status(self, message: str) -> None: ...
    def confirm(self, question: str) -> bool: ...


def parse_form(form: RunForm) -> BacktestRequest:
    """The request of a filled form; raises ValueError with a message for the user."""
    if not form.strategy:
        raise ValueError(tr("전략을 고르세요", "Pick a strategy"))
    if not form.market or not form.timeframe:
        raise ValueError(tr("시장과 타임프레임을 고르세요", "Pick a market and a timeframe"))
    capital = _form_capital(form.capital)
    start = _form_day(form.start, tr("시작일", "From"), end=False)
    end = _form_day(form.end, tr("종료일", "To"), end=True)
    if start and end and start > end:
        raise ValueError(tr("시작일이 종료일보다 늦습니다", "The start is after the end"))
    return BacktestRequest(
        strategy=form.strategy,
        market=form.market,
        timeframe=form.timeframe,
        start=start,
        end=end,
        initial_capital=capital,
        fee_rate=_form_decimal(form.fee_pct, tr("수수료", "Fee")) / 100,
        slippage_rate=_form_decimal(form.slippage_pct, tr("슬리피지", "Slippage")) / 100,
    )


def _form_day(text: str, label: str, *, end: bool) -> datetime | None:
    """A date field (UTC); an end date without a time means the whole day. None when empty."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(tr(f"{label}: YYYY-MM-DD 형식으로 입력하세요", f"{label}: use YYYY-MM-DD")) from None
    if end and len(text.strip()) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment


def _form_decimal(text: str, label: str) -> Decimal:
    """A number field (thousands commas allowed; empty is 0)."""
    try:
        value = Decimal(text.replace(",", "").strip() or "0")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():  # "NaN" parses as a Decimal, then broke the cost comparison
        raise ValueError(tr(f"{label}: 숫자를 입력하세요", f"{label}: enter a number"))
    return value


def _form_capital(text: str) -> Decimal:
    try:
        capital = Decimal(text.replace(",", "").strip() or "0")
    except InvalidOperation:
        capital = Decimal("NaN")
    if not capital_in_range(capital):  # 1e400 used to run to the end and fail with InvalidOperation
        raise ValueError(tr(f"초기 자본: 0보다 크고 {MAX_INITIAL_CAPITAL:,} 이하여야 합니다",
                            f"Capital: must be {CAPITAL_RANGE}"))  # fmt: skip
    return capital


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def unusual_cost_text(request: BacktestRequest) -> str:
    """What to confirm before running with a fee or slippage above 1 % per fill (most likely a unit
    mistake: the fields are in percent, 0.05 = 0.05 %), or "" when the costs are plausible."""
    lines = []
    for name, rate in request.unusual_costs():
        label = tr("수수료", "The fee") if name == "fee" else tr("슬리피지", "The slippage")
        lines.append(tr(
            f"{label} {_percent(rate)}/체결은 {_percent(COST_CONFIRM_ABOVE)}보다 큽니다 (업비트 KRW 수수료는 "
            f"{_percent(UPBIT_KRW_FEE)}). 입력 단위는 퍼센트입니다: 0.05 = 0.05 %.",
            f"{label} of {_percent(rate)} per fill is above {_percent(COST_CONFIRM_ABOVE)} (Upbit's KRW fee is "
            f"{_percent(UPBIT_KRW_FEE)}). The field is in percent: 0.05 = 0.05 %.",
        ))  # fmt: skip
    return "\n".join(lines)


def result_from_outcome(outcome: BacktestOutcome) -> ResultView:
    r, rec = outcome.result, outcome.record
    return ResultView(
        title=_title(rec.strategy.get("name", ""), rec.market, rec.timeframe, rec.data_start, rec.data_end),
        start=r.candles.start,
        candles=r.candles,
        equity=r.equity,
        buy_and_hold=r.buy_and_hold,
        drawdown=r.drawdown,
        markers=markers_of(rec.fills),
        fills=fill_rows(rec.fills),
        metrics=metric_rows({**rec.metrics, "final_equity": rec.final_equity}),
        run_id=outcome.run_id,
        warnings=[warning_text(w) for w in rec.warnings()],
    )


def result_from_charts(charts: Any) -> ResultView:
    rec = charts.stored.record
    return ResultView(
        title=_title(rec.strategy.get("name", ""), rec.market, rec.timeframe, rec.data_start, rec.data_end),
        start=charts.start,
        candles=charts.candles,
        equity=charts.equity,
        buy_and_hold=charts.buy_and_hold,
        drawdown=charts.drawdown if charts.drawdown is not None else drawdown_of(np.asarray(charts.equity)),
        markers=markers_of(rec.fills),
        fills=fill_rows(rec.fills),
        metrics=metric_rows({**rec.metrics, "final_equity": rec.final_equity}),
        run_id=charts.stored.run_id,
        warnings=[warning_text(w) for w in rec.warnings()],
    )


def phase_text(phase: str) -> str:
    known = PHASES.get(phase)
    return tr(*known) if known else phase


def queue_rows(jobs: Sequence[BacktestJob]) -> list[QueueRow]:
    """Rows of the unfinished ``jobs`` in submission order: the running one(s), then the waiting ones with
    their place in the line. A job asked to stop shows "cancelling" until the worker lets it go."""
    rows: list[QueueRow] = []
    ahead = 0
    for job in jobs:
        if job.status.finished:
            continue
        r = job.request
        label, series = f"#{job.job_id} {r.strategy}", f"{r.market} {r.timeframe} · "
        if job.token.cancelled:
            text = series + tr("취소 중", "cancelling")
            rows.append(QueueRow(job.job_id, label, "cancelling", text, job.progress, False))
        elif job.status is JobStatus.RUNNING:
            text = series + tr("실행 중", "running") + f" {job.progress * 100:.0f}% · {phase_text(job.phase)}"
            rows.append(QueueRow(job.job_id, label, "running", text, job.progress, True))
        else:
            text = series + tr(f"대기 중 (앞에 {ahead}개)", f"waiting ({ahead} ahead)")
            rows.append(QueueRow(job.job_id, label, "queued", text, 0.0, True))
        ahead += 1
    return rows


def run_row(r: Any) -> RunRow:
    """The list row of a RunSummary: one line of short cells; the period and when it ran in the tooltip."""
    ret, mdd = f"{(r.total_return or 0) * 100:,.2f}%", f"{(r.max_drawdown or 0) * 100:,.2f}%"
    name = f"#{r.run_id} {r.strategy_name}"
    detail = "\n".join([
        f"{name} | {r.market} {r.timeframe}",
        tr(f"수익률 {ret} | MDD {mdd} | {r.trades or 0} 거래", f"return {ret} | MDD {mdd} | {r.trades or 0} trades"),
        tr("기간", "period") + f": {kst(r.data_start)} ~ {kst(r.data_end)} KST ({r.candle_count:,})",
        tr("실행", "ran") + f": {kst(r.started_at)} KST",
    ])  # fmt: skip
    return RunRow(r.run_id, (name, f"{r.market} {r.timeframe}", ret, mdd), detail)


def _title(name: str, market: str, timeframe: str, start: str, end: str) -> str:
    return f"{name} | {market} {timeframe} | {kst(start)} ~ {kst(end)} KST"


class BacktestPresenter:
    def __init__(self, view: BacktestView, services: BacktestServices, work: BackgroundWork) -> None:
        self.view = view
        self.services = services
        self.work = work
        self.jobs: list[BacktestJob] = []
        self.shown_run: int | None = None
        # what the form offers, to say which of a reopened run's settings it cannot take over
        self._strategy_hashes: dict[str, str] = {}
        self._series: set[tuple[str, str]] = set()

    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        try:
            strategies = list(self.services.list_strategies.execute(""))
            self._strategy_hashes = {s.name: s.content_hash for s in strategies}
            self.view.show_strategies([s.name for s in strategies])
            series = list(self.services.list_series.execute(with_gaps=False))
            self._series = {(s.market, s.timeframe) for s in series}
            self.view.show_series(
                [
                    SeriesOption(
                        s.market,
                        s.timeframe,
                        s.first.strftime("%Y-%m-%d"),
                        s.last.strftime("%Y-%m-%d"),
                        s.count,
                    )
                    for s in series
                ]
            )
            self.refresh_runs()
        except Exception as exc:
            self.view.show_error(str(exc))

    def refresh_runs(self) -> None:
        self.view.show_runs([run_row(r) for r in self.services.list_runs.execute()])

    # ------------------------------------------------------------------ running
    def active_jobs(self) -> list[BacktestJob]:
        return [j for j in self.jobs if not j.status.finished]

    def run(self) -> None:
        try:
            request = parse_form(self.view.form())
        except ValueError as exc:
            self.view.show_error(str(exc))
            return
        unusual = unusual_cost_text(request)
        if unusual and not self.view.confirm(
            unusual + tr("\n\n이 값으로 실행할까요?", "\n\nRun with this value anyway?")
        ):
            names = [name for name, _ in request.unusual_costs()]
            what = tr("수수료", "fee") if names[0] == "fee" else tr("슬리피지", "slippage")
            self.view.show_error(tr(f"실행하지 않음: {what}가 1 %를 넘습니다 (단위는 %: 0.05 = 0.05 %).",
                                    f"Not run: the {what} is above 1 % (in percent: 0.05 = 0.05 %)."))  # fmt: skip
            return
        # Said before the job is queued: its own progress (and its end) must come after, never before
        waiting = len(self.active_jobs())
        self.view.set_running(True)
        self.view.show_progress(0.0, tr(f"대기 중 (앞에 {waiting}개)", f"queued ({waiting} ahead)") if waiting else
                                tr("시작", "starting"))  # fmt: skip
        job = self.services.queue.submit(
            request,
            on_progress=lambda j: self.work.post(lambda: self._progress(j)),
            on_done=lambda j: self.work.post(lambda: self._done(j)),
        )
        if not job.status.finished:  # a job may end before submit returns (a test's immediate work)
            self.jobs.append(job)
        self.show_queue()

    def cancel(self) -> None:
        """Cancel every waiting and running job (the *Cancel all* button)."""
        for job in self.active_jobs():
            self.services.queue.cancel(job.job_id)
        self.view.show_status(tr("취소 요청됨", "Cancelling..."))
        self.show_queue()

    def cancel_job(self, job_id: int) -> None:
        """Cancel one job of the queue: a waiting one never starts, a running one stops at its next check."""
        if self.services.queue.cancel(job_id):
            self.view.show_status(tr(f"#{job_id} 취소 요청됨", f"Cancelling #{job_id}..."))
        self.show_queue()

    def show_queue(self) -> None:
        self.view.show_queue(queue_rows(self.jobs))

    def _progress(self, job: BacktestJob) -> None:
        text = phase_text(job.phase)
        waiting = len(self.active_jobs()) - 1
        if waiting > 0:
            text += tr(f" (대기 {waiting}개)", f" ({waiting} queued)")
        self.view.show_progress(job.progress, f"{job.request.strategy}: {text}")
        self.show_queue()

    def _done(self, job: BacktestJob) -> None:
        self.jobs = [j for j in self.jobs if not j.status.finished]  # the queue shows unfinished jobs only
        self.show_queue()
        running = bool(self.active_jobs())
        self.view.set_running(running)
        if job.status is JobStatus.DONE and job.outcome is not None:
            self.view.show_progress(1.0, tr("완료", "done"))
            self.shown_run = job.outcome.run_id
            self.view.show_result(result_from_outcome(job.outcome))
            self.refresh_runs()
            m = job.outcome.record.metrics
            refused = int(m.get("refused_orders") or 0)
            self.view.show_status(
                tr("완료", "Done")
                + f": {(m.get('total_return') or 0) * 100:,.2f}%, {m.get('trades')} "
                + tr("거래", "trades")
                + (tr(f", 거부된 주문 {refused:,}건", f", {refused:,} orders refused") if refused else "")
            )
        elif job.status is JobStatus.CANCELLED:
            if not running:  # another run's progress stays on the bar
                self.view.show_progress(0.0, tr("취소됨", "cancelled"))
            self.view.show_status(
                tr(f"백테스트 #{job.job_id}을 취소했습니다", f"Backtest #{job.job_id} cancelled")
            )
        else:
            if not running:
                self.view.show_progress(0.0, tr("실패", "failed"))
            self.view.show_error(str(job.error))

    # ------------------------------------------------------------------ stored runs
    def open_run(self, run_id: int | None) -> None:
        """Show a stored run, put its settings back into the form (Run then repeats it, or a changed copy)
        and say in the status line which run this is: the previous run's text no longer stands."""
        if run_id is None:
            return
        try:
            charts = self.services.open_run.execute(run_id)
            self.view.show_result(result_from_charts(charts))
            self.shown_run = run_id
            if not self.active_jobs():  # the bar told of the last run ("100% done"), not of this stored one
                self.view.show_progress(0.0, "")
            self.view.set_form(form_of_run(charts.stored.record))
            self.view.show_status(opened_status(charts.stored, self._strategy_hashes, self._series))
        except Exception as exc:
            self.view.show_error(str(exc))

    def delete_run(self, run_id: int | None) -> None:
        if run_id is None:
            return
        if not self.view.confirm(tr(f"저장된 실행 #{run_id}을 삭제할까요?", f"Delete stored run #{run_id}?")):
            return
        try:
            self.services.delete_run.execute(run_id)
            self.refresh_runs()
        except Exception as exc:
            self.view.show_error(str(exc))

    def shutdown(self) -> None:
        self.cancel()
