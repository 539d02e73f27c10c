"""The engine's own thread: one asyncio event loop on which the desktop's trading engine lives.

The desktop's own loop is the GUI's (qasync). An engine on it would decide, journal (SQLite) and talk to the
exchange between two repaints: a fast paper replay would compete with the window, and a long step of the
engine would freeze it. On a thread of its own the engine never holds the GUI, and the GUI never holds the
engine (its heartbeats to the watchdog keep flowing while a dialog is open).

Everything the engine owns (its session tasks, the exchange clients and their sockets, the loopback server of
a replay, the watchdog's heartbeat) is created on this loop and touched only from it. Other threads hand it
work: ``submit(coro)`` gives a ``concurrent.futures.Future``; ``await host.run(coro)`` awaits it from any
other event loop (from the engine's own loop it just awaits the coroutine). Each piece of work is a task of
its own on the loop, so none waits in a queue behind another (an emergency stop never waits for a start or a
resume to finish), and it runs to its end even when the caller stops waiting: a screen closed half-way does
not cancel an emergency stop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from upbit_auto_trading.application.errors import ApplicationError

log = logging.getLogger(__name__)

T = TypeVar("T")

ENGINE_THREAD = "trading-engine"


class EngineHostStopped(ApplicationError):
    """The engine's thread was stopping when work was handed to it."""


class EngineHost:
    """Starts its thread and loop on the first ``submit`` (again after ``stop``); ``stop`` ends them."""

    def __init__(self, name: str = ENGINE_THREAD) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread_id: int | None = None
        self._ended: concurrent.futures.Future[None] | None = None
        self._pending = 0

    # --- the thread --------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        with self._lock:
            return self._loop is not None

    @property
    def pending(self) -> int:
        """Work submitted and not finished yet (diagnostics, tests)."""
        with self._lock:
            return self._pending

    def in_engine_thread(self) -> bool:
        return self._thread_id is not None and self._thread_id == threading.get_ident()

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is not None:
                return self._loop
            # a plain asyncio loop whatever the process's policy says: under ``qasync.run`` (the desktop)
            # ``new_event_loop()`` gives a Qt event loop, which must never run on another thread
            loop = asyncio.DefaultEventLoopPolicy().new_event_loop()
            ended: concurrent.futures.Future[None] = concurrent.futures.Future()
            ready = threading.Event()
            thread = threading.Thread(
                target=self._serve, args=(loop, ready, ended), name=self.name, daemon=True
            )
            thread.start()
            ready.wait()
            self._loop, self._ended = loop, ended
            return loop

    def _serve(
        self, loop: asyncio.AbstractEventLoop, ready: threading.Event, ended: concurrent.futures.Future[None]
    ) -> None:
        asyncio.set_event_loop(loop)
        self._thread_id = threading.get_ident()
        ready.set()
        try:
            loop.run_forever()
        finally:
            try:
                _finish(loop)
            except Exception:  # noqa: BLE001 - the thread is ending; what is left is logged, not raised
                log.exception("the trading engine's loop did not end cleanly")
            finally:
                asyncio.set_event_loop(None)
                loop.close()
                if not ended.cancelled():
                    ended.set_result(None)

    def stop(self) -> concurrent.futures.Future[None]:
        """End the loop: tasks still there are cancelled (the desk has let its sessions go before), then the
        thread ends. The future completes when it has; do not wait for it on the engine's own thread. A
        later ``submit`` starts a new thread."""
        with self._lock:
            loop, ended = self._loop, self._ended
            self._loop = self._ended = None
        if loop is None or ended is None:
            done: concurrent.futures.Future[None] = concurrent.futures.Future()
            done.set_result(None)
            return done
        with contextlib.suppress(RuntimeError):  # closed already
            loop.call_soon_threadsafe(loop.stop)
        return ended

    # --- work ----------------------------------------------------------------------------------------------

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coro`` as a task of its own on the engine's loop, from any thread."""
        loop = self._ensure_loop()
        with self._lock:
            self._pending += 1
        try:
            future = asyncio.run_coroutine_threadsafe(coro, loop)
        except RuntimeError as exc:  # the loop closed between the two lines: stopping
            coro.close()
            self._one_done(None)
            raise EngineHostStopped("The trading engine is shutting down; try again.") from exc
        future.add_done_callback(self._one_done)
        return future

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the engine's loop from any event loop. Cancelling the caller stops its waiting,
        not the work."""
        if self.in_engine_thread():
            return await coro
        future = asyncio.wrap_future(self.submit(coro))
        future.add_done_callback(_retrieve)  # its outcome is read even when the caller stopped waiting
        return await asyncio.shield(future)

    def _one_done(self, _: object) -> None:
        with self._lock:
            self._pending -= 1


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def _finish(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks left on the stopped loop and let them unwind; close async generators and the
    loop's default executor (a warm-up still running in it is waited for)."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        log.info("the trading engine's loop ended with %d task(s) cancelled", len(tasks))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
