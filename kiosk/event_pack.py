"""Event packs: one signed file that sets up every kiosk of an event.

Envelope (JSON)::

    {"format": "listening-kiosk/event-pack", "version": 1,
     "signer": <organiser Ed25519 public key, hex>,
     "payload": <base64 of the canonical JSON document>,
     "signature": <Ed25519 signature of DOMAIN || payload bytes, hex>}

The reader checks size, shape, signature and (when the kiosk already trusts
an organiser key) the signer, then every field of the document; anything
wrong raises :class:`PackError`, the only exception it lets out.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from typing import Any

from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.storage.canonical import canonical_json

FORMAT = "listening-kiosk/event-pack"
VERSION = 1
DOMAIN = b"listening-kiosk/event-pack\x00"
MAX_PACK_BYTES = 64 * 1024 * 1024


class PackError(KioskError):
    code = "bad_pack"


@dataclass(frozen=True)
class PackAttendee:
    id: str
    external_id: str | None
    name: str
    name_latin: str
    organisation: str
    category: str
    province: str
    preferred_language: str
    token: str


@dataclass(frozen=True)
class EventPack:
    pack_id: str
    issued_at: str
    event: dict[str, Any]
    themes: list[dict[str, Any]]
    attendees: list[PackAttendee]
    revoked: list[str]
    organiser_sign_pk: bytes
    organiser_seal_pk: bytes
    walkin_signing_key: bytes
    enrolment_secret: bytes

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(self.organiser_sign_pk)


def write_pack(document: dict[str, Any], organiser_key: SigningKey) -> bytes:
    payload = canonical_json(document).encode("utf-8")
    envelope = {
        "format": FORMAT,
        "version": VERSION,
        "signer": bytes(organiser_key.verify_key).hex(),
        "payload": base64.b64encode(payload).decode("ascii"),
        "signature": crypto.sign(organiser_key, DOMAIN + payload).hex(),
    }
    return json.dumps(envelope).encode("utf-8")


def _bad(reason: str, code: str = "bad_pack") -> PackError:
    return PackError(N_("This event pack cannot be used: {reason}."), code=code, reason=reason)


def _text(obj: dict[str, Any], key: str, maximum: int = 400, required: bool = True) -> str:
    value = obj.get(key, None if required else "")
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > maximum or (required and not value):
        raise _bad(f"field {key} is missing or invalid")
    return value


def _hex(obj: dict[str, Any], key: str, length: int) -> bytes:
    try:
        raw = bytes.fromhex(_text(obj, key, 2 * length))
    except ValueError as exc:
        raise _bad(f"field {key} is not hexadecimal") from exc
    if len(raw) != length:
        raise _bad(f"field {key} has the wrong length")
    return raw


def _uuid(value: Any, key: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise _bad(f"field {key} is not an identifier") from exc


def read_pack(data: bytes, trusted_signer: bytes | None = None) -> EventPack:
    """Verify and parse a pack; ``trusted_signer`` pins the organiser key."""
    if not isinstance(data, bytes | bytearray) or len(data) > MAX_PACK_BYTES:
        raise _bad("file too large or unreadable")
    try:
        envelope = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _bad("not an event pack file") from exc
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise _bad("not an event pack file")
    if envelope.get("version") != VERSION:
        raise _bad("unsupported pack version")
    signer = _hex(envelope, "signer", 32)
    signature = _hex(envelope, "signature", 64)
    try:
        payload = base64.b64decode(_text(envelope, "payload", MAX_PACK_BYTES), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _bad("payload is not base64") from exc
    try:
        crypto.verify(signer, DOMAIN + payload, signature)
    except crypto.CryptoError as exc:
        raise _bad(
            "the signature does not match: the file was altered", code="bad_signature"
        ) from exc
    if trusted_signer is not None and signer != trusted_signer:
        raise _bad(
            "it was signed by another organiser (fingerprint {fp})".replace(
                "{fp}", crypto.fingerprint(signer)
            ),
            code="foreign_pack",
        )
    try:
        doc = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _bad("payload is not JSON") from exc
    return _document(doc, signer)


def _document(doc: Any, signer: bytes) -> EventPack:
    if not isinstance(doc, dict):
        raise _bad("payload is not an object")
    event = doc.get("event")
    themes = doc.get("themes")
    attendees = doc.get("attendees")
    revoked = doc.get("revoked")
    keys = doc.get("keys")
    if not (
        isinstance(event, dict)
        and isinstance(themes, list)
        and isinstance(attendees, list)
        and isinstance(revoked, list)
        and isinstance(keys, dict)
    ):
        raise _bad("missing sections")
    _uuid(event.get("id"), "event.id")
    for key in ("code", "name"):
        _text(event, key)
    languages = event.get("languages")
    if not (
        isinstance(languages, list)
        and languages
        and all(lang in ("ar", "fr", "zgh", "en") for lang in languages)
    ):
        raise _bad("invalid languages")
    for theme in themes:
        if not (
            isinstance(theme, dict)
            and isinstance(theme.get("names"), dict)
            and isinstance(theme.get("descriptions", {}), dict)
        ):
            raise _bad("invalid theme")
        _text(theme, "code", 64)
    if keys.get("organiser_sign_pk") != signer.hex():
        raise _bad("signer and organiser key differ")
    people = []
    for item in attendees:
        if not isinstance(item, dict):
            raise _bad("invalid attendee")
        token = _text(item, "token", 256)
        if not token.isdigit():
            raise _bad("invalid badge token")
        external = item.get("external_id")
        if external is not None and not isinstance(external, str):
            raise _bad("invalid external_id")
        people.append(
            PackAttendee(
                id=_uuid(item.get("id"), "attendee.id"),
                external_id=external,
                name=_text(item, "name", 200),
                name_latin=_text(item, "name_latin", 200, False),
                organisation=_text(item, "organisation", 200, False),
                category=_text(item, "category", 32),
                province=_text(item, "province", 100, False),
                preferred_language=_text(item, "preferred_language", 8, False),
                token=token,
            )
        )
    if not all(isinstance(d, str) and len(d) == 64 for d in revoked):
        raise _bad("invalid revocation list")
    return EventPack(
        pack_id=_uuid(doc.get("pack_id"), "pack_id"),
        issued_at=_text(doc, "issued_at", 40),
        event=event,
        themes=themes,
        attendees=people,
        revoked=list(revoked),
        organiser_sign_pk=signer,
        organiser_seal_pk=_hex(keys, "organiser_seal_pk", 32),
        walkin_signing_key=_hex(keys, "walkin_signing_key", 32),
        enrolment_secret=_hex(keys, "enrolment_secret", 32),
    )
