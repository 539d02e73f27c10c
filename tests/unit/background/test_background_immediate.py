"""``ImmediateBackgroundWork``, the presenter tests' BackgroundWork: it must behave as the Qt one does (errors
to ``on_error``, progress, cancel through the handle), only without threads."""

from __future__ import annotations

import pytest

from upbit_auto_trading.domain.work import CancelToken, OperationCancelled, Progress
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, ImmediateBackgroundWork


def _recorder() -> tuple[list, list, list]:
    return [], [], []


def test_a_job_runs_at_once_and_its_result_reaches_on_done():
    work: BackgroundWork = ImmediateBackgroundWork()
    done, errors, _ = _recorder()
    handle = work.submit(lambda job: 6 * 7, done.append, errors.append)
    assert done == [42] and errors == [] and handle.finished and not handle.cancelled


def test_an_exception_goes_to_on_error_and_a_keyboard_interrupt_is_not_caught():
    work = ImmediateBackgroundWork()
    done, errors, _ = _recorder()

    def fails(job):  # noqa: ANN001, ANN202
        raise ValueError("disk on fire")

    work.submit(fails, done.append, errors.append)
    assert done == [] and [str(e) for e in errors] == ["disk on fire"]

    def interrupted(job):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        work.submit(interrupted, done.append, errors.append)
    assert done == [] and len(errors) == 1


def test_progress_reaches_on_progress_and_is_ignored_without_one():
    work = ImmediateBackgroundWork()
    seen: list[Progress] = []

    def counts(job):  # noqa: ANN001, ANN202
        for n in range(1, 4):
            job.progress(Progress(n, 3, "copy"))
        return "ok"

    done: list = []
    work.submit(counts, done.append, pytest.fail, on_progress=seen.append)
    assert [(p.done, p.fraction, p.message) for p in seen] == [
        (1, 1 / 3, "copy"),
        (2, 2 / 3, "copy"),
        (3, 1.0, "copy"),
    ]
    work.submit(counts, done.append, pytest.fail)  # nobody listens: the job still runs
    assert done == ["ok", "ok"]


def test_held_jobs_wait_run_in_order_and_see_a_cancel_made_before_they_run():
    work = ImmediateBackgroundWork(hold=True)
    ran: list[str] = []

    def job(name: str):  # noqa: ANN202
        def run(context):  # noqa: ANN001, ANN202
            ran.append(name)
            context.cancel.raise_if_cancelled("stopped before it began")
            return name

        return run

    done, errors, _ = _recorder()
    first = work.submit(job("first"), done.append, errors.append)
    second = work.submit(job("second"), done.append, errors.append)
    assert ran == [] and work.pending == 2 and not first.finished
    second.cancel()
    work.run_pending()
    assert ran == ["first", "second"] and done == ["first"]
    assert isinstance(errors[0], OperationCancelled) and str(errors[0]) == "stopped before it began"
    assert first.finished and second.finished and second.cancelled and work.pending == 0


def test_compute_next_runs_the_work_now_and_delivers_when_asked():
    work = ImmediateBackgroundWork(hold=True)
    state = {"generation": 1}
    done: list = []
    work.submit(lambda job: state["generation"], done.append, pytest.fail)
    deliver = work.compute_next()
    state["generation"] = 2  # something changes while the result is on its way to the GUI thread
    assert done == []
    deliver()
    assert done == [1]


def test_posts_run_inline_or_wait_with_the_jobs_when_held():
    calls: list[str] = []
    ImmediateBackgroundWork().post(lambda: calls.append("now"))
    held = ImmediateBackgroundWork(hold=True)
    held.post(lambda: calls.append("later"))
    assert calls == ["now"] and held.pending == 1
    held.run_pending()
    assert calls == ["now", "later"]


def test_a_coroutine_job_runs_to_its_result():
    work = ImmediateBackgroundWork()
    done: list = []

    seen: list[Progress] = []

    async def switch(job) -> str:  # noqa: ANN001
        job.progress(Progress(1, 2, "half way"))
        return "switched"

    work.submit_async(switch, done.append, pytest.fail, on_progress=seen.append)
    assert done == ["switched"] and [p.message for p in seen] == ["half way"]


def test_after_shutdown_nothing_runs():
    work = ImmediateBackgroundWork(hold=True)
    ran: list = []
    work.submit(lambda job: ran.append(1), pytest.fail, pytest.fail)
    work.shutdown()
    work.run_pending()
    handle = work.submit(lambda job: ran.append(2), pytest.fail, pytest.fail)
    assert ran == [] and handle.finished


def test_the_cancel_token_is_thread_safe_and_one_for_all():
    token = CancelToken()
    assert not token.cancelled
    token.raise_if_cancelled()  # not cancelled: nothing happens
    token.cancel()
    with pytest.raises(OperationCancelled, match="Cancelled"):
        token.raise_if_cancelled()


def test_progress_fraction_is_clamped_and_nothing_to_do_counts_as_done():
    assert Progress(5, 10).fraction == 0.5
    assert Progress(12, 10).fraction == 1.0 and Progress(-1, 10).fraction == 0.0
    assert Progress(0, 0).fraction == 1.0
    assert Progress(0.25).fraction == 0.25  # a bare fraction: total defaults to 1
