"""``kiosk sync``: upload what the central platform lacks, resuming after failures.

Every call is signed by the device key (:mod:`kiosk.sync.http_auth`), and every
answer must be signed by the organiser key this kiosk pinned from its pack, over
this request's nonce: an unsigned answer, or a high-water mark above what this
kiosk ever wrote, is an error shown to staff, never "in sync".
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError, NotSetUp
from kiosk.i18n import N_
from kiosk.services.enrol import enrolment_request, enrolment_state, install_certificate
from kiosk.services.sync import build_bundle, note_exported
from kiosk.storage.models import Device
from kiosk.storage.settings import ORGANISER_SIGN_PK
from kiosk.storage.store import Store
from kiosk.sync import http_auth

CHUNK_ENTRIES = 5000
MAX_RETRY_AFTER_S = 30  # the longest a server's Retry-After makes this kiosk wait


class RogueServer(KioskError, code="rogue_server"): ...


class NotEnrolled(KioskError, code="not_enrolled"): ...


class Offline(KioskError, code="offline"): ...


@dataclass
class SyncReport:
    uploaded: list[dict[str, object]] = field(default_factory=list)
    high_water: int = 0
    rejected: dict[str, object] | None = None


def _with_retries(
    call: Callable[[], httpx.Response], attempts: int, backoff: float, url: str
) -> httpx.Response:
    for attempt in range(attempts):
        wait = backoff * 2**attempt
        try:
            response = call()
            if response.status_code < 500:
                return response
            # A busy server says when to come back (its queue of uploads, its database).
            said = response.headers.get("retry-after", "")
            if response.status_code == 503 and said.isdigit():
                wait = max(wait, min(int(said), MAX_RETRY_AFTER_S))
        except httpx.HTTPError:
            pass
        if attempt + 1 < attempts:
            time.sleep(wait)
    raise Offline(
        N_(
            "The central platform cannot be reached at {url}. Nothing was lost: "
            "try again later or export to a USB stick."
        ),
        url=url,
    )


class _Channel:
    """Signed requests of this device, and the organiser's signed answers."""

    def __init__(
        self, client: httpx.Client, base: str, device_key: SigningKey, device_id: str, pin: bytes
    ) -> None:
        self.client, self.base, self.key, self.device_id, self.pin = (
            client,
            base,
            device_key,
            device_id,
            pin,
        )

    def call(
        self, method: str, path: str, body: bytes, attempts: int, backoff: float
    ) -> tuple[httpx.Response, dict[str, Any]]:
        nonce = http_auth.new_nonce()
        headers = http_auth.sign_request(self.key, self.device_id, method, path, body, nonce)
        if body:
            headers["content-type"] = "application/octet-stream"
        response = _with_retries(
            lambda: self.client.request(method, self.base + path, content=body, headers=headers),
            attempts,
            backoff,
            self.base,
        )
        if response.status_code in (401, 403):
            raise NotEnrolled(
                N_(
                    "The central platform does not know this kiosk as enrolled; "
                    "ask the organiser to approve its enrolment request."
                ),
                code="not_enrolled",
            )
        try:
            http_auth.verify_answer(
                self.pin,
                nonce,
                response.content,
                response.headers.get(http_auth.SERVER_SIGNATURE_HEADER),
            )
            data = json.loads(response.content)
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (http_auth.SignatureError, ValueError) as exc:
            raise RogueServer(
                N_(
                    "The answer from {url} is not signed by this event's organiser: "
                    "nothing was counted as sent. Check the address."
                ),
                url=self.base,
            ) from exc
        return response, data


def _head(store: Store) -> int:
    with store.uow(readonly=True) as uow:
        device = uow.session.get(Device, uow.device_id)
        return device.journal_seq if device else 0


def _device_key(keys_dir: Path) -> SigningKey:
    return crypto.load_or_create_signing_key(keys_dir / crypto.DEVICE_KEY_FILE)


def enrol_over_http(
    store: Store,
    keys_dir: Path,
    url: str,
    *,
    attempts: int = 5,
    backoff: float = 0.5,
    timeout: float = 30.0,
) -> bool:
    """Send this kiosk's enrolment request and take its certificate if the organiser
    approved it; True once the kiosk is enrolled."""
    if enrolment_state(store).enrolled:
        return True
    base = url.rstrip("/")
    with store.uow(readonly=True) as uow:
        pin_hex = uow.setting(ORGANISER_SIGN_PK)
        device_id = uow.device_id
    if not pin_hex or not device_id:
        raise NotSetUp(N_("This kiosk is not set up from an event pack yet."), code="not_set_up")
    with httpx.Client(timeout=timeout) as client:
        channel = _Channel(client, base, _device_key(keys_dir), device_id, bytes.fromhex(pin_hex))
        request = enrolment_request(store, keys_dir)
        channel.call("POST", "/api/v1/enrolments", request, attempts, backoff)
        response, data = channel.call(
            "GET", f"/api/v1/enrolments/{device_id}/certificate", b"", attempts, backoff
        )
        certificate = data.get("certificate")
        if response.status_code != 200 or not isinstance(certificate, str):
            return False
        try:
            raw = base64.b64decode(certificate, validate=True)
        except ValueError as exc:
            raise RogueServer(
                N_(
                    "The answer from {url} is not signed by this event's organiser: "
                    "nothing was counted as sent. Check the address."
                ),
                url=base,
            ) from exc
        install_certificate(store, raw)
        return True


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
    """Ask the server's signed high-water mark, then upload the missing entries in
    bundles, each acknowledged by a signed receipt."""
    base = url.rstrip("/")
    report = SyncReport()
    with store.uow(readonly=True) as uow:
        device_id = uow.device_id
        pin_hex = uow.setting(ORGANISER_SIGN_PK)
    if not pin_hex:
        raise NotSetUp(N_("This kiosk is not set up from an event pack yet."), code="not_set_up")
    state = enrolment_state(store)
    if not state.enrolled and not enrol_over_http(
        store, keys_dir, url, attempts=attempts, backoff=backoff, timeout=timeout
    ):
        raise NotEnrolled(
            N_(
                "This kiosk waits for the organiser's approval (code {code_text}); nothing was "
                "sent. Its data is safe here, and a USB export works meanwhile."
            ),
            code="not_enrolled",
            code_text=state.code,
        )
    with httpx.Client(timeout=timeout) as client:
        channel = _Channel(client, base, _device_key(keys_dir), device_id, bytes.fromhex(pin_hex))
        while True:
            _response, answer = channel.call(
                "GET", f"/api/v1/devices/{device_id}/high-water", b"", attempts, backoff
            )
            mark = answer.get("seq")
            total = _head(store)  # read again: the kiosk goes on writing while it syncs
            if answer.get("device_id") != device_id or type(mark) is not int or mark < 0:
                raise RogueServer(
                    N_("The central platform gave a high-water mark that makes no sense."),
                    code="rogue_high_water",
                )
            if mark > total:
                raise RogueServer(
                    N_(
                        "The central platform claims entry {seq}, but this kiosk has written "
                        "only {head}: it is not this event's platform, or it is damaged. "
                        "Nothing was counted as sent."
                    ),
                    code="rogue_high_water",
                    seq=mark,
                    head=total,
                )
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
            response, body = channel.call("POST", "/api/v1/bundles", data, attempts, backoff)
            if body.get("bundle_sha256") != hashlib.sha256(data).hexdigest():
                raise RogueServer(
                    N_("The central platform's receipt is for another bundle."),
                    code="rogue_receipt",
                )
            if response.status_code == 422:
                report.rejected = body  # kept on the kiosk; the reason is shown
                return report
            if response.status_code != 200:
                raise RogueServer(
                    N_("The central platform gave an unexpected answer (HTTP {status})."),
                    code="bad_answer",
                    status=response.status_code,
                )
            report.uploaded.append(
                {"from_seq": first.seq, "to_seq": last.seq, "outcome": body["outcome"]}
            )
            note_exported(store, device_id, last.seq)  # the platform acknowledged it
            if progress:
                progress(last.seq, total)
