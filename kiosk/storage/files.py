"""Files written whole or not at all: temporary file, fsync, rename, fsync the folder.

The atomic-write helper of the programs (bundles, packs, certificates, PDFs,
backups' marks), over :mod:`kiosk.atomic`: a power cut or a full disk leaves either
no file under the final name or the whole file, and never a temporary file behind.
"""

from __future__ import annotations

from pathlib import Path

from kiosk import atomic
from kiosk.atomic import temporary_name
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_

__all__ = ["commit_file", "output_folder", "temporary_name", "write_atomically"]


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Temporary file in the same folder, fsync, rename, fsync the folder: a power cut
    leaves either no file under the final name or the whole file. On any error (a full
    disk, a read-only stick) the temporary file is removed and the error raised."""
    atomic.write_file(path, data, mode)


def commit_file(tmp: Path, path: Path) -> None:
    """Give a fully written temporary file its final name, durably; an empty or missing
    file (a writer that failed silently, a full disk) is an error, never "written"."""
    if not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise KioskError(
            N_("The file {path} could not be written (is the disk full?)."),
            code="not_written",
            path=str(path),
        )
    atomic.replace_durably(tmp, path)


def output_folder(path: Path) -> Path:
    """The folder a file is to be written in: it must exist (a typo is not created)."""
    if not path.parent.is_dir():
        raise KioskError(
            N_("The folder {path} does not exist."), code="no_folder", path=str(path.parent)
        )
    return path.parent
