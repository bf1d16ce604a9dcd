"""The server's imports in processes of their own, so that pages stay fast while kiosks
upload (issue 16: 20 kiosks syncing at once held a page 0.5-13 s).

An import is CPU work in Python (unsealing, decoding and checking every entry, folding
the proposals' texts for the search) followed by one write transaction. Run on the
server's own threads, it holds the interpreter lock the pages need: every database call
a page makes gives the lock up and waits to get it back behind the imports. In a worker
process (started with ``spawn``: nothing of the server's threads or connections is
copied), a page competes with an import only for the processor, and the workers run at
a lower scheduling priority (``nice``), so the operating system serves pages first.
The workers open their own engine on the same database (SQLite in WAL mode: readers
never wait for the writer); what is refused is quarantined by the server itself, under
its caps (:func:`kiosk.central.merge.settle`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey

from kiosk.central.merge import ImportOutcome, merge_file
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.sync.bundle import BundleError

log = logging.getLogger(__name__)

NICE = 10  # the workers' scheduling priority below the server's (POSIX)
PARENT_CHECK_S = 0.5  # how often a worker looks whether its server is still there

_worker: dict[str, Any] = {}  # in a worker process: its store and keys


def _start(
    url: str, sealing_keys: list[bytes], organiser_pk: bytes, nice: int, server: int
) -> None:
    from kiosk.storage.store import Store

    # A worker outlives a server that is killed, or stopped by a signal that uvicorn
    # raises again once it has closed (no clean-up of ours runs then): it leaves when
    # its server is gone (an import cut short is rolled back with its connection).
    threading.Thread(target=_leave_with, args=(server,), daemon=True).start()
    if nice and hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(nice)
    _worker["store"] = Store(url, migrate=False)
    _worker["keys"] = [PrivateKey(k) for k in sealing_keys]
    _worker["organiser_pk"] = organiser_pk


def _leave_with(server: int) -> None:
    while os.getppid() == server:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _merge(path: str) -> ImportOutcome:
    return merge_file(_worker["store"], Path(path), _worker["keys"], _worker["organiser_pk"])


def _ready() -> bool:
    return "store" in _worker


def shareable(url: str) -> bool:
    """Whether another process can open the database at ``url`` (not an in-memory one)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.get_backend_name() != "sqlite" or parsed.database not in (None, "", ":memory:")


class Importer:
    """``workers`` processes that merge bundle files (one at a time each)."""

    def __init__(
        self,
        url: str,
        sealing_keys: list[PrivateKey],
        organiser_pk: bytes,
        workers: int = 1,
        nice: int = NICE,
    ) -> None:
        if not shareable(url):
            raise ValueError("an in-memory database cannot be shared with a worker process")
        self._args = (url, [bytes(k) for k in sealing_keys], organiser_pk, nice, os.getpid())
        self._workers = workers
        self._pool = self._new_pool()

    def _new_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=self._args,
        )
        pool.submit(_ready)  # start the workers now, not at the first upload
        return pool

    async def merge(self, path: Path) -> ImportOutcome:
        """The file's outcome from a worker; a worker that died (killed, out of memory)
        fails this one file as ``merge_failed``, and new workers take the next ones."""
        try:
            return await asyncio.wrap_future(self._pool.submit(_merge, str(path)))
        except BrokenProcessPool:
            log.error("an import process died: %s not merged", path.name)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            error: KioskError = BundleError(
                N_("Bundle rejected: {reason}."),
                code="merge_failed",
                reason="it could not be merged",
            )
            return ImportOutcome(str(path), "rejected", error.message(), error.code)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
