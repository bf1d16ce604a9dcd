"""Writing a file whole or not at all: temporary file, fsync, rename, fsync the folder.

The one implementation, below every layer (keys are written with it too);
:mod:`kiosk.storage.files` adds what a person is told when it fails.
"""

from __future__ import annotations

import os
from pathlib import Path


def temporary_name(path: Path) -> Path:
    """Where a file is written before it takes its name (same folder, hidden)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_file(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to a temporary file created with ``mode``, fsync it, then give it
    its name durably. On any error the temporary file is removed and the error raised;
    the file under ``path`` is then the old one, or none."""
    tmp = temporary_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
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
    replace_durably(tmp, path)


def replace_durably(tmp: Path, path: Path) -> None:
    """fsync ``tmp``, rename it to ``path``, fsync the folder (a power cut keeps either
    the old file or the whole new one). ``tmp`` is removed if this fails."""
    try:
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
