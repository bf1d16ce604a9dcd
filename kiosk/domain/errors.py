"""Errors that reach a person: a stable code plus a translatable message."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import Msg, current_language, gettext_for, is_rtl

FSI, PDI = "\u2068", "\u2069"  # Unicode bidi: first-strong isolate, pop isolate


class KioskError(Exception):
    """An error with a message id (English source) and its ``{placeholders}``.

    ``code`` is stable for programs (``--json`` output, tests); ``message()``
    renders the text in a language at display time.
    """

    code = "error"

    def __init__(self, msgid: str, code: str | None = None, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        if code:
            self.code = code
        self.params = params

    def message(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        params = {
            key: gettext_for(lang, value) if isinstance(value, Msg) else value
            for key, value in self.params.items()
        }
        if is_rtl(lang):
            # A path or a name inside Arabic text keeps its own direction (Unicode
            # first-strong isolate), so "/tmp/x.db" never reads "x.db/tmp/".
            params = {
                k: FSI + v + PDI if isinstance(v, str) and v else v for k, v in params.items()
            }
        return gettext_for(lang, self.msgid).format(**params)

    def __str__(self) -> str:
        return self.message()


class ValidationError(KioskError):
    code = "invalid"


class NotSetUp(KioskError):
    code = "not_set_up"


class StorageFull(KioskError):
    code = "storage_full"


class StorageError(KioskError):
    code = "storage_error"
