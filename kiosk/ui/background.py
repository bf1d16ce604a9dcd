"""Run storage work off the UI thread; deliver its result or error on the UI thread.

``runner(op, on_done, on_error=None)``: ``op`` runs in Qt's thread pool and never
touches widgets; ``on_done(result)`` or ``on_error(exception)`` runs on the UI
thread. With no ``on_error``, :func:`report_failure` logs the failure (its kind,
never its text: an error may quote a proposal) and shows a translated line where
a window asked for failures to be shown (:data:`failure_display`). Only
``Exception`` is delivered: ``SystemExit`` and ``KeyboardInterrupt`` go through.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from kiosk.domain.errors import KioskError
from kiosk.i18n import _
from kiosk.ui.qt import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")
OnError = Callable[[BaseException], object]


class Runner(Protocol):
    """What screens are given to run storage work: run_in_background, or run_now in tests."""

    def __call__(
        self, op: Callable[[], T], on_done: Callable[[T], object], on_error: OnError | None = None
    ) -> None: ...


# Where a failure nobody handles is shown (the staff window sets its result line).
failure_display: Callable[[str], object] | None = None


def failure_text(error: BaseException, fallback: str | None = None) -> str:
    """What a person is told about a failure: a KioskError says itself."""
    if isinstance(error, KioskError):
        return error.message()
    return fallback or _("Something went wrong; nothing stored is lost. Please call staff.")


def report_failure(error: BaseException) -> None:
    """The default failure handler: log, and show where a window asked to."""
    code = error.code if isinstance(error, KioskError) else ""
    log.error("background work failed: %s %s", type(error).__name__, code)
    if failure_display is not None:
        # RuntimeError: the window that asked is gone (Qt deleted it).
        with contextlib.suppress(RuntimeError):
            failure_display(failure_text(error))


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
        except Exception as exc:  # delivered to the UI, which decides what to say
            self.relay.failed.emit(exc)
        else:
            self.relay.done.emit(result)


_relays: set[_Relay] = set()


def run_in_background(
    op: Callable[[], T], on_done: Callable[[T], object], on_error: OnError | None = None
) -> None:
    """Run ``op`` in the thread pool; ``on_done``/``on_error`` run on the UI thread."""
    relay = _Relay()  # created on the UI thread: its signals are delivered there
    _relays.add(relay)
    failed = on_error or report_failure

    def finish(callback: Callable[[Any], object], value: Any) -> None:
        _relays.discard(relay)
        callback(value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda error: finish(failed, error))
    QThreadPool.globalInstance().start(_Job(op, relay))


def run_now(
    op: Callable[[], T], on_done: Callable[[T], object], on_error: OnError | None = None
) -> None:
    """Same contract, synchronous (tests and benchmarks that time the UI thread)."""
    try:
        result = op()
    except Exception as exc:
        (on_error or report_failure)(exc)
    else:
        on_done(result)
