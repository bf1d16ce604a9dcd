"""Map database failures to errors a person can act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError

from kiosk.domain.errors import StorageError, StorageFull
from kiosk.i18n import N_

_FULL_MARKERS = ("database or disk is full", "disk i/o error", "no space left")


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn a full disk into :class:`StorageFull` and other DB failures into
    :class:`StorageError`; the transaction has been rolled back by then."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
        if any(marker in text for marker in _FULL_MARKERS):
            raise StorageFull(
                N_("The kiosk's storage is full: nothing was saved. Please call a staff member.")
            ) from exc
        raise StorageError(N_("The kiosk could not save: {detail}"), detail=text) from exc
    except DBAPIError as exc:
        raise StorageError(N_("The kiosk could not save: {detail}"), detail=str(exc.orig)) from exc
