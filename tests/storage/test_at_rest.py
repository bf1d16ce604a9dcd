"""Issue 15: a stolen kiosk. Its database, WAL, backups and logs reveal no attendee name,
organisation or proposal text; the wrong PIN does not open them; the organiser can
recover the key; a PIN change rewraps it; a kiosk from before is encrypted."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from kiosk.storage import atrest
from tests.conftest import SAMPLE_DIR, TEST_PIN, kiosk_db, run_cli

PROPOSAL_TITLE = "Tiers-lieux numeriques a Tafraout"
PROPOSAL_BODY = "Former les cooperatives d'argan au commerce en ligne, zzsecretbodyzz"
WALK_IN = "Brahim Oufkir-Walkin"


def roster_words() -> list[bytes]:
    """Names (both scripts) and organisations of the sample roster, as UTF-8 bytes."""
    with (SAMPLE_DIR / "roster.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:40]
    words = {row["full_name"] for row in rows} | {row["full_name_latin"] for row in rows}
    words |= {row["organisation"] for row in rows if len(row["organisation"]) > 6}
    return [w.encode("utf-8") for w in words if w]


def cli(data: Path, *args: str, pin: str | None = None):
    extra = ("--pin", pin) if pin is not None else ()
    return run_cli("--data-dir", str(data), *extra, *args)


def every_file(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.mark.slow
def test_a_copied_data_folder_reveals_no_name_or_proposal(kiosk_dir: Path, tmp_path: Path) -> None:
    done = cli(
        kiosk_dir, "propose", "--theme", "skills", "--language", "fr",
        "--title", PROPOSAL_TITLE, "--body", PROPOSAL_BODY,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    walk_in = cli(kiosk_dir, "walk-in", "--name", WALK_IN, "--organisation", "Cooperative Amal")
    assert walk_in.returncode == 0, walk_in.stderr
    assert cli(kiosk_dir, "search", "Benmoussa").returncode == 0  # the roster is there
    assert cli(kiosk_dir, "db", "backup").returncode == 0
    # A kiosk stolen while running: the WAL is kept as it is (no checkpoint at close).
    copy = tmp_path / "stolen"
    shutil.copytree(kiosk_dir, copy)
    files = every_file(copy)
    names = {p.name for p in files}
    assert "kiosk.db" in names and any(p.parent.name == "backups" for p in files)
    assert any(p.suffix == ".log" for p in files)

    secrets = [
        PROPOSAL_TITLE.encode(), b"zzsecretbodyzz", WALK_IN.encode(), b"Cooperative Amal",
        *roster_words(),
    ]  # fmt: skip
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret not in data, f"{secret!r} in clear in {path.relative_to(copy)}"
    # Nor is it an SQLite file anyone can open, nor does the key file hold the key.
    for path in [copy / "kiosk.db", *(copy / "backups").glob("*.db")]:
        assert not atrest.is_plain(path)
    key = atrest.unlock(atrest.key_path(copy / "keys"), TEST_PIN)
    assert key.hex().encode() not in (copy / "keys" / atrest.KEY_FILE).read_bytes()
    # With the PIN, the copy opens: the data is there, only locked.
    with kiosk_db(copy / "kiosk.db") as con:
        assert con.execute("SELECT title FROM proposal").fetchall() == [(PROPOSAL_TITLE,)]


def test_the_wrong_pin_does_not_open_it(kiosk_dir: Path) -> None:
    out = cli(kiosk_dir, "status", pin="999999")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Wrong PIN" in out.stderr
    french = run_cli(
        "--data-dir", str(kiosk_dir), "--ui-language", "fr", "--pin", "999999", "status"
    )
    assert "PIN erron" in french.stderr
    with pytest.raises(atrest.WrongPin):
        atrest.unlock(atrest.key_path(kiosk_dir / "keys"), "999999")
    # Without the key, SQLCipher (or SQLite) sees no database at all.
    with pytest.raises(atrest.DatabaseError):
        atrest.connect(kiosk_dir / "kiosk.db", key=bytes(32))
    assert cli(kiosk_dir, "status", pin=TEST_PIN).returncode == 0


def test_no_pin_on_a_script_is_one_line_not_a_prompt(kiosk_dir: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT, cli_env

    env = cli_env()
    env.pop("KIOSK_PIN")
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(kiosk_dir), "status"],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 2 and "KIOSK_PIN" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_the_organiser_recovers_the_key(organiser, kiosk_dir: Path) -> None:
    from kiosk.central.keys import load_sealing_key

    path = atrest.key_path(kiosk_dir / "keys")
    key = atrest.recover(path, load_sealing_key(organiser.folder))
    assert key == atrest.unlock(path, TEST_PIN)
    with atrest.connect(kiosk_dir / "kiosk.db", key=key) as con:
        assert con.execute("SELECT count(*) FROM attendee").fetchone()[0] > 0
    from nacl.public import PrivateKey

    with pytest.raises(atrest.KeyFileError):
        atrest.recover(path, PrivateKey.generate())


def test_a_pin_change_rewraps_the_key(kiosk_dir: Path) -> None:
    from kiosk.app import staff_services
    from kiosk.cli import build_parser
    from kiosk.commands.common import open_store

    args = build_parser().parse_args(["--data-dir", str(kiosk_dir), "--pin", TEST_PIN, "status"])
    settings, store = open_store(args)
    try:
        services = staff_services(store, settings)
        services.change_pin(TEST_PIN, "70315842", "70315842")
    finally:
        store.close()
        atrest.forget(settings.data_dir)
    path = atrest.key_path(kiosk_dir / "keys")
    with pytest.raises(atrest.WrongPin):
        atrest.unlock(path, TEST_PIN)
    assert atrest.unlock(path, "70315842")
    assert cli(kiosk_dir, "status", pin="70315842").returncode == 0
    assert cli(kiosk_dir, "status", pin=TEST_PIN).returncode == 2
    # The organiser's sealed copy is kept through the change.
    assert atrest.organiser_seal_pk(path) is not None


@pytest.mark.slow  # encrypts a database and its backups
def test_a_kiosk_from_before_is_encrypted_on_first_open(tmp_path: Path) -> None:
    from kiosk.domain.proposal import ProposalDraft
    from kiosk.services.proposals import submit_proposal
    from kiosk.services.setup import init_demo
    from kiosk.storage import Store
    from kiosk.storage.health import take_backup

    data = tmp_path / "old-kiosk"
    data.mkdir()
    store = Store(f"sqlite:///{data / 'kiosk.db'}")  # no key: as before this change
    init_demo(store)
    submit_proposal(store, ProposalDraft("skills", "fr", PROPOSAL_TITLE, PROPOSAL_BODY))
    take_backup(data / "kiosk.db", data / "backups", "start")
    store.close()
    assert atrest.is_plain(data / "kiosk.db")

    out = cli(data, "status", "--json")

    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["proposals"] == 1
    for path in every_file(data):
        assert b"zzsecretbodyzz" not in path.read_bytes(), path
    assert atrest.wrapped_by(atrest.key_path(data / "keys")) == atrest.WRAPPED_BY_DEMO
    restored = cli(data, "db", "restore", "--latest")
    assert restored.returncode == 0, restored.stderr  # its backup is encrypted too


def test_a_hostile_key_file_fails_closed(tmp_path: Path) -> None:
    path = tmp_path / atrest.KEY_FILE
    atrest.write_key_file(path, atrest.new_database_key(), "482613", atrest.WRAPPED_BY_STAFF,
                          opslimit=1, memlimit=8192)  # fmt: skip
    good = json.loads(path.read_text())
    variants = [
        b"", b"\xff\xfe", b"[]", b"{" * 100_000, json.dumps({**good, "version": 2}).encode(),
        json.dumps({**good, "kdf": {**good["kdf"], "memlimit": 2**40}}).encode(),
        json.dumps({**good, "kdf": {**good["kdf"], "opslimit": 10**9}}).encode(),
        json.dumps({**good, "kdf": {**good["kdf"], "salt": "00"}}).encode(),
        json.dumps({**good, "wrapped": "!!"}).encode(),
        json.dumps({**good, "wrapped_by": "anyone"}).encode(),
    ]  # fmt: skip
    for data in variants:
        path.write_bytes(data)
        with pytest.raises(atrest.KeyFileError):
            atrest.unlock(path, "482613")
    flipped = dict(good)
    flipped["wrapped"] = good["wrapped"][:-4] + (
        "AAAA" if good["wrapped"][-4:] != "AAAA" else "BBBB"
    )
    path.write_text(json.dumps(flipped))
    with pytest.raises((atrest.WrongPin, atrest.KeyFileError)):
        atrest.unlock(path, "482613")


def test_the_organiser_resets_a_lost_pin(organiser, kiosk_dir: Path) -> None:
    organiser("keys", "rotate")  # the kiosk's copy is sealed to the retired key: still found
    out = json.loads(organiser("kiosk", "reset-pin", str(kiosk_dir), "--pin", "55501234", "--json"))
    assert out["reset"]
    assert cli(kiosk_dir, "status", pin="55501234").returncode == 0
    assert cli(kiosk_dir, "status", pin=TEST_PIN).returncode == 2
    # The new PIN is the staff PIN too (the staff area checks the hash in the database).
    from kiosk.cli import build_parser
    from kiosk.commands.common import open_store
    from kiosk.services.staff import check_pin

    args = build_parser().parse_args(["--data-dir", str(kiosk_dir), "--pin", "55501234", "status"])
    settings, store = open_store(args)
    try:
        assert check_pin(store, "55501234")
    finally:
        store.close()
        atrest.forget(settings.data_dir)
