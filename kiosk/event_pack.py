"""Event packs: one signed file that sets up every kiosk of an event, and
reveals nothing to whoever finds it without its passphrase.

Envelope (JSON)::

    {"format": "listening-kiosk/event-pack", "version": 2,
     "signer": <organiser Ed25519 public key, hex>,
     "payload": <base64 of the canonical JSON document>,
     "signature": <Ed25519 signature of DOMAIN || payload bytes, hex>}

The document holds in clear only what is not personal and gives no power to
write: the event (code, name and names per language, times, themes, languages,
the public follow-up page's address) and the organiser's public keys. Everything
else a kiosk needs (the door's roster without contacts or badge tokens, the
revoked attendees and the walk-in signing key) is in ``sealed``: a PyNaCl
``SecretBox`` under a key derived from the pack passphrase by Argon2id
(``nacl.pwhash.argon2id``). The organiser gives the passphrase to the staff apart
from the stick; a kiosk set up with it works at once, before its device
certificate arrives.

The reader checks size, shape, signature and (when the kiosk already trusts
an organiser key) the signer, then opens the sealed part and checks every
field; anything wrong raises :class:`PackError`, the only exception it lets out.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
from nacl.secret import SecretBox
from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.event import clean_event_names, clean_followup_url
from kiosk.domain.vocab import ATTENDEE_LIMITS
from kiosk.i18n import N_
from kiosk.storage.canonical import EnvelopeError, canonical_json, read_envelope

FORMAT = "listening-kiosk/event-pack"
VERSION = 2
DOMAIN = b"listening-kiosk/event-pack\x00"
MAX_PACK_BYTES = 64 * 1024 * 1024
# Argon2id cost of opening a pack (about 0.08 s on one core of the 2026 test
# machine). The passphrase is random (79 bits), so the cost only has to make
# each guess dear, not to stretch a weak secret; a kiosk opens a pack rarely.
KDF_OPSLIMIT = 3
KDF_MEMLIMIT = 64 * 1024 * 1024
# What a pack may ask of a kiosk (it is signed, but a kiosk never trusts that far).
MAX_OPSLIMIT = 10
MAX_MEMLIMIT = 512 * 1024 * 1024
PASSPHRASE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PASSPHRASE_SYMBOLS = 16


class PackError(KioskError, code="bad_pack"): ...


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


@dataclass(frozen=True)
class EventPack:
    pack_id: str
    issued_at: str
    event: dict[str, Any]
    themes: list[dict[str, Any]]
    attendees: list[PackAttendee]
    revoked_attendees: list[str]
    organiser_sign_pk: bytes
    organiser_seal_pk: bytes
    walkin_signing_key: bytes

    @property
    def fingerprint(self) -> str:
        return crypto.fingerprint(self.organiser_sign_pk)


def new_passphrase() -> str:
    """A random pack passphrase, ``XXXX-XXXX-XXXX-XXXX`` (16 symbols of 31: 79 bits)."""
    text = "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(PASSPHRASE_SYMBOLS))
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def normalise_passphrase(passphrase: str) -> bytes:
    """What is typed, as the key derivation reads it: case, spaces and dashes ignored."""
    return "".join(ch for ch in passphrase.upper() if ch.isalnum()).encode("utf-8")


def _derive(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return bytes(
        argon2id.kdf(
            SecretBox.KEY_SIZE,
            normalise_passphrase(passphrase),
            salt,
            opslimit=opslimit,
            memlimit=memlimit,
        )
    )


def seal_secrets(secret_part: dict[str, Any], passphrase: str) -> dict[str, Any]:
    """The sealed section of a pack: ``secret_part`` under the passphrase."""
    salt = secrets.token_bytes(argon2id.SALTBYTES)
    key = _derive(passphrase, salt, KDF_OPSLIMIT, KDF_MEMLIMIT)
    box = SecretBox(key).encrypt(canonical_json(secret_part).encode("utf-8"))
    return {
        "kdf": "argon2id13",
        "opslimit": KDF_OPSLIMIT,
        "memlimit": KDF_MEMLIMIT,
        "salt": salt.hex(),
        "box": base64.b64encode(bytes(box)).decode("ascii"),
    }


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


def read_pack(
    data: bytes, trusted_signer: bytes | None = None, passphrase: str | None = None
) -> EventPack:
    """Verify, open and parse a pack; ``trusted_signer`` pins the organiser key."""
    try:
        envelope = read_envelope(data, FORMAT, VERSION, MAX_PACK_BYTES)
    except EnvelopeError as exc:
        raise _bad(str(exc)) from exc
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
    return _document(doc, signer, passphrase)


def _open_sealed(sealed: Any, passphrase: str | None) -> dict[str, Any]:
    if not isinstance(sealed, dict):
        raise _bad("missing sections")
    if not passphrase:
        raise PackError(
            N_(
                "This event pack is sealed: type the pack passphrase that the organiser "
                "gave apart from the stick."
            ),
            code="passphrase_required",
        )
    opslimit, memlimit = sealed.get("opslimit"), sealed.get("memlimit")
    if (
        sealed.get("kdf") != "argon2id13"
        or type(opslimit) is not int
        or type(memlimit) is not int
        or not argon2id.OPSLIMIT_MIN <= opslimit <= MAX_OPSLIMIT
        or not argon2id.MEMLIMIT_MIN <= memlimit <= MAX_MEMLIMIT
    ):
        raise _bad("unsupported sealing")
    salt = _hex(sealed, "salt", argon2id.SALTBYTES)
    try:
        box = base64.b64decode(_text(sealed, "box", MAX_PACK_BYTES), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _bad("sealed part is not base64") from exc
    try:
        plain = SecretBox(_derive(passphrase, salt, opslimit, memlimit)).decrypt(box)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise PackError(
            N_("The pack passphrase is wrong: check it with the organiser and type it again."),
            code="wrong_passphrase",
        ) from exc
    try:
        inner = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _bad("sealed part is not JSON") from exc
    if not isinstance(inner, dict):
        raise _bad("sealed part is not an object")
    return inner


def _document(doc: Any, signer: bytes, passphrase: str | None) -> EventPack:
    if not isinstance(doc, dict):
        raise _bad("payload is not an object")
    event = doc.get("event")
    themes = doc.get("themes")
    keys = doc.get("keys")
    if not (isinstance(event, dict) and isinstance(themes, list) and isinstance(keys, dict)):
        raise _bad("missing sections")
    inner = _open_sealed(doc.get("sealed"), passphrase)
    attendees = inner.get("attendees")
    revoked = inner.get("revoked_attendees")
    if not (isinstance(attendees, list) and isinstance(revoked, list)):
        raise _bad("missing sections")
    _uuid(event.get("id"), "event.id")
    for key in ("code", "name"):
        _text(event, key)
    # Both optional: a pack written before them has one name for every language and
    # no follow-up page.
    try:
        event["names"] = clean_event_names(event.get("names", {}))
    except ValidationError as exc:
        raise _bad("invalid event names") from exc
    try:
        event["followup_url"] = clean_followup_url(event.get("followup_url", ""))
    except ValidationError as exc:
        raise _bad("invalid follow-up address") from exc
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
        external = item.get("external_id")
        if external is not None and not isinstance(external, str):
            raise _bad("invalid external_id")
        people.append(
            PackAttendee(
                id=_uuid(item.get("id"), "attendee.id"),
                external_id=external,
                name=_text(item, "name", ATTENDEE_LIMITS["name"]),
                name_latin=_text(item, "name_latin", ATTENDEE_LIMITS["name_latin"], False),
                organisation=_text(item, "organisation", ATTENDEE_LIMITS["organisation"], False),
                category=_text(item, "category", ATTENDEE_LIMITS["category"]),
                province=_text(item, "province", ATTENDEE_LIMITS["province"], False),
                preferred_language=_text(
                    item, "preferred_language", ATTENDEE_LIMITS["preferred_language"], False
                ),
            )
        )
    return EventPack(
        pack_id=_uuid(doc.get("pack_id"), "pack_id"),
        issued_at=_text(doc, "issued_at", 40),
        event=event,
        themes=themes,
        attendees=people,
        revoked_attendees=[_uuid(a, "revoked_attendees") for a in revoked],
        organiser_sign_pk=signer,
        organiser_seal_pk=_hex(keys, "organiser_seal_pk", 32),
        walkin_signing_key=_hex(inner, "walkin_signing_key", 32),
    )
