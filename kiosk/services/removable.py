"""Where a USB stick is mounted, so "Export to USB" needs no file dialog (Qt-free)."""

from __future__ import annotations

import getpass
import os
import string
import sys
from pathlib import Path

ENV_USB_DIRS = "KIOSK_USB_DIRS"  # extra destinations, os.pathsep-separated (odd setups, tests)


def _linux_mounts() -> list[Path]:
    user = getpass.getuser()
    roots = [Path("/media") / user, Path("/run/media") / user]
    found: list[Path] = []
    for root in roots:
        if root.is_dir():
            found += sorted(p for p in root.iterdir() if p.is_dir() and os.path.ismount(p))
    return found


def _windows_removable() -> list[Path]:  # pragma: no cover - Windows only
    import ctypes

    drive_removable = 2
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    found = []
    for letter in string.ascii_uppercase:
        root = f"{letter}:\\"
        if kernel32.GetDriveTypeW(root) == drive_removable and Path(root).exists():
            found.append(Path(root))
    return found


def removable_folders() -> list[Path]:
    """Mounted removable drives this user can write to, plus ``KIOSK_USB_DIRS``."""
    extra = [Path(p) for p in os.environ.get(ENV_USB_DIRS, "").split(os.pathsep) if p]
    if sys.platform.startswith("win"):
        found = _windows_removable()
    elif sys.platform == "darwin":  # pragma: no cover - macOS only
        volumes = Path("/Volumes")
        found = [p for p in volumes.iterdir() if p.is_dir() and not p.is_symlink()]
    else:
        found = _linux_mounts()
    return [p for p in [*extra, *found] if p.is_dir() and os.access(p, os.W_OK)]
