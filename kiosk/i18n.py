"""Translations and locale formatting.

``_``, ``ngettext``, ``pgettext`` and ``N_`` are imported explicitly from here,
never installed as builtins. Catalogs are Babel-managed gettext catalogs in
``translations/<lang>/LC_MESSAGES/kiosk.po``; the compiled ``.mo`` is used when
present and up to date, otherwise the ``.po`` is compiled in memory.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import translations_dir

if TYPE_CHECKING:
    from babel import Locale

# Babel is imported where it is used: the first screen needs gettext only, and
# importing Babel costs tens of milliseconds of start-up.

log = logging.getLogger(__name__)

DOMAIN = "kiosk"
LANGUAGES: tuple[str, ...] = ("ar", "fr", "zgh", "en")
SOURCE_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar"})
# Locale used for CLDR formatting: Moroccan Arabic and French use Latin digits.
FORMAT_LOCALES = {"ar": "ar_MA", "fr": "fr_MA", "zgh": "zgh", "en": "en"}
# Each language's name in its own script (shown on the welcome screen).
NATIVE_NAMES = {
    "ar": "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "fr": "Fran\u00e7ais",
    "zgh": "\u2d5c\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56\u2d5c",
    "en": "English",
}

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

_lock = threading.Lock()
_catalogs: dict[str, gettext.NullTranslations] = {}
_current = SOURCE_LANGUAGE


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with ``_``."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a count's two forms for extraction; translate them later with ``ngettext``."""
    return singular, plural


class Msg(str):
    """A message id used as a parameter of another message: translated with it."""


def placeholders(text: str) -> list[str]:
    """The ``{name}`` placeholders of a message, sorted."""
    return sorted(_PLACEHOLDER.findall(text))


def _load_catalog(lang: str, directory: Path | None = None) -> gettext.NullTranslations:
    base = (directory or translations_dir()) / lang / "LC_MESSAGES"
    mo = base / f"{DOMAIN}.mo"
    po = base / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.exists():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        return gettext.GNUTranslations(buf)
    if lang != SOURCE_LANGUAGE:
        log.warning("no catalog for %s in %s", lang, base)
    return gettext.NullTranslations()


def catalog(lang: str) -> gettext.NullTranslations:
    with _lock:
        if lang not in _catalogs:
            _catalogs[lang] = _load_catalog(lang)
        return _catalogs[lang]


def reload_catalogs() -> None:
    with _lock:
        _catalogs.clear()


def normalize_language(lang: str | None) -> str:
    if not lang:
        return SOURCE_LANGUAGE
    code = lang.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else SOURCE_LANGUAGE


def set_language(lang: str) -> str:
    """Switch the current language; returns the code actually used."""
    global _current
    _current = normalize_language(lang)
    catalog(_current)
    return _current


def current_language() -> str:
    return _current


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Temporarily switch language (for reports and tests)."""
    previous = _current
    try:
        yield set_language(lang)
    finally:
        set_language(previous)


def _checked(source: str, translated: str) -> str:
    # A translation whose placeholders differ from the source would raise in
    # .format() or show wrong data: fall back to the source (as Electrum does).
    if translated is not source and placeholders(translated) != placeholders(source):
        log.warning("placeholder mismatch in translation of %r", source)
        return source
    return translated


def gettext_for(lang: str, message: str) -> str:
    if not message:  # gettext("") is the catalog's header, never a label's text
        return message
    return _checked(message, catalog(normalize_language(lang)).gettext(message))


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return gettext_for(_current, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    translated = catalog(_current).ngettext(singular, plural, n)
    return _checked(singular if n == 1 else plural, translated)


def ngettext_for(lang: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` in ``lang`` (web pages: one language per request, not global)."""
    translated = catalog(normalize_language(lang)).ngettext(singular, plural, n)
    return _checked(singular if n == 1 else plural, translated)


def pgettext(context: str, message: str) -> str:
    return _checked(message, catalog(_current).pgettext(context, message))


def direction(lang: str | None = None) -> str:
    """``"rtl"`` or ``"ltr"`` for a language (default: the current one)."""
    return "rtl" if normalize_language(lang or _current) in RTL_LANGUAGES else "ltr"


def is_rtl(lang: str | None = None) -> bool:
    return direction(lang) == "rtl"


def babel_locale(lang: str | None = None) -> Locale:
    from babel import Locale

    return Locale.parse(FORMAT_LOCALES[normalize_language(lang or _current)])


def format_datetime(value: dt.datetime, lang: str | None = None, fmt: str = "medium") -> str:
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, format=fmt, locale=babel_locale(lang))


def format_time(value: dt.datetime | dt.time, lang: str | None = None, fmt: str = "short") -> str:
    from babel.dates import format_time as babel_format_time

    return babel_format_time(value, format=fmt, locale=babel_locale(lang))


def format_number(value: int | float, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(lang))
