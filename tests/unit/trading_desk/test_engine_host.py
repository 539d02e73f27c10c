"""The engine's own thread (``EngineHost``): work handed to it from another loop runs on its thread and loop,
results and errors come back to the caller, a caller that stops waiting does not cancel the work, work on the
engine's own loop is just awaited, and ``stop`` ends the thread (a later submit starts a new one). Real
threads and event loops, no fakes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from upbit_auto_trading.application.trading.engine_host import ENGINE_THREAD, EngineHost


def _where() -> tuple[str, int, asyncio.AbstractEventLoop]:
    return threading.current_thread().name, threading.get_ident(), asyncio.get_running_loop()


@pytest.fixture
def host() -> Iterator[EngineHost]:
    made = EngineHost()
    yield made
    made.stop().result(timeout=10)


def test_work_runs_on_the_engine_thread_and_its_result_comes_back_to_the_caller_loop(
    host: EngineHost,
) -> None:
    async def caller() -> None:
        async def work() -> tuple[str, int, asyncio.AbstractEventLoop]:
            await asyncio.sleep(0)
            return _where()

        name, ident, loop = await host.run(work())
        assert name == ENGINE_THREAD and ident != threading.get_ident()
        assert loop is not asyncio.get_running_loop()
        # the next piece of work runs on the same thread and loop: the engine's objects stay on one loop
        assert (await host.run(work()))[1:] == (ident, loop)
        assert host.in_engine_thread() is False

    asyncio.run(caller())
    assert host.running and host.pending == 0


def test_an_error_of_the_work_is_raised_to_the_caller() -> None:
    host = EngineHost()

    async def fails() -> None:
        raise ValueError("no such session")

    async def caller() -> None:
        with pytest.raises(ValueError, match="no such session"):
            await host.run(fails())

    try:
        asyncio.run(caller())
    finally:
        host.stop().result(timeout=10)


def test_a_caller_that_stops_waiting_does_not_cancel_the_work(host: EngineHost) -> None:
    started, finished = threading.Event(), threading.Event()

    async def emergency() -> str:
        started.set()
        await asyncio.sleep(0.2)  # cancelling the caller during this must not stop it
        finished.set()
        return "halted"

    async def caller() -> None:
        waiting = asyncio.ensure_future(host.run(emergency()))
        await asyncio.to_thread(started.wait, 10)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(caller())
    assert finished.wait(10), "the work was cancelled with its caller"


def test_work_already_on_the_engine_loop_is_awaited_there_not_handed_over_again(host: EngineHost) -> None:
    async def inner() -> int:
        return threading.get_ident()

    async def outer() -> tuple[int, int]:
        assert host.in_engine_thread()
        return threading.get_ident(), await host.run(inner())  # would deadlock if it waited for itself

    here, nested = host.submit(outer()).result(timeout=10)
    assert here == nested != threading.get_ident()


def test_a_command_is_not_queued_behind_another_one_still_running(host: EngineHost) -> None:
    """Each piece of work is a task of its own: a quick one completes while a long one still runs (an
    emergency stop does not wait for a resume that reconciles)."""
    release = threading.Event()

    async def long() -> None:
        while not release.is_set():
            await asyncio.sleep(0.01)

    slow = host.submit(long())
    quick = host.submit(asyncio.sleep(0, result="done"))
    try:
        assert quick.result(timeout=10) == "done"
        assert not slow.done() and host.pending == 1
    finally:
        release.set()
    slow.result(timeout=10)


def test_stop_cancels_what_is_left_ends_the_thread_and_a_later_submit_starts_a_new_one() -> None:
    host = EngineHost()
    waiting, cancelled = threading.Event(), threading.Event()

    async def forever() -> None:
        try:
            waiting.set()
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    lingering = host.submit(forever())
    assert waiting.wait(10)
    threads = [t for t in threading.enumerate() if t.name == ENGINE_THREAD]
    host.stop().result(timeout=10)
    assert cancelled.is_set() and lingering.cancelled()
    assert not host.running and not any(t.is_alive() for t in threads)

    async def where() -> str:
        return threading.current_thread().name

    again = host.submit(where())
    try:
        assert again.result(timeout=10) == ENGINE_THREAD and host.running
    finally:
        host.stop().result(timeout=10)


def test_the_engine_loop_is_a_plain_asyncio_loop_whatever_the_process_policy_makes() -> None:
    """Under ``qasync.run`` (the desktop) the policy's loops are Qt event loops, which must not run on
    another thread: the host makes its own."""

    class GuiLoopsOnly(asyncio.DefaultEventLoopPolicy):
        def new_event_loop(self) -> asyncio.AbstractEventLoop:
            raise AssertionError("the engine's loop came from the process's policy")

    async def kind() -> type:
        return type(asyncio.get_running_loop())

    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(GuiLoopsOnly())
    host = EngineHost()
    try:
        made = host.submit(kind()).result(timeout=10)
    finally:
        asyncio.set_event_loop_policy(previous)
        host.stop().result(timeout=10)
    assert issubclass(made, asyncio.BaseEventLoop)
