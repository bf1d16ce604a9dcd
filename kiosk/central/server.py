"""The central platform's HTTP API (FastAPI): kiosks upload bundles over it.

Devices authenticate by what they upload: every bundle is signed by its
device key, carries the event's enrolment proof, and the key is pinned on first
sight, exactly as for a file import (the same code verifies both).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from kiosk import __version__
from kiosk.central.keys import load_sealing_key
from kiosk.central.merge import high_water, import_bundle
from kiosk.central.stats import event_stats
from kiosk.domain.errors import KioskError
from kiosk.storage.store import Store

MAX_UPLOAD_BYTES = 64 * 1024 * 1024


def create_app(store: Store, data_dir: Path, max_upload: int = MAX_UPLOAD_BYTES) -> FastAPI:
    app = FastAPI(
        title="Listening Kiosk central API",
        version=__version__,
        description="Bundle upload and high-water marks for kiosk sync.",
    )
    sealing_key = load_sealing_key(data_dir)
    incoming = data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)

    @app.get("/api/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/v1/devices/{device_id}/high-water")
    def device_high_water(device_id: str) -> dict[str, Any]:
        if len(device_id) > 64:
            raise HTTPException(status_code=422, detail="device id too long")
        return {"device_id": device_id, "seq": high_water(store, device_id)}

    @app.post("/api/v1/bundles", responses={413: {}, 422: {}})
    async def upload(request: Request) -> JSONResponse:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_upload):
            raise HTTPException(status_code=413, detail="bundle too large")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_upload:
                raise HTTPException(status_code=413, detail="bundle too large")
            chunks.append(chunk)
        fd, name = tempfile.mkstemp(suffix=".kbundle", dir=incoming)
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"".join(chunks))
        outcome = import_bundle(store, Path(name), sealing_key, data_dir / "quarantine")
        if outcome.outcome != "rejected":
            Path(name).unlink(missing_ok=True)  # merged: the database holds it now
        body = {
            "outcome": outcome.outcome,
            "code": outcome.code or None,
            "reason": outcome.reason or None,
            "device_id": outcome.device_id,
            "from_seq": outcome.from_seq,
            "to_seq": outcome.to_seq,
            "new_entries": outcome.new_entries,
            "gaps": outcome.gaps,
        }
        return JSONResponse(body, status_code=422 if outcome.outcome == "rejected" else 200)

    @app.get("/api/v1/events/{code}/stats")
    def stats(code: str) -> dict[str, Any]:
        try:
            return event_stats(store, code)
        except KioskError as exc:
            raise HTTPException(status_code=404, detail=exc.message()) from exc

    return app
