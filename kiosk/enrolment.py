"""Enrolment: a kiosk is trusted only once the organiser has signed its key.

A kiosk makes its Ed25519 device key at set-up. Its device id is derived from
the public key (:func:`device_id_for`), so nobody can choose an id, or squat a
real kiosk's id with another key. The kiosk shows an *enrolment request*: a
short code (:func:`enrolment_code`, 80 bits of the key's hash, that the
organiser compares with the one on the kiosk's screen) and a file, signed by the
device key itself (proof that the kiosk holds it). The organiser approves it and
signs a *device certificate*: key, device id, event, name, role and validity.

Both are small JSON envelopes: ``{"format", "version", "document", "signature"}``,
the signature being Ed25519 over ``DOMAIN || canonical_json(document)``.
Readers fail closed: anything wrong raises :class:`EnrolmentError`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.storage.canonical import EnvelopeError, canonical_json, read_envelope

REQUEST_FORMAT = "listening-kiosk/enrolment-request"
CERTIFICATE_FORMAT = "listening-kiosk/device-certificate"
VERSION = 1
REQUEST_DOMAIN = b"listening-kiosk/enrolment-request\x00"
CERTIFICATE_DOMAIN = b"listening-kiosk/device-certificate\x00"
DEVICE_ID_DOMAIN = b"listening-kiosk/device-id\x00"
MAX_BYTES = 16 * 1024
ROLES = ("checkin", "proposals", "both")
# Base32 without the letters and digits people confuse (no 0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class EnrolmentError(KioskError, code="bad_enrolment"): ...


def _bad(reason: str, code: str = "bad_enrolment") -> EnrolmentError:
    return EnrolmentError(
        N_("This enrolment file cannot be used: {reason}."), code=code, reason=reason
    )


def device_id_for(public_key: bytes) -> str:
    """The device id of a key: a UUID (version 8) made of the key's SHA-256."""
    raw = bytearray(hashlib.sha256(DEVICE_ID_DOMAIN + public_key).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8: application-defined
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return str(uuid.UUID(bytes=bytes(raw)))


def enrolment_code(public_key: bytes) -> str:
    """The short code the kiosk shows and the organiser compares: 16 symbols (80 bits)."""
    number = int.from_bytes(hashlib.sha256(REQUEST_DOMAIN + public_key).digest()[:10], "big")
    symbols = []
    for _ in range(16):
        number, index = divmod(number, len(_CODE_ALPHABET))
        symbols.append(_CODE_ALPHABET[index])
    text = "".join(symbols)
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def _envelope(fmt: str, document: dict[str, Any], key: SigningKey, domain: bytes) -> bytes:
    signature = crypto.sign(key, domain + canonical_json(document).encode("utf-8"))
    envelope = {
        "format": fmt,
        "version": VERSION,
        "document": document,
        "signature": signature.hex(),
    }
    return canonical_json(envelope).encode("utf-8")


def _open(data: Any, fmt: str) -> tuple[dict[str, Any], bytes, bytes]:
    """(document, its canonical bytes, signature) of an envelope; no check of the signer."""
    try:
        envelope = read_envelope(data, fmt, VERSION, MAX_BYTES)
    except EnvelopeError as exc:
        raise _bad(str(exc)) from exc
    document, signature = envelope.get("document"), envelope.get("signature")
    if not isinstance(document, dict) or not isinstance(signature, str):
        raise _bad("missing sections")
    try:
        raw_signature = bytes.fromhex(signature)
    except ValueError as exc:
        raise _bad("the signature is not hexadecimal") from exc
    if len(raw_signature) != 64 or raw_signature.hex() != signature:
        raise _bad("the signature is not in canonical form")
    return document, canonical_json(document).encode("utf-8"), raw_signature


def _text(doc: dict[str, Any], key: str, maximum: int = 100, blank: bool = False) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or len(value) > maximum or (not blank and not value.strip()):
        raise _bad(f"field {key} is missing or invalid")
    return value


def _key(doc: dict[str, Any], key: str) -> bytes:
    value = _text(doc, key, 64)
    try:
        raw = bytes.fromhex(value)
    except ValueError as exc:
        raise _bad(f"field {key} is not hexadecimal") from exc
    if len(raw) != 32 or raw.hex() != value:
        raise _bad(f"field {key} is not a key")
    return raw


def _time(doc: dict[str, Any], key: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(_text(doc, key, 40))
    except ValueError as exc:
        raise _bad(f"field {key} is not a time") from exc
    if when.tzinfo is None:
        raise _bad(f"field {key} has no time zone")
    return when


def _uuid(doc: dict[str, Any], key: str) -> str:
    value = _text(doc, key, 36)
    try:
        if str(uuid.UUID(value)) != value:
            raise ValueError(value)
    except ValueError as exc:
        raise _bad(f"field {key} is not an identifier") from exc
    return value


def _identity(document: dict[str, Any], public_key: bytes) -> tuple[str, str]:
    """(device id, role) of a request or certificate: the id must be its key's."""
    device_id = _text(document, "device_id", 36)
    if device_id != device_id_for(public_key):
        raise _bad("the device id is not the one of its key", "device_id_mismatch")
    role = _text(document, "role", 20)
    if role not in ROLES:
        raise _bad("unknown role")
    return device_id, role


@dataclass(frozen=True)
class EnrolmentRequest:
    device_id: str
    public_key: bytes
    event_id: str
    name: str
    role: str
    software: str
    created_at: str
    raw: bytes

    @property
    def code(self) -> str:
        return enrolment_code(self.public_key)


def make_request(
    device_key: SigningKey, *, event_id: str, name: str, role: str, software: str, created_at: str
) -> bytes:
    public_key = bytes(device_key.verify_key)
    document = {
        "device_id": device_id_for(public_key),
        "public_key": public_key.hex(),
        "event_id": event_id,
        "name": name,
        "role": role,
        "software": software,
        "created_at": created_at,
    }
    return _envelope(REQUEST_FORMAT, document, device_key, REQUEST_DOMAIN)


def read_request(data: bytes) -> EnrolmentRequest:
    """Parse an enrolment request and check that its key signed it and names its id."""
    document, canonical, signature = _open(data, REQUEST_FORMAT)
    public_key = _key(document, "public_key")
    try:
        crypto.verify(public_key, REQUEST_DOMAIN + canonical, signature)
    except crypto.CryptoError as exc:
        raise _bad("the signature does not match: the file was altered", "bad_signature") from exc
    device_id, role = _identity(document, public_key)
    _time(document, "created_at")
    return EnrolmentRequest(
        device_id=device_id,
        public_key=public_key,
        event_id=_uuid(document, "event_id"),
        name=_text(document, "name", 100),
        role=role,
        software=_text(document, "software", 40, blank=True),
        created_at=document["created_at"],
        raw=bytes(data),
    )


@dataclass(frozen=True)
class DeviceCertificate:
    device_id: str
    public_key: bytes
    event_id: str
    event_code: str
    name: str
    role: str
    serial: str
    issued_at: dt.datetime
    not_before: dt.datetime
    not_after: dt.datetime
    raw: bytes

    def valid_at(self, when: dt.datetime) -> bool:
        return self.not_before <= when <= self.not_after

    def as_text(self) -> str:
        """The certificate as one line of ASCII (what a manifest carries)."""
        return base64.b64encode(self.raw).decode("ascii")


def make_certificate(
    organiser_key: SigningKey,
    request: EnrolmentRequest,
    *,
    event_code: str,
    serial: str,
    issued_at: dt.datetime,
    not_before: dt.datetime,
    not_after: dt.datetime,
    name: str | None = None,
    role: str | None = None,
) -> bytes:
    document = {
        "device_id": request.device_id,
        "public_key": request.public_key.hex(),
        "event_id": request.event_id,
        "event_code": event_code,
        "name": name or request.name,
        "role": role or request.role,
        "serial": serial,
        "issued_at": issued_at.isoformat(),
        "not_before": not_before.isoformat(),
        "not_after": not_after.isoformat(),
    }
    return _envelope(CERTIFICATE_FORMAT, document, organiser_key, CERTIFICATE_DOMAIN)


def read_certificate(data: bytes, organiser_sign_pk: bytes) -> DeviceCertificate:
    """Parse a device certificate and check the organiser signed it."""
    document, canonical, signature = _open(data, CERTIFICATE_FORMAT)
    try:
        crypto.verify(organiser_sign_pk, CERTIFICATE_DOMAIN + canonical, signature)
    except crypto.CryptoError as exc:
        raise _bad(
            "it is not signed by this event's organiser", "bad_certificate_signature"
        ) from exc
    public_key = _key(document, "public_key")
    device_id, role = _identity(document, public_key)
    return DeviceCertificate(
        device_id=device_id,
        public_key=public_key,
        event_id=_uuid(document, "event_id"),
        event_code=_text(document, "event_code", 64),
        name=_text(document, "name", 100),
        role=role,
        serial=_uuid(document, "serial"),
        issued_at=_time(document, "issued_at"),
        not_before=_time(document, "not_before"),
        not_after=_time(document, "not_after"),
        raw=bytes(data),
    )


def certificate_from_text(text: Any, organiser_sign_pk: bytes) -> DeviceCertificate:
    """A certificate as a manifest carries it (base64 of the file)."""
    if not isinstance(text, str) or len(text) > 2 * MAX_BYTES:
        raise _bad("not a certificate")
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise _bad("not a certificate") from exc
    return read_certificate(raw, organiser_sign_pk)
