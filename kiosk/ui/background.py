"""Run storage work off the UI thread; deliver its result or error on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.ui.qt import QObject, QRunnable, QThreadPool, Signal

# What screens are given to run storage work: run_in_background, or run_now in tests.
Runner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], None]


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, op: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.op = op
        self.relay = relay

    def run(self) -> None:  # runs in a pool thread: never touches widgets
        try:
            result = self.op()
        except BaseException as exc:  # delivered to the UI, which decides what to say
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_relays: set[_Relay] = set()


def run_in_background(
    op: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]
) -> None:
    """Run ``op`` in the thread pool; ``on_done``/``on_error`` run on the UI thread."""
    relay = _Relay()  # created on the UI thread: its signals are delivered there
    _relays.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _relays.discard(relay)
        callback(value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda error: finish(on_error, error))
    QThreadPool.globalInstance().start(_Job(op, relay))


def run_now(
    op: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]
) -> None:
    """Same contract, synchronous (tests and benchmarks that time the UI thread)."""
    try:
        result = op()
    except BaseException as exc:
        on_error(exc)
    else:
        on_done(result)
