"""Badge tokens: signed, versioned, length-prefixed, and typed right by any scanner.

Binary form (all integers big-endian)::

    version:1 | body_length:1 | body | signature:64
    body = kind:1 | key_id:4 | event_tag:8 | attendee_id:16

``kind`` is 1 for invitees (signed by the organiser, and only by it) and 2 for
walk-ins (signed by the event's walk-in key, sealed in the pack); ``key_id`` names the
signing key so keys can rotate; ``event_tag`` is the first 8 bytes of
SHA-256 of the event id. The signature is Ed25519 (PyNaCl) over
``DOMAIN || version | body_length | body``.

Text form: the 95 bytes as one big-endian number written in exactly
``TOKEN_DIGITS`` decimal digits. Digits are the one alphabet that every
keyboard-wedge scanner types recoverably whatever the kiosk's layout: under
French AZERTY the unshifted digit row gives symbols (``&``, e-acute, ``"``...), under Arabic
layouts Latin or Arabic-Indic digits; :func:`decode_scanned` maps each back. A
QR code of digits uses QR numeric mode, denser still than alphanumeric mode
(digits are a subset of the alphanumeric set): a token fits a version 6 QR code
at error correction M (41 x 41 modules).

Parsing fails closed: anything malformed raises :class:`BadgeError`, the only
exception this module lets out.
"""

from __future__ import annotations

import hashlib
import sys
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_

VERSION = 1
KIND_INVITEE = 1
KIND_WALK_IN = 2
DOMAIN = b"listening-kiosk/badge\x00"
BODY_LENGTH = 1 + 4 + 8 + 16
TOKEN_BYTES = 2 + BODY_LENGTH + 64
TOKEN_DIGITS = len(str(256**TOKEN_BYTES - 1))  # 229
DIGITS = "0123456789"

# What a scanner sending the unshifted digit keys produces under each layout.
LAYOUT_DIGITS: dict[str, str] = {
    "us": "0123456789",
    "fr_azerty": "\u00e0&\u00e9\"'(-\u00e8_\u00e7",  # 0 1 2 ... 9
    "be_azerty": "\u00e0&\u00e9\"'(\u00a7\u00e8!\u00e7",
    "ar_101": "0123456789",  # Windows Arabic (101): Latin digits
    "ar_xkb": "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669",
    "fa_digits": "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9",
}
_TYPED_TO_DIGIT: dict[str, str] = {}
for _layout in LAYOUT_DIGITS.values():
    for _digit, _typed in zip(DIGITS, _layout, strict=True):
        _TYPED_TO_DIGIT[_typed] = _digit

# Native scan codes of the digit row, 1..9 then 0: PC set 1 (Windows) and
# evdev + 8 (X11/Wayland keycodes), as Qt's QKeyEvent.nativeScanCode() reports.
_SCAN_CODES = {
    "win32": {0x02 + i: DIGITS[(i + 1) % 10] for i in range(10)},
    "linux": {10 + i: DIGITS[(i + 1) % 10] for i in range(10)},
}


class BadgeError(KioskError):
    """A badge that is not a well-formed, correctly signed token."""

    code = "malformed"


@dataclass(frozen=True)
class Badge:
    kind: int
    key_id: bytes
    event_tag: bytes
    attendee_id: str
    signed: bytes
    signature: bytes

    @property
    def is_walk_in(self) -> bool:
        return self.kind == KIND_WALK_IN


def event_tag(event_id: str) -> bytes:
    return hashlib.sha256(event_id.encode("ascii")).digest()[:8]


def make_token(key: SigningKey, kind: int, event_id: str, attendee_id: str) -> str:
    """Sign a badge token for ``attendee_id`` of ``event_id``."""
    if kind not in (KIND_INVITEE, KIND_WALK_IN):
        raise ValueError("unknown badge kind")
    body = (
        bytes([kind])
        + crypto.key_id(bytes(key.verify_key))
        + event_tag(event_id)
        + uuid.UUID(attendee_id).bytes
    )
    signed = bytes([VERSION, len(body)]) + body
    raw = signed + crypto.sign(key, DOMAIN + signed)
    return str(int.from_bytes(raw, "big")).zfill(TOKEN_DIGITS)


def _malformed(reason: str) -> BadgeError:
    return BadgeError(
        N_("This is not a badge of this system ({reason})."), code="malformed", reason=reason
    )


def parse_token(token: str) -> Badge:
    """Parse (not verify) a token; raises :class:`BadgeError` ``malformed``."""
    if (
        not isinstance(token, str)
        or len(token) != TOKEN_DIGITS
        or not token.isascii()
        or not token.isdigit()
    ):
        raise _malformed("wrong length or characters")
    number = int(token)
    if number >= 256**TOKEN_BYTES:
        raise _malformed("out of range")
    raw = number.to_bytes(TOKEN_BYTES, "big")
    if raw[0] != VERSION:
        raise _malformed(f"unknown version {raw[0]}")
    if raw[1] != BODY_LENGTH:
        raise _malformed("wrong body length")
    body = raw[2 : 2 + BODY_LENGTH]
    kind = body[0]
    if kind not in (KIND_INVITEE, KIND_WALK_IN):
        raise _malformed(f"unknown kind {kind}")
    return Badge(
        kind=kind,
        key_id=body[1:5],
        event_tag=body[5:13],
        attendee_id=str(uuid.UUID(bytes=body[13:29])),
        signed=raw[: 2 + BODY_LENGTH],
        signature=raw[2 + BODY_LENGTH :],
    )


def verify_badge(badge: Badge, keys: Mapping[int, Mapping[bytes, bytes]]) -> None:
    """Check the signature with the key named by the badge, among the keys that may
    sign badges of its kind (``kind -> key_id -> public key``): an invitee's badge
    signed with the walk-in key is refused."""
    public_key = keys.get(badge.kind, {}).get(badge.key_id)
    if public_key is None:
        raise BadgeError(N_("This badge was signed with an unknown key."), code="invalid_signature")
    try:
        crypto.verify(public_key, DOMAIN + badge.signed, badge.signature)
    except crypto.CryptoError as exc:
        raise BadgeError(
            N_("This badge's signature is not valid."), code="invalid_signature"
        ) from exc


def decode_scanned(text: str) -> str:
    """Recover the token from what a keyboard-wedge scanner typed, whatever the layout.

    Accepts the digits themselves, AZERTY's unshifted digit-row symbols, and
    Arabic-Indic digits; surrounding white space and a final Enter are ignored.
    """
    if not isinstance(text, str):
        raise _malformed("not text")
    cleaned = text.strip()
    if len(cleaned) > 4 * TOKEN_DIGITS:
        raise _malformed("too long")
    digits = []
    for char in cleaned:
        digit = _TYPED_TO_DIGIT.get(char)
        if digit is None:
            raise _malformed(f"unexpected character U+{ord(char):04X}")
        digits.append(digit)
    token = "".join(digits)
    parse_token(token)
    return token


def decode_key_events(events: Iterable[tuple[int, str]], platform: str = sys.platform) -> str:
    """Recover the token from key events ``(native_scan_code, text)`` of a scan.

    Uses each key's text when the layout table knows it, else its scan code on
    the digit row (so even an unknown layout decodes); Enter/Return excluded.
    """
    scan_map = _SCAN_CODES["win32" if platform.startswith("win") else "linux"]
    digits = []
    for scan_code, text in events:
        if text in ("\r", "\n"):
            continue
        digit = _TYPED_TO_DIGIT.get(text) if text else None
        if digit is None:
            digit = scan_map.get(scan_code)
        if digit is None:
            raise _malformed("a key outside the digit row")
        digits.append(digit)
    token = "".join(digits)
    parse_token(token)
    return token
