"""Files written whole or not at all: temporary file, fsync, rename, fsync the folder.

The one atomic-write helper of the programs (bundles, packs, certificates, PDFs,
backups' marks): a power cut or a full disk leaves either no file under the final
name or the whole file, and never a temporary file behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.domain.errors import KioskError
from kiosk.i18n import N_


def temporary_name(path: Path) -> Path:
    """Where a file is written before it takes its name (same folder, hidden)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_atomically(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename, fsync the folder: a power cut
    leaves either no file under the final name or the whole file. On any error (a full
    disk, a read-only stick) the temporary file is removed and the error raised."""
    tmp = temporary_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    commit_file(tmp, path)


def commit_file(tmp: Path, path: Path) -> None:
    """Give a fully written temporary file its final name, durably; an empty or missing
    file (a writer that failed silently, a full disk) is an error, never "written"."""
    try:
        if not tmp.is_file() or tmp.stat().st_size == 0:
            raise KioskError(
                N_("The file {path} could not be written (is the disk full?)."),
                code="not_written",
                path=str(path),
            )
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return  # folders cannot be opened on some systems (Windows)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def output_folder(path: Path) -> Path:
    """The folder a file is to be written in: it must exist (a typo is not created)."""
    if not path.parent.is_dir():
        raise KioskError(
            N_("The folder {path} does not exist."), code="no_folder", path=str(path.parent)
        )
    return path.parent
