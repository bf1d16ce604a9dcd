"""Signed HTTP between a kiosk and the central platform, both ways.

A kiosk's sync calls are signed by its device key: the headers carry the device
id, a fresh random nonce and an Ed25519 signature over the method, the path, the
nonce and the SHA-256 of the body. The server's answers to them are signed by
the organiser's key, over the same nonce and the exact body bytes, so a kiosk
believes no answer that the central platform it pinned from its pack did not
give to this very request (a rogue server, or a replayed old answer, is caught).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping

from nacl.signing import SigningKey

from kiosk import crypto

REQUEST_DOMAIN = b"listening-kiosk/device-request\x00"
RESPONSE_DOMAIN = b"listening-kiosk/server-answer\x00"
DEVICE_HEADER = "x-lk-device"
NONCE_HEADER = "x-lk-nonce"
SIGNATURE_HEADER = "x-lk-signature"
SERVER_SIGNATURE_HEADER = "x-lk-server-signature"


class SignatureError(Exception):
    """A request or answer whose signature does not check out."""


def _request_message(method: str, path: str, nonce: str, body_sha256: str) -> bytes:
    return REQUEST_DOMAIN + "\n".join((method.upper(), path, nonce, body_sha256)).encode("utf-8")


def new_nonce() -> str:
    return secrets.token_hex(16)


def sign_request(
    device_key: SigningKey, device_id: str, method: str, path: str, body: bytes, nonce: str
) -> dict[str, str]:
    """The headers that authenticate one request as ``device_id``."""
    digest = hashlib.sha256(body).hexdigest()
    signature = crypto.sign(device_key, _request_message(method, path, nonce, digest))
    return {DEVICE_HEADER: device_id, NONCE_HEADER: nonce, SIGNATURE_HEADER: signature.hex()}


def request_device(headers: Mapping[str, str]) -> tuple[str, str] | None:
    """(device id, nonce) a request claims, if it has well-formed headers."""
    device_id, nonce = headers.get(DEVICE_HEADER, ""), headers.get(NONCE_HEADER, "")
    if not (0 < len(device_id) <= 36 and 16 <= len(nonce) <= 64 and nonce.isalnum()):
        return None
    return device_id, nonce


def verify_request(
    public_key: bytes,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes = b"",
    *,
    body_sha256: str | None = None,
) -> None:
    """Raise :class:`SignatureError` unless the request is signed by ``public_key``
    (the body given, or its SHA-256 when it was hashed as it streamed in)."""
    claimed = request_device(headers)
    signature = headers.get(SIGNATURE_HEADER, "")
    if claimed is None or len(signature) != 128:
        raise SignatureError("missing or malformed device signature")
    try:
        raw = bytes.fromhex(signature)
        digest = body_sha256 or hashlib.sha256(body).hexdigest()
        crypto.verify(public_key, _request_message(method, path, claimed[1], digest), raw)
    except (ValueError, crypto.CryptoError) as exc:
        raise SignatureError("bad device signature") from exc


def sign_answer(organiser_key: SigningKey, nonce: str, body: bytes) -> str:
    return crypto.sign(organiser_key, RESPONSE_DOMAIN + nonce.encode("ascii") + b"\n" + body).hex()


def verify_answer(organiser_pk: bytes, nonce: str, body: bytes, signature: str | None) -> None:
    if not signature or len(signature) != 128:
        raise SignatureError("the answer is not signed")
    try:
        raw = bytes.fromhex(signature)
        crypto.verify(organiser_pk, RESPONSE_DOMAIN + nonce.encode("ascii") + b"\n" + body, raw)
    except (ValueError, crypto.CryptoError) as exc:
        raise SignatureError("the answer is not signed by this event's organiser") from exc
