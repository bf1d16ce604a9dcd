"""Start-up shared by the command line, the kiosk screen and the self-test.

One place decides how a process of this kiosk begins: read the settings, set up
the log file, check the database file (missing or damaged is said, never papered
over) and open the store. ``kiosk.cli``, ``kiosk.app`` and ``kiosk.selftest`` all
call :func:`open_store`; none of them imports another for it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from kiosk.config import Settings, load_settings, setup_logging

if TYPE_CHECKING:
    from kiosk.storage import Store


def open_store(
    data_dir: str | os.PathLike[str] | None, migrate: bool = True
) -> tuple[Settings, Store]:
    """Settings, logging, the database guard, then the store (migrated to head).

    The storage layer is imported here, not at the top: the attendee screen paints
    its welcome screen before SQLAlchemy is loaded (see ``kiosk.app``).
    """
    from kiosk.storage import Store
    from kiosk.storage.health import guard_database, marker_path

    settings = load_settings(data_dir)
    setup_logging(settings)
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
