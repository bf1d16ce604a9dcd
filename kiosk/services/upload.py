"""``kiosk sync``: upload what the central platform lacks, resuming after failures."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.services.sync import build_bundle
from kiosk.storage.models import Device
from kiosk.storage.store import Store

CHUNK_ENTRIES = 5000


class Offline(KioskError):
    code = "offline"


@dataclass
class SyncReport:
    uploaded: list[dict[str, object]] = field(default_factory=list)
    high_water: int = 0
    rejected: dict[str, object] | None = None


def _with_retries(
    call: Callable[[], httpx.Response], attempts: int, backoff: float, url: str
) -> httpx.Response:
    for attempt in range(attempts):
        try:
            response = call()
            if response.status_code < 500:
                return response
        except httpx.HTTPError:
            pass
        if attempt + 1 < attempts:
            time.sleep(backoff * 2**attempt)
    raise Offline(
        N_(
            "The central platform cannot be reached at {url}. Nothing was lost: "
            "try again later or export to a USB stick."
        ),
        url=url,
    )


def sync(
    store: Store,
    keys_dir: Path,
    url: str,
    *,
    chunk: int = CHUNK_ENTRIES,
    attempts: int = 5,
    backoff: float = 0.5,
    timeout: float = 30.0,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """Ask the server's high-water mark, then upload the missing entries in bundles."""
    base = url.rstrip("/")
    report = SyncReport()
    with store.uow(readonly=True) as uow:
        device_id = uow.device_id
        device = uow.session.get(Device, device_id)
        total = device.journal_seq if device else 0
    with httpx.Client(timeout=timeout) as client:
        while True:
            response = _with_retries(
                lambda: client.get(f"{base}/api/v1/devices/{device_id}/high-water"),
                attempts,
                backoff,
                base,
            )
            response.raise_for_status()
            mark = int(response.json()["seq"])
            if report.uploaded and mark <= report.high_water:
                raise KioskError(
                    N_("The central platform did not take the last bundle (still at entry {seq})."),
                    code="no_progress",
                    seq=mark,
                )
            report.high_water = mark
            built = build_bundle(store, keys_dir, mark, limit=chunk)
            if built is None:
                return report
            data, _code, first, last = built
            response = _with_retries(
                lambda data=data: client.post(  # type: ignore[misc]
                    f"{base}/api/v1/bundles",
                    content=data,
                    headers={"content-type": "application/octet-stream"},
                ),
                attempts,
                backoff,
                base,
            )
            body = response.json()
            if response.status_code == 422:
                report.rejected = body  # kept on the kiosk; the reason is shown
                return report
            response.raise_for_status()
            report.uploaded.append(
                {"from_seq": first.seq, "to_seq": last.seq, "outcome": body["outcome"]}
            )
            if progress:
                progress(last.seq, total)
