"""Running the central API under load and abuse: uvicorn with limits, and a log that
says each thing once, with codes, never payloads.

The review sent 1,100 slow connections (partial headers, a byte a second): uvicorn
waits for headers forever, every socket is a file descriptor, and once they ran
out asyncio logged a traceback per accept attempt (636,000 of them in 40 s). Here:

- a connection must finish its request headers within ``header_timeout`` seconds
  of its first byte (or of being opened), else it is closed;
- at most ``max_connections`` are open: a new one beyond it closes the oldest
  connection still waiting for its headers (so slow clients cannot lock out
  ``/health`` or a kiosk), or itself when every open connection is busy;
- the file-descriptor limit is raised to its hard limit, and the connection cap
  plus three accept batches (the listen backlog) kept below it, so accept() never
  runs out of files;
- repeated identical log records are collapsed (:class:`RepeatFilter`), and
  exceptions are logged as their type (and errno), never their text, which can
  hold SQL parameters (:class:`CodeFormatter`).

Request bodies have their own timeouts, in the upload handler.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h11

# Defaults of ``kiosk-central serve`` (docs/deploy.md says how they fit behind nginx).
HEADER_TIMEOUT_S = 10.0  # whole request head, from its first byte
KEEP_ALIVE_S = 5.0  # an idle connection between two requests
MAX_CONNECTIONS = 1000
MAX_HEADER_BYTES = 16 * 1024  # h11's largest incomplete event (the request head)
RESERVED_FDS = 128  # database files (3 a pooled SQLite connection), log, uploads, quarantine
# Connections asyncio accepts in one go is the listen backlog (uvicorn's default is
# 2048). One over the cap is closed two loop turns after its batch (connection_made,
# then the close) while the next batches are accepted, so three batches must fit
# under the open-file limit beside the cap. Running out is what made asyncio log a
# traceback per accept() attempt (it retries the rest of its batch, then once a
# second) in the review. A short backlog makes a burst of clients wait for the
# kernel's SYN retry, so it is shortened only as far as a low file limit needs.
BACKLOG = 2048
MIN_BACKLOG = 64


@dataclass(frozen=True)
class ServeLimits:
    header_timeout: float = HEADER_TIMEOUT_S
    keep_alive: float = KEEP_ALIVE_S
    max_connections: int = MAX_CONNECTIONS
    max_header_bytes: int = MAX_HEADER_BYTES


_NUMBERS = re.compile(r"0x[0-9a-fA-F]+|\d+")


class RepeatFilter(logging.Filter):
    """Let the first of identical records (logger, level, message template, exception
    type) through, drop the repeats for ``window`` seconds, then say how many were
    dropped with the next one."""

    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self.window = window
        self.clock = clock
        self._seen: dict[tuple[Any, ...], list[float]] = {}  # key -> [since, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        exc_type = record.exc_info[0] if record.exc_info else None
        # Messages made up before logging (asyncio's) differ in numbers and addresses.
        shape = _NUMBERS.sub("#", str(record.msg))[:120]
        key = (record.name, record.levelno, shape, exc_type)
        now = self.clock()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self.window:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            record.msg = f"{record.msg} (and {int(seen[1])} more like it in {self.window:.0f} s)"
        if len(self._seen) > 1000:  # a flood of distinct messages: forget the oldest
            self._seen.clear()
        self._seen[key] = [now, 0]
        return True


class CodeFormatter(logging.Formatter):
    """Exceptions as their type and errno: an exception's text may carry a payload
    (SQL parameters, a proposal's words), a traceback is no message for a person."""

    def formatException(self, ei: Any) -> str:
        exc = ei[1]
        errno = getattr(exc, "errno", None)
        return f"  error: {type(exc).__name__}" + (f" (errno {errno})" if errno else "")

    def formatStack(self, stack_info: str) -> str:
        return ""


def configure_logging(level: int = logging.WARNING) -> logging.Handler:
    """One stderr handler for everything (uvicorn's loggers included), with the filter
    and the formatter above. SQLAlchemy's own logger stays at WARNING unless asked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(CodeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RepeatFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "asyncio"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler


def raise_fd_limit() -> int:
    """Raise the soft limit of open files to the hard limit; return the soft limit."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return 1 << 20
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def guarded_protocol(limits: ServeLimits) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with a header timeout and a connection cap that evicts
    the oldest connection still waiting for its headers."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    log = logging.getLogger("kiosk.central.serving")
    waiting: dict[Any, None] = {}  # connections with no complete request head, oldest first

    class GuardedH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > limits.max_connections:
                victim = next(iter(waiting), None)
                if victim is None:
                    log.warning("connection limit reached: new connection closed")
                    transport.abort()
                    return
                log.warning("connection limit reached: oldest unfinished request dropped")
                victim._drop()
            self._wait_for_head()

        def _wait_for_head(self) -> None:
            waiting[self] = None
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(limits.header_timeout, self._head_late)

        def _head_done(self) -> None:
            waiting.pop(self, None)
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_late(self) -> None:
            self._head_timer = None
            if self in waiting:
                log.warning("request head not received in time: connection closed")
                self._drop()

        def _drop(self) -> None:
            self._head_done()
            self.transport.abort()

        def data_received(self, data: bytes) -> None:
            idle = self.conn.their_state is h11.IDLE
            if idle:
                self._wait_for_head()  # a new request begins (the first or a kept-alive)
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._head_done()

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_done()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            # Idle between requests: uvicorn's keep-alive timeout applies, not ours.
            self._head_done()

    return GuardedH11Protocol


def serve(app: Any, host: str, port: int, limits: ServeLimits, log_level: str = "warning") -> None:
    """Run ``app`` with uvicorn under ``limits`` until stopped (SIGINT, SIGTERM)."""
    import uvicorn

    level = getattr(logging, log_level.upper(), logging.WARNING)
    configure_logging(level)
    soft = raise_fd_limit()
    room = soft - RESERVED_FDS
    cap = min(limits.max_connections, max(16, room - 3 * MIN_BACKLOG))
    backlog = max(MIN_BACKLOG, min(BACKLOG, (room - cap) // 3))
    if cap != limits.max_connections:
        logging.getLogger("kiosk.central.serving").warning(
            "open-file limit %d: connections capped at %d", soft, cap
        )
        limits = ServeLimits(limits.header_timeout, limits.keep_alive, cap, limits.max_header_bytes)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(limits),
        ws="none",
        lifespan="off",
        log_config=None,
        log_level=level,
        access_log=False,
        timeout_keep_alive=int(max(1, limits.keep_alive)),
        # uvicorn answers 503 beyond this many connections or tasks; the cap above
        # acts first on connections, this one bounds requests being handled.
        limit_concurrency=limits.max_connections + 16,
        h11_max_incomplete_event_size=limits.max_header_bytes,
        server_header=False,
        backlog=backlog,
    )
    uvicorn.Server(config).run()
