"""Fixtures of the storage tests: a kiosk set up from a real pack, and a full disk."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.fixture
def kiosk_dir(organiser, tmp_path: Path) -> Path:
    """A kiosk set up from the pack (its passphrase), approved by the organiser."""
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    data = tmp_path / "kiosk"
    setup = run_cli(
        "--data-dir", str(data), "setup", "--pack", str(pack), "--name", "k", "--pin", "482613",
        "--passphrase", organiser.passphrase, "--json",
    )  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    return data


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KB file system, filled to a few KB (needs root, as CI and the sessions run)."""
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)])
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("cannot mount a small tmpfs for the full-disk tests")
        pytest.skip("mounting a tmpfs needs root")
    try:
        (mount / "filler").write_bytes(b"\0" * (512 * 1024 - 16 * 1024))
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
