"""Errors that reach a person: a stable code plus a translatable message."""

from __future__ import annotations

import errno
from typing import Any

from kiosk.i18n import N_, Msg, current_language, gettext_for, is_rtl

FSI, PDI = "\u2068", "\u2069"  # Unicode bidi: first-strong isolate, pop isolate


class KioskError(Exception):
    """An error with a message id (English source) and its ``{placeholders}``.

    ``code`` is stable for programs (``--json`` output, tests); ``message()``
    renders the text in a language at display time.
    """

    code = "error"

    def __init_subclass__(cls, code: str | None = None, **kwargs: Any) -> None:
        """``class StorageFull(KioskError, code="storage_full")``: a kind and its code."""
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

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


class ValidationError(KioskError, code="invalid"): ...


class NotSetUp(KioskError, code="not_set_up"): ...


class StorageFull(KioskError, code="storage_full"): ...


class StorageError(KioskError, code="storage_error"): ...


# What an operating system error means, in words a person can act on (the system's
# own text, strerror, is English whatever the language of the messages).
_OS_REASONS = {
    errno.EROFS: N_("the disk is read-only"),
    errno.ENOSPC: N_("the disk is full"),
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOTDIR: N_("a file is where a folder should be"),
    errno.EISDIR: N_("a folder is where a file should be"),
    errno.EIO: N_("the disk cannot be read or written (input/output error)"),
}


def os_error(exc: OSError) -> KioskError:
    """An operating system error as one translated line naming the file."""
    reason = _OS_REASONS.get(exc.errno or 0)
    return KioskError(
        N_("Cannot read or write {path}: {reason}."),
        code="os_error",
        reason=Msg(reason) if reason else exc.strerror or str(exc),
        path=str(exc.filename or "-"),
    )
