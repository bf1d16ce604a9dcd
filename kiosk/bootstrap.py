"""Start-up shared by the command line, the kiosk screen and the self-test.

One place decides how a process of this kiosk begins: read the settings, set up
the log file, check the database file (missing or damaged is said, never papered
over) and open the store. ``kiosk.cli``, ``kiosk.app`` and ``kiosk.selftest`` all
call :func:`open_store`; none of them imports another for it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.config import Settings, load_settings, setup_logging
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_

if TYPE_CHECKING:
    from kiosk.storage import Store


PinSource = Callable[[], str]
PinCheck = Callable[[str, str], bool]  # (stored hash, PIN): kiosk.services.pin.pin_matches
ENV_PIN = "KIOSK_PIN"


# The staff PIN for a command that opens encrypted data without asking (scripts).
ENV_PIN = "KIOSK_PIN"


def open_store(
    data_dir: str | os.PathLike[str] | None,
    migrate: bool = True,
    pin: PinSource | None = None,
    new_pin: str | None = None,
    pin_check: PinCheck | None = None,
) -> tuple[Settings, Store]:
    """Settings, logging, the data's key, the database guard, then the store
    (migrated to head). ``pin`` gives the staff PIN when the data is locked under it,
    ``pin_check`` checks it against the hash of a kiosk from before encryption (see
    :func:`unlock_data`).

    The storage layer is imported here, not at the top: the attendee screen paints
    its welcome screen before SQLAlchemy is loaded (see ``kiosk.app``).
    """
    from kiosk.storage import Store
    from kiosk.storage.health import guard_database, marker_path

    settings = load_settings(data_dir)
    setup_logging(settings)
    unlock_data(settings, pin, new_pin, pin_check)
    guard_database(settings.db_path, settings.backups_dir, settings.damaged_dir)
    store = Store(
        settings.db_url,
        backups_dir=settings.backups_dir,
        busy_timeout_ms=settings.busy_timeout_ms,
        migrate=migrate,
    )
    if settings.db_path.exists():  # from now on, a missing file is a loss, not a fresh start
        marker_path(settings.db_path).touch()
    return settings, store


def no_pin() -> str:
    raise KioskError(
        N_(
            "This kiosk's data is encrypted: give the staff PIN with --pin or "
            "$KIOSK_PIN (or type it when asked, on a terminal)."
        ),
        code="locked",
    )


def unlock_data(
    settings: Settings,
    pin: PinSource | None = None,
    new_pin: str | None = None,
    pin_check: PinCheck | None = None,
) -> bytes:
    """The database key of this data folder, unlocked and registered for its files
    (kiosk.storage.atrest).

    A folder with no key yet gets one, wrapped under the demo PIN until the kiosk is
    set up (a demo's data is public; ``kiosk setup`` then rewraps it under the staff
    PIN). A kiosk set up is unlocked with ``new_pin`` (``kiosk setup`` again) or the
    PIN ``pin()`` gives, asked only then."""
    from kiosk.storage import atrest

    path = atrest.key_path(settings.keys_dir)
    kind = atrest.wrapped_by(path)
    unlocked = atrest.key_for(settings.data_dir)
    if kind is not None and unlocked is not None and new_pin is None:
        return unlocked  # unlocked already in this process (the kiosk's PIN screen)
    if kind is None and settings.db_path.exists() and atrest.is_plain(settings.db_path):
        key = _encrypt_plain_kiosk(settings, pin or no_pin, pin_check)
        _finish_encryption(settings, key)
        return key
    if kind is None:
        if settings.db_path.exists():
            raise KioskError(
                N_(
                    "The database {path} has no key file beside it ({key}): restore "
                    "the key file from a copy of this kiosk's data folder."
                ),
                code="key_file_missing",
                path=str(settings.db_path),
                key=str(path),
            )
        key = atrest.new_database_key()
        atrest.write_key_file(path, key, atrest.DEMO_PIN, atrest.WRAPPED_BY_DEMO)
    elif kind == atrest.WRAPPED_BY_DEMO:
        key = atrest.unlock(path, atrest.DEMO_PIN)
    else:
        key = atrest.unlock(path, new_pin or (pin or no_pin)())
    _finish_encryption(settings, key)
    atrest.register(settings.data_dir, key)
    return key


def _finish_encryption(settings: Settings, key: bytes) -> None:
    """Files still in clear (a kiosk from before encryption, or its encryption cut
    short after the key file was written) are encrypted before anything opens them."""
    from kiosk.storage import atrest

    count = atrest.encrypt_folder(settings.db_path, settings.backups_dir, key)
    if count:
        logging.getLogger(__name__).info("encrypted %d database files of this kiosk", count)


def _encrypt_plain_kiosk(settings: Settings, pin: PinSource, pin_check: PinCheck | None) -> bytes:
    """A kiosk from before encryption at rest: its database and backups are encrypted
    now, the key wrapped under its staff PIN (checked against the PIN hash it holds)
    or, for a demo with no PIN, the demo PIN."""
    import sqlite3

    from kiosk.storage import atrest

    try:
        con = sqlite3.connect(f"file:{settings.db_path}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute(
                "SELECT value FROM local_setting WHERE key = 'staff_pin_hash'"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        row = None
    key = atrest.new_database_key()
    path = atrest.key_path(settings.keys_dir)
    # The key file first: a cut-short encryption is finished at the next start.
    if row and row[0]:
        given = pin()
        if pin_check is None or not pin_check(str(row[0]), given):
            raise atrest.WrongPin(N_("Wrong PIN: this kiosk's data stays locked."))
        atrest.write_key_file(path, key, given, atrest.WRAPPED_BY_STAFF)
    else:
        atrest.write_key_file(path, key, atrest.DEMO_PIN, atrest.WRAPPED_BY_DEMO)
    atrest.register(settings.data_dir, key)
    return key
