"""Identifiers and receipt codes."""

from __future__ import annotations

import secrets

import uuid6

# Crockford base32 without I, L, O, U: unambiguous when read aloud or retyped.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    """A time-ordered UUIDv7 as text."""
    return str(uuid6.uuid7())


def new_receipt_code(length: int = 8) -> str:
    """A short random receipt code shown to the attendee, e.g. ``K7M4-QPX2``."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(length))
    half = length // 2
    return f"{raw[:half]}-{raw[half:]}"
