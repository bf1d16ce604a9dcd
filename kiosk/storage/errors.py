"""Map database failures to errors a person can act on."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

from kiosk.domain.errors import KioskError, StorageError, StorageFull
from kiosk.i18n import N_

_FULL_MARKERS = ("database or disk is full", "disk i/o error", "no space left")


def translated(exc: BaseException) -> KioskError | None:
    """A database failure as an error a person can act on (None: not a database failure).

    A full disk is :class:`StorageFull`, any other driver error :class:`StorageError`.
    The unit of work raises these itself when its block fails (the transaction is rolled
    back by then), so no caller handles SQLAlchemy's errors."""
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
        if any(marker in text for marker in _FULL_MARKERS):
            return StorageFull(
                N_("The kiosk's storage is full: nothing was saved. Please call a staff member.")
            )
        return StorageError(N_("The kiosk could not save: {detail}"), detail=text)
    if isinstance(exc, DBAPIError):
        return StorageError(N_("The kiosk could not save: {detail}"), detail=str(exc.orig))
    return None
