"""Cleaning of text typed or imported by people (proposals, names)."""

from __future__ import annotations

import unicodedata

ALLOWED_CONTROLS = frozenset("\n\t")


def normalize_text(value: str) -> str:
    """NFC, Windows line endings to ``\\n``, surrounding white space trimmed."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()


def find_control_character(value: str, allowed: frozenset[str] = ALLOWED_CONTROLS) -> str | None:
    """The first control character (Unicode Cc) not in ``allowed``, if any."""
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            return char
    return None


def describe_char(char: str) -> str:
    return f"U+{ord(char):04X}"
