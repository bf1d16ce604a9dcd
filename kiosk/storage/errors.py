"""Map database failures to errors a person can act on."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from kiosk.domain.errors import KioskError, StorageBusy, StorageError, StorageFull
from kiosk.i18n import N_

_FULL_MARKERS = ("database or disk is full", "disk i/o error", "no space left")
_BUSY_MARKERS = ("database is locked", "database table is locked", "database is busy")
# PostgreSQL: lock_not_available, serialization_failure, deadlock_detected.
_BUSY_STATES = ("55P03", "40001", "40P01")
_SAVE = N_("The kiosk could not save: {detail}")


def translated(exc: BaseException) -> KioskError | None:
    """A database failure as an error a person can act on (None: not a database failure).

    A full disk is :class:`StorageFull`, any other driver error :class:`StorageError`.
    The unit of work raises these itself when its block fails (the transaction is rolled
    back by then), so no caller handles SQLAlchemy's errors."""
    if isinstance(exc, PoolTimeout):  # every pooled connection busy past the pool's timeout
        return StorageBusy(_SAVE, detail="no free database connection")
    if isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in _BUSY_STATES:
        return StorageBusy(_SAVE, detail=str(exc.orig))
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
        if any(marker in text for marker in _FULL_MARKERS):
            return StorageFull(
                N_("The kiosk's storage is full: nothing was saved. Please call a staff member.")
            )
        if any(marker in text for marker in _BUSY_MARKERS):
            return StorageBusy(_SAVE, detail=text)
        return StorageError(_SAVE, detail=text)
    if isinstance(exc, DBAPIError):
        return StorageError(_SAVE, detail=str(exc.orig))
    return None
