"""`kiosk run` covers the whole screen on a bare X server (no window manager), as on
a venue's kiosk started straight into X: Xvfb at 1280x800, the real command, the
window's geometry read back from the X server with xwininfo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.conftest import REPO_ROOT, cli_env

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def bare_x() -> Iterator[str]:
    """An Xvfb display at WIDTH x HEIGHT with no window manager; its DISPLAY value.
    Skipped where Xvfb is not installed, except in CI, where that is a failure."""
    missing = [tool for tool in ("Xvfb", "xwininfo") if shutil.which(tool) is None]
    if missing:
        message = f"{' and '.join(missing)} not installed (Debian: xvfb, x11-utils)"
        if os.environ.get("CI"):
            pytest.fail(message + ": scripts/bootstrap.sh installs them")
        pytest.skip(message)
    read, write = os.pipe()
    server = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            f"{WIDTH}x{HEIGHT}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


pytestmark = pytest.mark.slow


def top_level_windows(display: str) -> list[tuple[str, int, int, int, int]]:
    """(name, x, y, width, height) of the root window's children that are mapped."""
    out = subprocess.run(
        ["xwininfo", "-root", "-children", "-display", display],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = []
    for line in out.splitlines():
        match = re.match(r'\s*0x[0-9a-f]+ "(.*)": \(.*\)\s+(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', line)
        if match:
            name, w, h, x, y = match.groups()
            found.append((name, int(x), int(y), int(w), int(h)))
    return found


@pytest.mark.parametrize("role", ["both", "checkin"])
def test_kiosk_run_covers_a_bare_x_screen(bare_x, kiosk_cli, data_dir, role) -> None:
    """The attendee kiosk, and the staff window of a check-in kiosk."""
    assert kiosk_cli("init", "--demo").returncode == 0
    env = {**cli_env(), "DISPLAY": bare_x, "QT_QPA_PLATFORM": "xcb", "KIOSK_PRINT_READY": "1"}
    env.pop("WAYLAND_DISPLAY", None)
    kiosk = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data-dir",
            str(data_dir),
            "run",
            "--demo",
            "--role",
            role,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    try:
        assert kiosk.stdout is not None
        ready = kiosk.stdout.readline()
        assert ready.startswith("READY"), kiosk.stderr.read() if kiosk.stderr else ready
        deadline = time.monotonic() + 20
        kiosk_windows: list[tuple[str, int, int, int, int]] = []
        while time.monotonic() < deadline:
            kiosk_windows = [w for w in top_level_windows(bare_x) if "Listening Kiosk" in w[0]]
            if any(w[1:] == (0, 0, WIDTH, HEIGHT) for w in kiosk_windows):
                break
            time.sleep(0.2)
        assert kiosk_windows, top_level_windows(bare_x)
        assert [w[1:] for w in kiosk_windows] == [(0, 0, WIDTH, HEIGHT)], kiosk_windows
    finally:
        kiosk.terminate()
        kiosk.wait(timeout=20)
