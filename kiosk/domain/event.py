"""What the screens know of the event: its name and themes in every language, and
where a receipt's follow-up page is (Qt- and storage-free)."""

from __future__ import annotations

import functools
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.domain.errors import ValidationError
from kiosk.domain.text import checked_field
from kiosk.i18n import LANGUAGES, N_

EVENT_NAME_MAX = 300
FOLLOWUP_URL_MAX = 200
BAD_FOLLOWUP_URL = N_(
    "The follow-up address must be a web address such as "
    "https://consultation.example.org (no query, no password)."
)


def name_in(names: Mapping[str, str], fallback: str, lang: str) -> str:
    """An event's name in ``lang``; its one name where the organiser gave none in
    that language (an event made, or a pack written, before names per language)."""
    return names.get(lang) or fallback


def clean_event_names(names: Any) -> dict[str, str]:
    """An event's names as the organiser (or a pack) gives them, checked: a mapping of
    the four languages to NFC text of at most 300 characters with no control
    character; blank ones left out."""
    if not isinstance(names, Mapping) or not all(
        lang in LANGUAGES and isinstance(value, str) for lang, value in names.items()
    ):
        raise ValidationError(N_("The event's names are not valid."), code="bad_event_names")
    clean = {
        lang: checked_field(unicodedata.normalize("NFC", value.strip()), "name", EVENT_NAME_MAX)
        for lang, value in names.items()
    }
    return {lang: text for lang, text in clean.items() if text}


def clean_followup_url(value: Any) -> str:
    """The public follow-up page's base address, checked: "" (none), or an http(s)
    address of printable ASCII with a host and no user, password, query or fragment
    (so a receipt's QR code says nothing but where the page is and the code)."""
    if not isinstance(value, str):
        raise ValidationError(BAD_FOLLOWUP_URL, code="bad_followup_url")
    text = value.strip()
    if not text:
        return ""
    bad = (
        len(text) > FOLLOWUP_URL_MAX
        or not text.isascii()
        or any(not c.isprintable() or c.isspace() for c in text)
    )
    if not bad:
        try:
            parts = urllib.parse.urlsplit(text)
            _port = parts.port  # raises on a port that is not a number
        except ValueError:
            bad = True
        else:
            bad = (
                parts.scheme not in ("https", "http")
                or not parts.hostname
                or parts.username is not None
                or parts.password is not None
                or bool(parts.query or parts.fragment)
                or "?" in text
                or "#" in text
            )
    if bad:
        raise ValidationError(BAD_FOLLOWUP_URL, code="bad_followup_url")
    return text.rstrip("/")


def followup_link(base_url: str, receipt_code: str) -> str:
    """What the receipt's QR code holds: the event's public follow-up page for this
    receipt (``<base>/r/<code>``) when the organiser set one, else the bare code."""
    if not base_url:
        return receipt_code
    return f"{base_url.rstrip('/')}/r/{receipt_code}"


@dataclass(frozen=True)
class ThemeInfo:
    code: str
    icon: str
    names: dict[str, str]
    descriptions: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.code

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("en") or ""


@dataclass(frozen=True)
class EventInfo:
    id: str
    code: str
    name: str
    region: str
    venue: str
    languages: tuple[str, ...]
    themes: tuple[ThemeInfo, ...]
    # The name in each language the organiser gave; ``name`` when one is missing.
    names: dict[str, str] = field(default_factory=dict)
    followup_url: str = ""  # the public follow-up page's base address, or ""

    def name_in(self, lang: str) -> str:
        return name_in(self.names, self.name, lang)

    @functools.cached_property  # asked on every submit; the info itself never changes
    def theme_codes(self) -> frozenset[str]:
        return frozenset(theme.code for theme in self.themes)
