"""Signing, verification, sealing and key files, with PyNaCl as documented.

No cryptography is written here: Ed25519 signatures (``nacl.signing``) and sealed
boxes to an X25519 key (``nacl.public.SealedBox``). This module only names
things and handles key files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from nacl import exceptions as nacl_exceptions
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from kiosk import atomic

# LocalSetting keys under which a kiosk keeps what its event pack gave it.
DEVICE_KEY_FILE = "device_ed25519.key"


# What PyNaCl raises for keys, signatures or boxes of the wrong size or type.
_BAD_INPUT = (nacl_exceptions.ValueError, nacl_exceptions.TypeError, ValueError, TypeError)


class CryptoError(Exception):
    """A signature, seal or key that does not check out."""


def fingerprint(public_key: bytes) -> str:
    """Short, readable fingerprint of a public key: ``AB12 CD34 EF56 7890``."""
    digest = hashlib.sha256(public_key).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def key_id(public_key: bytes) -> bytes:
    """4-byte key identifier carried in tokens so keys can rotate."""
    return hashlib.sha256(public_key).digest()[:4]


def new_signing_key() -> SigningKey:
    return SigningKey.generate()


def new_sealing_key() -> PrivateKey:
    return PrivateKey.generate()


def sign(key: SigningKey, message: bytes) -> bytes:
    """Detached 64-byte Ed25519 signature."""
    return bytes(key.sign(message).signature)


def verify(public_key: bytes, message: bytes, signature: bytes) -> None:
    """Raise :class:`CryptoError` unless ``signature`` is ``public_key``'s over ``message``."""
    try:
        VerifyKey(public_key).verify(message, signature)
    except (nacl_exceptions.BadSignatureError, *_BAD_INPUT) as exc:
        raise CryptoError("bad signature") from exc


def seal(recipient_public_key: bytes, plaintext: bytes) -> bytes:
    """Anonymous sealed box: only the holder of the X25519 private key can open it."""
    return bytes(SealedBox(PublicKey(recipient_public_key)).encrypt(plaintext))


def unseal(private_key: PrivateKey, ciphertext: bytes) -> bytes:
    try:
        return bytes(SealedBox(private_key).decrypt(ciphertext))
    except (nacl_exceptions.CryptoError, *_BAD_INPUT) as exc:
        raise CryptoError("cannot unseal") from exc


def write_private_key(path: Path, raw: bytes) -> None:
    """Write a private key readable only by its owner (created 0600, never widened)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_file(path, raw.hex().encode("ascii") + b"\n", mode=0o600)


def read_private_key(path: Path) -> bytes:
    try:
        raw = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        raise CryptoError(f"cannot read key {path.name}") from exc
    if len(raw) != 32:
        raise CryptoError(f"key {path.name} has the wrong length")
    return raw


def load_or_create_signing_key(path: Path) -> SigningKey:
    if path.exists():
        return SigningKey(read_private_key(path))
    key = new_signing_key()
    write_private_key(path, bytes(key))
    return key
