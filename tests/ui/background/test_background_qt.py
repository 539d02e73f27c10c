"""``QtBackgroundWork`` on a real Qt event loop: jobs run on its worker thread; results, errors and progress
arrive on the GUI thread; cancel reaches the job; shutdown waits (bounded) and drops late results."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import qasync
from PyQt6.QtWidgets import QWidget

from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.desktop.background import JobContext
from upbit_auto_trading.presentation.desktop.background.qt import QtBackgroundWork

GUI = threading.main_thread()


@pytest.fixture
def work():
    runner = QtBackgroundWork(name="test-work")
    yield runner
    runner.shutdown(timeout=5)


class Log:
    """Records each callback with the thread it ran on."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object, threading.Thread]] = []

    def on(self, kind: str):  # noqa: ANN201
        return lambda value: self.calls.append((kind, value, threading.current_thread()))

    def of(self, kind: str) -> list:
        return [value for k, value, _ in self.calls if k == kind]

    def threads(self) -> set[threading.Thread]:
        return {thread for _, _, thread in self.calls}


def test_the_result_comes_back_on_the_gui_thread_and_the_job_ran_on_the_worker(qtbot, work):
    log = Log()
    ran_on: list[str] = []

    def job(context: JobContext) -> int:
        ran_on.append(threading.current_thread().name)
        return 42

    handle = work.submit(job, log.on("done"), log.on("error"))
    assert work.pending == 1
    qtbot.waitUntil(lambda: log.of("done") == [42])
    assert ran_on[0].startswith("test-work") and log.threads() == {GUI}
    assert handle.finished and work.pending == 0 and log.of("error") == []


def test_an_error_comes_back_on_the_gui_thread(qtbot, work):
    log = Log()

    def job(context: JobContext) -> None:
        raise ValueError("the file is locked")

    work.submit(job, log.on("done"), log.on("error"))
    qtbot.waitUntil(lambda: len(log.of("error")) == 1)
    error = log.of("error")[0]
    assert isinstance(error, ValueError) and str(error) == "the file is locked"
    assert log.of("done") == [] and log.threads() == {GUI}


def test_progress_comes_back_on_the_gui_thread_in_order_before_the_result(qtbot, work):
    log = Log()

    def job(context: JobContext) -> str:
        for n in range(1, 6):
            context.progress(Progress(n, 5, f"step {n}"))
        return "finished"

    work.submit(job, log.on("done"), log.on("error"), on_progress=log.on("progress"))
    qtbot.waitUntil(lambda: log.of("done") == ["finished"])
    assert [(p.done, p.message) for p in log.of("progress")] == [(n, f"step {n}") for n in range(1, 6)]
    assert [k for k, _, _ in log.calls][-1] == "done" and log.threads() == {GUI}


def test_cancel_reaches_the_running_job_and_its_callback_still_comes(qtbot, work):
    log = Log()
    started = threading.Event()

    def job(context: JobContext) -> str:
        started.set()
        deadline = time.monotonic() + 10
        while not context.cancel.cancelled:
            if time.monotonic() > deadline:
                return "never cancelled"
            time.sleep(0.005)
        return "stopped"

    handle = work.submit(job, log.on("done"), log.on("error"))
    assert started.wait(5)
    handle.cancel()
    assert handle.cancelled
    qtbot.waitUntil(lambda: log.of("done") == ["stopped"])


def test_jobs_run_one_after_another_in_submission_order(qtbot, work):
    log = Log()
    running: list[int] = []
    overlap: list[bool] = []

    def job(n: int):  # noqa: ANN202
        def run(context: JobContext) -> int:
            overlap.append(bool(running))
            running.append(n)
            time.sleep(0.01)
            running.remove(n)
            return n

        return run

    for n in range(5):
        work.submit(job(n), log.on("done"), log.on("error"))
    qtbot.waitUntil(lambda: len(log.of("done")) == 5)
    assert log.of("done") == [0, 1, 2, 3, 4] and not any(overlap)


def test_post_runs_on_the_gui_thread_and_never_inside_the_caller(qtbot, work):
    log = Log()
    worker = threading.Thread(target=lambda: work.post(lambda: log.on("from worker")(None)))
    worker.start()
    worker.join()
    work.post(lambda: log.on("from gui")(None))
    assert log.calls == []  # queued, even when posted on the GUI thread
    qtbot.waitUntil(lambda: len(log.calls) == 2)
    assert log.threads() == {GUI}


def test_shutdown_waits_for_the_running_job_cancels_it_and_drops_its_result(qtbot):
    work = QtBackgroundWork()
    log = Log()
    started, ended = threading.Event(), threading.Event()
    queued_ran: list[bool] = []

    def job(context: JobContext) -> str:
        started.set()
        while not context.cancel.cancelled:
            time.sleep(0.005)
        time.sleep(0.2)  # it takes a moment to stop cleanly
        ended.set()
        return "late"

    work.submit(job, log.on("done"), log.on("error"))
    work.submit(lambda context: queued_ran.append(True), log.on("done"), log.on("error"))
    assert started.wait(5)
    work.shutdown(timeout=5)
    assert ended.is_set()  # shutdown returned only after the job ended
    qtbot.wait(100)  # let any queued delivery through
    assert log.calls == [] and queued_ran == []  # the screen is gone: no callback, the waiting job never ran
    after = work.submit(lambda context: queued_ran.append(True), log.on("done"), log.on("error"))
    assert after.finished and queued_ran == []
    work.shutdown()  # twice is fine


def test_shutdown_gives_up_waiting_after_its_timeout(qtbot):
    work = QtBackgroundWork()
    release = threading.Event()
    started = threading.Event()

    def stuck(context: JobContext) -> None:  # ignores its cancel token
        started.set()
        release.wait(10)

    work.submit(stuck, lambda _: None, lambda _: None)
    assert started.wait(5)
    t0 = time.monotonic()
    work.shutdown(timeout=0.2)
    try:
        assert time.monotonic() - t0 < 2
    finally:
        release.set()


def test_the_owner_being_destroyed_shuts_the_work_down(qtbot):
    owner = QWidget()
    work = QtBackgroundWork(owner)
    log = Log()
    release, started = threading.Event(), threading.Event()

    def job(context: JobContext) -> str:
        started.set()
        release.wait(5)
        return "too late"

    handle = work.submit(job, log.on("done"), log.on("error"))
    assert started.wait(5)
    threading.Timer(0.1, release.set).start()
    owner.deleteLater()
    qtbot.waitUntil(lambda: handle.cancelled)  # destroyed -> shutdown: the job was asked to stop ...
    qtbot.wait(100)
    assert log.calls == []  # ... and its result is not delivered to a screen that is gone


def test_a_keyboard_interrupt_is_not_caught_but_raised_again_on_the_gui_thread(qtbot, work):
    # Any BaseException that is not an Exception; a SystemExit raised again there ends the process (and
    # pytest with it), so the test uses KeyboardInterrupt, which pytest-qt captures.
    log = Log()

    def job(context: JobContext) -> None:
        raise KeyboardInterrupt

    with qtbot.captureExceptions() as raised:
        work.submit(job, log.on("done"), log.on("error"))
        qtbot.waitUntil(lambda: len(raised) == 1)
    assert raised[0][0] is KeyboardInterrupt and log.calls == []


def test_a_coroutine_without_a_running_loop_runs_on_the_worker(qtbot, work):
    log = Log()
    ran_on: list[threading.Thread] = []

    async def switch(job: JobContext) -> str:
        ran_on.append(threading.current_thread())
        await asyncio.sleep(0)
        job.progress(Progress(1, 1, "done"))
        return "switched"

    work.submit_async(switch, log.on("done"), log.on("error"), on_progress=log.on("progress"))
    qtbot.waitUntil(lambda: log.of("done") == ["switched"])
    assert ran_on[0] is not GUI and log.threads() == {GUI} and len(log.of("progress")) == 1


def test_a_coroutine_runs_on_the_gui_loop_when_qasync_runs_it(qapp, qtbot, work):
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    log = Log()
    ran_on: list[threading.Thread] = []

    async def switch(job: JobContext) -> str:
        ran_on.append(threading.current_thread())
        # a restore's steps run in a worker thread behind the gate: their progress still reaches the GUI
        await asyncio.to_thread(job.progress, Progress(1, 2, "replace"))
        return "switched"

    async def scenario() -> None:
        work.submit_async(switch, log.on("done"), log.on("error"), on_progress=log.on("progress"))
        while not log.of("done"):
            await asyncio.sleep(0.01)

    try:
        loop.run_until_complete(asyncio.wait_for(scenario(), 10))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    assert log.of("done") == ["switched"] and ran_on == [GUI] and log.threads() == {GUI}
    assert [p.message for p in log.of("progress")] == ["replace"]
