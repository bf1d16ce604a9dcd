"""Cleaning of text typed or imported by people (proposals, names)."""

from __future__ import annotations

import functools
import re
import unicodedata

ALLOWED_CONTROLS = frozenset("\n\t")
# Unicode general category Cc is exactly these 65 code points (C0, DEL, C1); the
# set is closed by the Unicode stability policy.
_CONTROL_RANGES = ((0x00, 0x1F), (0x7F, 0x9F))


def normalize_text(value: str) -> str:
    """NFC, Windows line endings to ``\\n``, surrounding white space trimmed."""
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()


@functools.lru_cache(maxsize=8)
def _controls_pattern(allowed: frozenset[str]) -> re.Pattern[str]:
    codes = [c for lo, hi in _CONTROL_RANGES for c in range(lo, hi + 1) if chr(c) not in allowed]
    if not codes:
        return re.compile("(?!)")  # matches nothing
    return re.compile("[" + "".join(f"\\x{c:02x}" for c in codes) + "]")


def find_control_character(value: str, allowed: frozenset[str] = ALLOWED_CONTROLS) -> str | None:
    """The first control character (Unicode Cc) not in ``allowed``, if any.

    One regular-expression scan instead of a category look-up per character:
    this runs on every proposal and name typed at the kiosk."""
    found = _controls_pattern(frozenset(allowed)).search(value)
    return found.group() if found else None


def describe_char(char: str) -> str:
    return f"U+{ord(char):04X}"


def checked_field(text: str, field: str, limit: int, allowed: frozenset[str] = frozenset()) -> str:
    """``text`` itself when it holds no control character (but ``allowed``) and at most
    ``limit`` characters; else a translated :class:`ValidationError` naming ``field``."""
    from kiosk.domain.errors import ValidationError
    from kiosk.i18n import N_

    bad = find_control_character(text, allowed=allowed)
    if bad is not None:
        raise ValidationError(
            N_("The {field} contains a control character ({char})."),
            code="control_character",
            field=field,
            char=describe_char(bad),
        )
    if len(text) > limit:
        raise ValidationError(
            N_("The {field} is longer than {limit} characters."),
            code="too_long",
            field=field,
            limit=limit,
        )
    return text
