"""Paths and settings.

Data always goes to the data folder (platformdirs, ``--data-dir`` or
``KIOSK_DATA_DIR``); read-only resources (catalogs, fonts, layouts) come from
the install folder, which is ``sys._MEIPASS`` when frozen by PyInstaller.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import APP_AUTHOR, APP_NAME

ENV_DATA_DIR = "KIOSK_DATA_DIR"
DB_FILENAME = "kiosk.db"
LOG_FILENAME = "kiosk.log"


def resource_root() -> Path:
    """Folder holding ``assets/`` and ``translations/`` (frozen or not)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def assets_dir() -> Path:
    return resource_root() / "assets"


def translations_dir() -> Path:
    return resource_root() / "translations"


def default_data_dir() -> Path:
    import platformdirs  # only when no folder is given

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins over ``KIOSK_DATA_DIR``, which wins over platformdirs."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


@dataclass(frozen=True)
class Limits:
    """Validation limits for what attendees type."""

    title_max: int = 120
    body_max: int = 5000
    name_max: int = 200


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    limits: Limits = field(default_factory=Limits)
    busy_timeout_ms: int = 5000
    idle_timeout_s: int = 90
    idle_countdown_s: int = 15
    receipt_timeout_s: int = 20

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def damaged_dir(self) -> Path:
        return self.data_dir / "damaged"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "logs" / LOG_FILENAME


def load_settings(data_dir: str | os.PathLike[str] | None = None) -> Settings:
    path = resolve_data_dir(data_dir)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    make_private(path)
    return Settings(data_dir=path)


def make_private(folder: Path) -> None:
    """The data folder is its owner's alone: 0700 for folders, 0600 for files (POSIX).

    Files the programs create from then on get the same through their umask
    (:func:`private_files`); this mends what an older version or a copy left open.
    """
    if os.name != "posix":
        return  # Windows: the user's profile folder is private already
    for path in (folder, *folder.rglob("*")):
        try:
            if path.is_symlink():
                continue
            wanted = 0o700 if path.is_dir() else 0o600
            if path.stat().st_mode & 0o777 != wanted:
                path.chmod(wanted)
        except OSError:
            continue  # a file that vanished meanwhile, or a read-only copy


def private_files() -> None:
    """New files and folders of this process are readable by their owner only."""
    if os.name == "posix":
        os.umask(0o077)


def setup_logging(settings: Settings, level: int = logging.INFO) -> None:
    """Log to a rotating file in the data folder (never to the attendee's screen)."""
    import logging.handlers  # here, not at import: it pulls in sockets and pickle

    settings.log_path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        settings.log_path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._kiosk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
