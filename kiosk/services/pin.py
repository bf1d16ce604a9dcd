"""The staff PIN: its rules and its slow, memory-hard hash."""

from __future__ import annotations

import hashlib
import hmac

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id

from kiosk.domain.errors import ValidationError
from kiosk.i18n import N_

# Argon2id (libsodium, through PyNaCl) for the staff PIN, with the cost chosen by
# bench/bench_pin.py: 0.2-0.4 s and 128 MiB per check on one core of the 2026-12-01
# test machine. A copied kiosk disk then costs about 1.4 days of two cores to try
# every 6-digit PIN, where scrypt at N=2^14 gave a 4-digit PIN away in four minutes;
# at the kiosk itself the lock-out stops guessing after five wrong PINs.
PIN_OPSLIMIT = 3


PIN_MEMLIMIT = 128 * 1024 * 1024


PIN_LENGTHS = (6, 12)


def validate_pin(pin: str) -> str:
    """A staff PIN is 6 to 12 digits: what the on-screen pad can type, long enough that
    a copied disk does not give it away in minutes."""
    low, high = PIN_LENGTHS
    if not (isinstance(pin, str) and pin.isascii() and pin.isdigit() and low <= len(pin) <= high):
        raise ValidationError(
            N_("The staff PIN must be {low} to {high} digits."), code="bad_pin", low=low, high=high
        )
    return pin


def hash_pin(pin: str) -> str:
    """A slow, memory-hard, salted hash of the staff PIN (Argon2id, encoded string)."""
    return argon2id.str(pin.encode("utf-8"), opslimit=PIN_OPSLIMIT, memlimit=PIN_MEMLIMIT).decode(
        "ascii"
    )


def pin_matches(stored: str, pin: str) -> bool:
    if stored.startswith("$argon2id$"):
        try:
            return bool(argon2id.verify(stored.encode("ascii"), pin.encode("utf-8")))
        except (nacl.exceptions.InvalidkeyError, nacl.exceptions.CryptoError, ValueError):
            return False
    # Hashes of kiosks set up by earlier versions (scrypt) are still read.
    try:
        scheme, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(pin.encode("utf-8"), salt=bytes.fromhex(salt), n=2**14, r=8, p=1)
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)
