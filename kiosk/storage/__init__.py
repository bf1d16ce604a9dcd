"""Local storage: engine, models, unit of work, journal, migrations."""

from kiosk.storage.store import Store, UnitOfWork

__all__ = ["Store", "UnitOfWork"]
