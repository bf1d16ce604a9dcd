"""Issue 15: rotating the organiser's keys is its own explicit command. The old keys are
kept to open and check what was sealed or signed before; new packs carry the new keys;
a missing key is an error that says which file to restore from the backup."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.central.keys import load_sealing_key
from kiosk.config import load_settings
from kiosk.domain.proposal import ProposalDraft
from kiosk.event_pack import read_pack
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.proposals import submit_proposal
from kiosk.services.sync import export_bundle
from kiosk.storage import Store
from tests.conftest import run_cli


def central_cli(folder: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli("--data-dir", str(folder), *args, module="kiosk.central.cli")


def one_line_error(out) -> None:  # type: ignore[no-untyped-def]
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr + out.stdout, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_rotate_keeps_the_old_keys_and_new_packs_carry_the_new(organiser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder: Path = organiser.folder
    keys = folder / "keys"
    old_sign = (keys / "organiser_ed25519.key").read_bytes()
    old_seal = (keys / "organiser_x25519.key").read_bytes()
    old_pack = tmp_path / "old.kpack"
    organiser("pack", "SM-2026", "--out", str(old_pack))
    # A kiosk set up from the pack made before the rotation, with a proposal to send.
    cfg = load_settings(tmp_path / "kiosk")
    store = Store(cfg.db_url)
    setup_from_pack(
        store,
        old_pack.read_bytes(),
        name="door-A",
        role="both",
        keys_dir=cfg.keys_dir,
        passphrase=organiser.passphrase,
    )
    organiser.enrol(store, cfg.keys_dir)
    submit_proposal(store, ProposalDraft("skills", "fr", "Avant la rotation", "corps"))
    before = export_bundle(store, cfg.keys_dir, tmp_path / "usb")
    assert before is not None

    out = json.loads(organiser("keys", "rotate", "--json"))

    assert out["old_fingerprint"] != out["fingerprint"]
    assert (keys / "organiser_ed25519.key").read_bytes() != old_sign
    assert (keys / "organiser_x25519.key").read_bytes() != old_seal
    retired = Path(out["retired"])
    assert (retired / "organiser_ed25519.key").read_bytes() == old_sign
    assert (retired / "organiser_x25519.key").read_bytes() == old_seal
    assert oct((retired / "organiser_x25519.key").stat().st_mode & 0o777) == "0o600"
    # New packs carry the new keys.
    new_pack = tmp_path / "new.kpack"
    organiser("pack", "SM-2026", "--out", str(new_pack))
    old_header = read_pack(old_pack.read_bytes(), passphrase=organiser.passphrase)
    new_header = read_pack(new_pack.read_bytes(), passphrase=organiser.passphrase)
    assert old_header.fingerprint == out["old_fingerprint"]
    assert new_header.fingerprint == out["fingerprint"]
    assert new_header.organiser_seal_pk == bytes(load_sealing_key(folder).public_key)
    # A bundle sealed to the old key (the kiosk still has the old pack) still merges.
    imported = json.loads(organiser("import", str(before.path), "--json"))
    assert [r["outcome"] for r in imported] == ["accepted"], imported
    store.close()


def test_a_missing_key_says_which_file_to_restore(organiser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder: Path = organiser.folder
    keys = folder / "keys"
    sealing = (keys / "organiser_x25519.key").read_bytes()
    (keys / "organiser_ed25519.key").unlink()
    for command in (("keys", "rotate"), ("pack", "SM-2026", "--out", str(tmp_path / "p.kpack"))):
        out = central_cli(folder, *command)
        one_line_error(out)
        assert "organiser_ed25519.key" in out.stderr and "backup" in out.stderr, out.stderr
    assert (keys / "organiser_x25519.key").read_bytes() == sealing  # nothing replaced
    assert not (keys / "organiser_ed25519.key").exists()
    assert not (tmp_path / "p.kpack").exists()


def test_init_does_not_recreate_keys_that_were_rotated_away(tmp_path: Path) -> None:
    folder = tmp_path / "central"
    assert central_cli(folder, "init").returncode == 0
    assert central_cli(folder, "keys", "rotate").returncode == 0
    for name in ("organiser_ed25519.key", "organiser_x25519.key"):
        (folder / "keys" / name).unlink()
    out = central_cli(folder, "init")
    one_line_error(out)
    assert "backup" in out.stderr
    assert not (folder / "keys" / "organiser_ed25519.key").exists()


def test_a_rotation_cut_short_is_finished_before_the_keys_are_used(organiser) -> None:  # type: ignore[no-untyped-def]
    """The new pair is written whole (keys/next/) before either current file is replaced:
    a kill between the two replacements never leaves a mixed pair in use."""
    from kiosk.central.keys import (
        NEXT_DIR,
        SEALING_FILE,
        SIGNING_FILE,
        keys_dir,
        load_sealing_key,
        load_signing_key,
    )
    from kiosk.crypto import new_sealing_key, new_signing_key, write_private_key

    folder: Path = organiser.folder
    sign, seal = new_signing_key(), new_sealing_key()
    pending = keys_dir(folder) / NEXT_DIR
    write_private_key(pending / SIGNING_FILE, bytes(sign))
    write_private_key(pending / SEALING_FILE, bytes(seal))
    # Cut short after the first replacement: the signing key is new, sealing is old.
    (pending / SIGNING_FILE).replace(keys_dir(folder) / SIGNING_FILE)
    assert bytes(load_sealing_key(folder)) == bytes(seal)
    assert bytes(load_signing_key(folder)) == bytes(sign)
    assert not pending.exists()
