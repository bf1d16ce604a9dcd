"""Issue 15: every command fails safe. Bad input, a missing or wrong path, a file where
a folder should be: one clear line and a non-zero exit code, never a traceback, and
nothing already stored is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli


def one_line_error(out) -> None:
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr + out.stdout, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def central_cli(folder: Path, *args: str):
    return run_cli("--data-dir", str(folder), *args, module="kiosk.central.cli")


@pytest.mark.slow  # runs kiosk-central as a program
def test_init_never_overwrites_the_other_key(tmp_path: Path) -> None:
    folder = tmp_path / "central"
    assert central_cli(folder, "init").returncode == 0
    keys = folder / "keys"
    sealing = (keys / "organiser_x25519.key").read_bytes()
    (keys / "organiser_ed25519.key").unlink()
    out = central_cli(folder, "init")
    one_line_error(out)
    assert "created" not in out.stdout.lower()
    assert "organiser_ed25519.key" in out.stderr  # says which file to restore
    assert (keys / "organiser_x25519.key").read_bytes() == sealing
    assert not (keys / "organiser_ed25519.key").exists()


def test_missing_input_files_and_paths_are_one_line(kiosk_cli, tmp_path: Path) -> None:
    assert kiosk_cli("init", "--demo").returncode == 0
    one_line_error(kiosk_cli("propose", "--from", str(tmp_path / "nope.jsonl")))
    missing_pack = str(tmp_path / "nope.kpack")
    one_line_error(kiosk_cli("setup", "--pack", missing_pack, "--name", "x", "--pin", "482613"))
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    one_line_error(kiosk_cli("export", "--out", str(a_file)))
    one_line_error(run_cli("--data-dir", str(a_file), "status"))
    one_line_error(kiosk_cli("badges", "--out", str(tmp_path / "missing" / "dir" / "b.pdf")))
    one_line_error(kiosk_cli("report", "--out", str(tmp_path / "missing" / "dir" / "r.pdf")))
    assert not (tmp_path / "missing").exists()
    # Written means written: the report is there, whole, and no temporary file is left.
    done = kiosk_cli("report", "--out", str(tmp_path / "r.pdf"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_deeply_nested_line_and_a_bom_do_not_stop_the_batch(kiosk_cli, tmp_path: Path) -> None:
    assert kiosk_cli("init", "--demo").returncode == 0
    good = {"theme": "skills", "language": "fr", "title": "Former", "body": "Ateliers"}
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b"\xef\xbb\xbf"
        + json.dumps(good).encode()
        + b"\n"
        + b"[" * 100_000
        + b"]" * 100_000
        + b"\n"
        + json.dumps(good).encode()
        + b"\n"
    )
    out = kiosk_cli("propose", "--from", str(src), "--json")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["line"] for r in results if "id" in r] == [1, 3]
    assert {r["line"]: r["error"] for r in results if "error" in r} == {2: "invalid_json"}


@pytest.mark.slow  # runs kiosk-central as a program
def test_import_of_several_files_gives_each_its_outcome(tmp_path: Path) -> None:
    folder = tmp_path / "central"
    assert central_cli(folder, "init").returncode == 0
    junk = tmp_path / "junk.kbundle"
    junk.write_bytes(b"junk")
    out = central_cli(folder, "import", str(tmp_path / "missing.kbundle"), str(junk), "--json")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    results = json.loads(out.stdout)
    assert [(r["outcome"], r["code"]) for r in results] == [
        ("rejected", "unreadable"),
        ("rejected", "bad_format"),
    ]


def test_the_data_folders_are_private(kiosk_cli, data_dir: Path, tmp_path: Path) -> None:
    """Nobody else on the machine reads the kiosk's or the organiser's data."""
    assert kiosk_cli("init", "--demo").returncode == 0
    assert kiosk_cli("db", "backup").returncode == 0
    folder = tmp_path / "central"
    folder.mkdir(mode=0o755)
    assert central_cli(folder, "init").returncode == 0
    for path in (data_dir, *data_dir.rglob("*"), folder, *folder.rglob("*")):
        mode = path.stat().st_mode & 0o777
        if path.is_dir():
            assert mode == 0o700, path
        else:
            assert mode == 0o600, path


@pytest.mark.slow  # Argon2id at 128 MiB, twice
def test_the_pin_hash_is_argon2id_and_old_hashes_still_open() -> None:
    import hashlib

    from kiosk.services.pin import PIN_MEMLIMIT, PIN_OPSLIMIT, hash_pin, pin_matches

    stored = hash_pin("482613")
    assert stored.startswith("$argon2id$")
    assert f"m={PIN_MEMLIMIT // 1024},t={PIN_OPSLIMIT}," in stored
    assert pin_matches(stored, "482613") and not pin_matches(stored, "482614")
    salt = bytes(16)
    legacy = hashlib.scrypt(b"4826", salt=salt, n=2**14, r=8, p=1)
    old = f"scrypt${salt.hex()}${legacy.hex()}"  # a kiosk set up by an earlier version
    assert pin_matches(old, "4826") and not pin_matches(old, "4827")
    assert not pin_matches("$argon2id$garbage", "482613")
