"""The central platform's HTTP API (FastAPI): kiosks enrol and upload bundles over it.

Who may call what:

- ``/api/v1/health``: anyone (no data).
- ``POST /api/v1/enrolments``: anyone; the request file is signed by the key it
  names, and waits for the organiser's approval (capped per event).
- a kiosk's own sync calls (its certificate, its high-water mark, its uploads):
  that device, authenticated by its device key (:mod:`kiosk.sync.http_auth`);
  uploads from a device that is not approved are refused before the body is read.
- everything else (event figures): an organiser's API token
  (``kiosk-central token create``), as ``Authorization: Bearer ...``.

Answers to a kiosk are signed by the organiser key over the request's nonce, so a
kiosk believes only this platform. The same code verifies an upload as a file
import (:func:`kiosk.central.merge.import_bundle`), off the event loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from kiosk import __version__
from kiosk.central.auth import check_token
from kiosk.central.devices import certificate_for, device_key, receive_request
from kiosk.central.importer import Importer, shareable
from kiosk.central.keys import load_sealing_keys, load_signing_key
from kiosk.central.merge import BUSY, QuarantineQuota, high_water, merge_file, settle
from kiosk.central.stats import event_stats
from kiosk.domain.errors import KioskError
from kiosk.enrolment import MAX_BYTES as MAX_REQUEST_BYTES
from kiosk.storage.store import Store
from kiosk.sync import http_auth

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
# What refused uploads may keep in quarantine/ (a disk-filling flood of junk from a
# stolen kiosk's key is refused, answered, logged, and not kept past these).
QUARANTINE_TOTAL_BYTES = 256 * 1024 * 1024
QUARANTINE_FILES = 1000
QUARANTINE_DEVICE_BYTES = 64 * 1024 * 1024
QUARANTINE_DEVICE_FILES = 100
# An upload's body: at most this many seconds between two chunks, and all of it
# within BODY_TIMEOUT_S + its length at MIN_UPLOAD_RATE (a trickle is cut off).
BODY_TIMEOUT_S = 10.0
MIN_UPLOAD_RATE = 16 * 1024  # bytes per second
# Imports at a time: each reads its bundle into memory (up to MAX_UPLOAD_BYTES, and
# its entries), and SQLite merges one at a time anyway; the others wait on disk.
IMPORTS_AT_ONCE = 2
# Uploads waiting for their turn beyond those; one more is answered 503 before its
# body is read, with Retry-After (the kiosk tries again: nothing is lost).
UPLOADS_WAITING = 32
# Processes that merge uploads under ``kiosk-central serve`` (kiosk.central.importer).
IMPORT_WORKERS = 1
RETRY_AFTER_S = 5  # said to a kiosk whose upload met a busy database or a full queue

log = logging.getLogger(__name__)
CLOSE = {"connection": "close"}  # answered before the body is read: do not wait for it


def create_app(
    store: Store,
    data_dir: Path,
    max_upload: int = MAX_UPLOAD_BYTES,
    *,
    body_timeout: float | None = None,
    quota: QuarantineQuota | None = None,
    import_workers: int = 0,
) -> FastAPI:
    """The API; with ``import_workers``, uploads are merged in that many processes of
    their own (:mod:`kiosk.central.importer`, what ``kiosk-central serve`` does), else on
    the server's threads. The app's ``state.importer`` is closed by its owner."""
    app = FastAPI(
        title="Listening Kiosk central API",
        version=__version__,
        description="Enrolment, bundle upload and high-water marks for kiosk sync.",
    )
    sealing_key = load_sealing_keys(data_dir)  # current first, then retired
    signing_key = load_signing_key(data_dir)
    organiser_pk = bytes(signing_key.verify_key)
    incoming = data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    idle_timeout = BODY_TIMEOUT_S if body_timeout is None else body_timeout
    importing = asyncio.Semaphore(IMPORTS_AT_ONCE)
    queued = 0  # uploads between their first byte and the end of their import
    shared = import_workers and shareable(store.url)  # an in-memory database: threads
    importer = Importer(store.url, sealing_key, organiser_pk, import_workers) if shared else None
    app.state.importer = importer
    if quota is None:  # read here, so that a test or the command line can change them
        quota = QuarantineQuota(
            total_bytes=QUARANTINE_TOTAL_BYTES,
            total_files=QUARANTINE_FILES,
            device_bytes=QUARANTINE_DEVICE_BYTES,
            device_files=QUARANTINE_DEVICE_FILES,
        )

    def signed(request: Request, body: dict[str, Any], status: int = 200) -> Response:
        """A JSON answer signed over the request's nonce (a kiosk checks it)."""
        nonce = request.headers.get(http_auth.NONCE_HEADER, "")
        if not (16 <= len(nonce) <= 64 and nonce.isalnum()):
            nonce = ""
        content = json.dumps({**body, "nonce": nonce}, ensure_ascii=False).encode("utf-8")
        return Response(
            content,
            status_code=status,
            media_type="application/json",
            headers={
                http_auth.SERVER_SIGNATURE_HEADER: http_auth.sign_answer(
                    signing_key, nonce, content
                )
            },
        )

    def device_of(request: Request, body: bytes, *, pending: bool = False) -> str:
        claimed = http_auth.request_device(request.headers)
        if claimed is None:
            raise HTTPException(status_code=401, detail="device authentication required")
        key = device_key(store, claimed[0], pending=pending)
        if key is None:
            raise HTTPException(status_code=403, detail="not an enrolled device")
        try:
            http_auth.verify_request(key, request.method, request.url.path, request.headers, body)
        except http_auth.SignatureError as exc:
            raise HTTPException(status_code=401, detail="bad device signature") from exc
        return claimed[0]

    def organiser(request: Request) -> None:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not check_token(store, token.strip()):
            raise HTTPException(
                status_code=401,
                detail="organiser credential required",
                headers={"WWW-Authenticate": "Bearer"},
            )

    @app.get("/api/v1/health")
    async def health() -> dict[str, str]:
        # On the event loop: no thread-pool hop behind busy imports (it touches nothing).
        return {"status": "ok", "version": __version__}

    @app.post("/api/v1/enrolments", responses={408: {}, 413: {}, 422: {}})
    async def enrol(request: Request) -> Response:
        body = await _read_small(request, MAX_REQUEST_BYTES, idle_timeout)
        try:
            row = await run_in_threadpool(receive_request, store, body)
        except KioskError as exc:
            return signed(request, {"status": "refused", "code": exc.code}, 422)
        return signed(request, {"status": "pending", "device_id": row.device_id}, 202)

    @app.get("/api/v1/enrolments/{device_id}/certificate", responses={401: {}, 403: {}})
    def certificate(device_id: str, request: Request) -> Response:
        if device_of(request, b"", pending=True) != device_id:
            raise HTTPException(status_code=403, detail="another device")
        cert = certificate_for(store, device_id)
        if cert is None:
            return signed(request, {"status": "pending", "device_id": device_id}, 404)
        return signed(
            request,
            {
                "status": "approved",
                "device_id": device_id,
                "certificate": base64.b64encode(cert).decode("ascii"),
            },
        )

    @app.get("/api/v1/devices/{device_id}/high-water", responses={401: {}, 403: {}})
    def device_high_water(device_id: str, request: Request) -> Response:
        if device_of(request, b"") != device_id:
            raise HTTPException(status_code=403, detail="another device")
        return signed(request, {"device_id": device_id, "seq": high_water(store, device_id)})

    @app.post("/api/v1/bundles", responses={401: {}, 403: {}, 408: {}, 413: {}, 422: {}, 503: {}})
    async def upload(request: Request) -> Response:
        nonlocal queued
        if queued >= IMPORTS_AT_ONCE + UPLOADS_WAITING:
            log.warning("uploads queue full: one answered 503")
            return _busy()
        queued += 1
        try:
            return await _upload(request)
        finally:
            queued -= 1

    async def _upload(request: Request) -> Response:
        claimed = http_auth.request_device(request.headers)
        # Refused before the body is read: only enrolled devices may send bundles.
        key = None if claimed is None else await run_in_threadpool(device_key, store, claimed[0])
        if claimed is None or key is None:
            raise HTTPException(401, detail="device authentication required", headers=CLOSE)
        device_id = claimed[0]
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_upload):
            raise HTTPException(status_code=413, detail="bundle too large", headers=CLOSE)
        length = int(declared) if declared is not None else max_upload
        deadline = time.monotonic() + idle_timeout + length / MIN_UPLOAD_RATE
        # Named after the device, so that what it leaves in quarantine counts against it.
        fd, name = tempfile.mkstemp(prefix=f"{device_id}.", suffix=".kbundle", dir=incoming)
        path = Path(name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as fh:
                chunks = request.stream().__aiter__()
                while True:
                    wait = min(idle_timeout, deadline - time.monotonic())
                    try:
                        chunk = await asyncio.wait_for(chunks.__anext__(), max(wait, 0.001))
                    except StopAsyncIteration:
                        break
                    except TimeoutError as exc:
                        log.warning("upload from device %s too slow: cut off", device_id)
                        raise HTTPException(408, detail="upload too slow", headers=CLOSE) from exc
                    size += len(chunk)
                    if size > max_upload:
                        raise HTTPException(413, detail="bundle too large", headers=CLOSE)
                    digest.update(chunk)
                    fh.write(chunk)
            body_digest = digest.hexdigest()
            try:
                http_auth.verify_request(
                    key, "POST", request.url.path, request.headers, body_sha256=body_digest
                )
            except http_auth.SignatureError as exc:
                raise HTTPException(status_code=401, detail="bad device signature") from exc
            async with importing:
                if importer is not None:
                    outcome = await importer.merge(path)
                else:
                    outcome = await run_in_threadpool(
                        merge_file, store, path, sealing_key, organiser_pk
                    )
            outcome = await run_in_threadpool(
                settle, outcome, path, data_dir / "quarantine", quota, device_id
            )
        finally:
            path.unlink(missing_ok=True)  # merged, refused (then moved) or failed
        if outcome.outcome == "rejected" and outcome.code == BUSY:
            return _busy()  # nothing merged, nothing kept: the kiosk sends it again
        if (
            outcome.outcome == "rejected"
            and not outcome.quarantined
            and outcome.code != "unreadable"
        ):
            log.warning(
                "upload from device %s refused (%s), not kept: quarantine caps reached",
                device_id,
                outcome.code,
            )
        body = {
            "outcome": outcome.outcome,
            "code": outcome.code or None,
            "reason": outcome.reason or None,
            "seq": outcome.seq,
            "device_id": outcome.device_id,
            "from_seq": outcome.from_seq,
            "to_seq": outcome.to_seq,
            "new_entries": outcome.new_entries,
            "gaps": outcome.gaps,
            "bundle_sha256": body_digest,
            "quarantined": outcome.quarantined if outcome.outcome == "rejected" else None,
        }
        return signed(request, body, 422 if outcome.outcome == "rejected" else 200)

    @app.get("/api/v1/events/{code}/stats", responses={401: {}, 404: {}})
    def stats(code: str, request: Request) -> dict[str, Any]:
        organiser(request)
        try:
            return event_stats(store, code)
        except KioskError as exc:
            raise HTTPException(status_code=404, detail=exc.message()) from exc

    return app


def _busy() -> Response:
    return Response(
        json.dumps({"status": "busy", "code": BUSY}),
        status_code=503,
        media_type="application/json",
        headers={"retry-after": str(RETRY_AFTER_S), **CLOSE},
    )


async def _read_small(request: Request, limit: int, idle_timeout: float) -> bytes:
    """A small body (an anonymous enrolment request), under the same timeouts as an
    upload's: a trickled request is cut off, never held open."""
    chunks, size = [], 0
    deadline = time.monotonic() + idle_timeout + limit / MIN_UPLOAD_RATE
    stream = request.stream().__aiter__()
    while True:
        wait = max(min(idle_timeout, deadline - time.monotonic()), 0.001)
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), wait)
        except StopAsyncIteration:
            break
        except TimeoutError as exc:
            raise HTTPException(408, detail="request too slow", headers=CLOSE) from exc
        size += len(chunk)
        if size > limit:
            raise HTTPException(status_code=413, detail="too large", headers=CLOSE)
        chunks.append(chunk)
    return b"".join(chunks)
