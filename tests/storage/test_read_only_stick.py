"""Issue 15: a read-only stick (a real read-only mount: as root, permission bits do not
stop a write, a read-only file system does, with EROFS). ``kiosk export --out`` onto it
is one translated line and a non-zero exit code; ``kiosk-central import`` from it gives
every file its own outcome and the others go on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.fixture
def read_only_stick(tmp_path: Path) -> Iterator[Callable[[], Path]]:
    """A small tmpfs, writable until ``make_read_only()`` remounts it read-only."""
    mount = tmp_path / "stick"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("cannot mount a tmpfs for the read-only stick tests")
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.decode()[:80]}")

    def make_read_only() -> Path:
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        return mount

    make_read_only.path = mount
    try:
        yield make_read_only
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def one_line_error(out) -> None:
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr + out.stdout, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def propose(kiosk_dir: Path, title: str) -> None:
    out = run_cli(
        "--data-dir", str(kiosk_dir), "propose", "--theme", "skills", "--language", "fr",
        "--title", title, "--body", "corps",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr


def test_export_to_a_read_only_stick_is_one_line(
    kiosk_dir: Path, read_only_stick, tmp_path: Path
) -> None:
    propose(kiosk_dir, "sur la cle")
    stick = read_only_stick()
    with pytest.raises(OSError):
        (stick / "probe").write_bytes(b"x")  # the mount really refuses writes

    for lang, word in (("en", "read-only"), ("fr", "lecture seule")):
        out = run_cli(
            "--data-dir", str(kiosk_dir), "--ui-language", lang, "export", "--out", str(stick)
        )  # fmt: skip
        one_line_error(out)
        assert word in out.stderr, out.stderr
    assert list(stick.iterdir()) == []
    # Nothing counts as exported: the next export to a writable folder has every entry.
    usb = tmp_path / "usb"
    usb.mkdir()
    done = run_cli("--data-dir", str(kiosk_dir), "export", "--out", str(usb), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["from_seq"] == 1


def test_import_from_a_read_only_stick_goes_on_with_the_others(
    organiser, kiosk_dir: Path, read_only_stick, tmp_path: Path
) -> None:
    request = kiosk_dir / "enrolment-request.kreq"
    organiser("device", "approve", "SM-2026", "--request", str(request), "--out",
              str(tmp_path / "k.kcert"))  # fmt: skip
    usb = tmp_path / "usb"
    usb.mkdir()
    propose(kiosk_dir, "premier")
    first = json.loads(
        run_cli("--data-dir", str(kiosk_dir), "export", "--out", str(usb), "--json").stdout
    )["path"]
    propose(kiosk_dir, "second")
    second = json.loads(
        run_cli("--data-dir", str(kiosk_dir), "export", "--out", str(usb), "--json").stdout
    )["path"]
    on_stick = read_only_stick.path / Path(first).name
    shutil.copy(first, on_stick)
    junk = read_only_stick.path / "junk.kbundle"
    junk.write_bytes(b"not a bundle at all")
    stick = read_only_stick()
    missing = stick / "missing.kbundle"

    out = run_cli(
        "--data-dir", str(organiser.folder), "import", str(missing), str(on_stick), str(junk),
        second, "--json", module="kiosk.central.cli",
    )  # fmt: skip

    assert "Traceback" not in out.stderr, out.stderr
    assert out.returncode == 1, out.stderr  # some files were refused
    results = {Path(r["file"]).name: r for r in json.loads(out.stdout)}
    assert results[missing.name]["outcome"] == "rejected"
    assert results[on_stick.name]["outcome"] == "accepted", results
    assert results[junk.name]["outcome"] == "rejected"
    assert results[Path(second).name]["outcome"] == "accepted", results
    assert junk.exists() and on_stick.exists()  # the stick is left as it was
