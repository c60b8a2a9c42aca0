"""Worker processes: where they may be forked from this one, inheriting its memory, and
how they are set up and stopped so that Ctrl-C or SIGTERM ends a run at once."""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading

__all__ = ["STOP_SIGNALS", "ForkSafeLock", "fork_context", "quiet_worker", "running", "signals_held"]

#: The signals that stop a run as Ctrl-C does, cleaning up: SIGTERM, and SIGHUP where there
#: is one (the terminal closed, the SSH connection dropped).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class ForkSafeLock:
    """A lock (``with lock:``) that a forked child process gets anew: a child forked while
    another thread of its parent held it would wait on it for ever."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._renew)

    def _renew(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(self, *exc) -> None:
        self._lock.release()


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and the STOP_SIGNALS until the block ends, where the first one caught
    is raised again: for steps that must not be cut in two (the two renames that put a new
    model folder in place of the old one). Python's own handlers are swapped, not the
    signal mask: any thread of the process may take a signal, and Python hands it to the
    main thread, which is the only one that can hold them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum, frame):
        caught.append(signum)

    previous = {}
    for signum in (signal.SIGINT, *STOP_SIGNALS):
        handler = signal.getsignal(signum)
        if handler not in (signal.SIG_IGN, None):
            previous[signum] = signal.signal(signum, hold)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if caught:
            signal.raise_signal(caught[0])


def fork_context():
    """multiprocessing's "fork" context where forking is safe, else None: not on
    macOS, where forking after numpy's libraries have started is unsafe, nor where the
    platform has no fork (Windows)."""
    if sys.platform == "darwin" or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def quiet_worker() -> None:
    """For a pool worker's initializer. Ctrl-C reaches every process of the terminal's
    group: a worker leaves it to the parent, which stops the pool, instead of dying in
    the middle of a queue operation (which can leave the parent waiting on it for ever).
    A forked worker also inherits the CLI's handler of the STOP_SIGNALS, which would turn
    the signal into an exception the pool reports and survives: a worker just ends. A
    signal the run ignores (SIGHUP under ``nohup``) the worker ignores too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)


@contextlib.contextmanager
def running(pool):
    """Use a ProcessPoolExecutor: shut down as usual when the block ends. When an error
    escapes the block, the queued work is cancelled and the work in flight finishes
    first: a worker killed while it writes its result would leave the pool's thread
    waiting for the rest of that message for ever, and the interpreter's exit waiting
    on that thread. When Ctrl-C, SIGTERM or a generator closed early ends the block, the
    run must stop at once, so the workers are ended (Python 3.14 has
    pool.terminate_workers() for this; before it, they are only reachable through the
    private ``_processes``) and the ``measures`` command leaves without those joins."""
    try:
        yield pool
    except Exception:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    except BaseException:
        # Workers first: the pool's thread then fails the pending work as broken. Work
        # cancelled before that (shutdown's cancel_futures, or Executor.map when its
        # iteration is interrupted) makes that thread raise InvalidStateError on stderr
        # (Python 3.11), so the work is left to fail rather than cancelled.
        for worker in list((getattr(pool, "_processes", None) or {}).values()):
            worker.terminate()
        pool.shutdown(wait=False)
        raise
    pool.shutdown()
