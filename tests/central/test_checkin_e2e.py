"""Acceptance: from the organiser's pack to the door, two kiosks, no network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.event_pack import PackError
from kiosk.services.checkin import check_in
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.walk_in import register_walk_in
from kiosk.storage import Store
from tests.central.conftest import central
from tests.conftest import pack_passphrase


def kiosk(tmp_path: Path, name: str, pack: Path, organiser):
    settings = load_settings(tmp_path / name)
    store = Store(settings.db_url, backups_dir=settings.backups_dir)
    setup_from_pack(
        store,
        pack.read_bytes(),
        name=name,
        role="checkin",
        keys_dir=settings.keys_dir,
        pin="482613",
        passphrase=organiser.passphrase,
    )
    organiser.enrol(store, settings.keys_dir)
    return store


def test_pack_to_door_on_two_kiosks(organiser, tmp_path: Path, capsys) -> None:
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    a = kiosk(tmp_path, "door-A", pack, organiser)
    b = kiosk(tmp_path, "door-B", pack, organiser)
    tokens = organiser.tokens()
    assert len(tokens) == 300
    assert {"external_id", "name", "token"} == set(tokens[0])

    # Every invitee checks in on A; a second scan is already_checked_in.
    for row in tokens:
        result = check_in(a, row["token"])
        assert result.outcome == "accepted", row
        assert result.attendee is not None and result.attendee.name == row["name"]
    again = check_in(a, tokens[0]["token"])
    assert again.outcome == "already_checked_in"
    assert again.first_station == "door-A" and again.first_at is not None

    # A walk-in registered on A checks in on B (B never saw the person).
    walk_in = register_walk_in(
        a,
        name="\u064a\u0648\u0633\u0641 \u0623\u064a\u062a \u0639\u0644\u064a",
        category="student",
        province="Tiznit",
    )
    assert check_in(b, walk_in.token).outcome == "accepted"
    assert check_in(a, walk_in.token).outcome == "already_checked_in"

    # A changed digit is never accepted.
    token = tokens[5]["token"]
    for position in (3, 50, 120, 228):
        changed = token[:position] + str((int(token[position]) + 3) % 10) + token[position + 1 :]
        assert check_in(b, changed).outcome in ("invalid_signature", "malformed")

    # Revoked on the organiser's side: refused once B has the next pack.
    revoked = tokens[7]["token"]
    organiser("revoke", "SM-2026", revoked)
    pack2 = tmp_path / "event-2.kpack"
    organiser("pack", "SM-2026", "--out", str(pack2))
    settings_b = load_settings(tmp_path / "door-B")
    update = setup_from_pack(
        b,
        pack2.read_bytes(),
        name="door-B",
        role="checkin",
        keys_dir=settings_b.keys_dir,
        passphrase=organiser.passphrase,
    )
    assert update.updated and update.revoked == 1
    assert check_in(b, revoked).outcome == "revoked"
    # B's earlier records survived the update.
    assert check_in(b, walk_in.token).outcome == "already_checked_in"

    # A badge of another event (same organiser) is wrong_event.
    organiser(
        "event",
        "create",
        "--code",
        "OTHER",
        "--name",
        "Other",
        "--region",
        "R",
        "--venue",
        "V",
        "--starts",
        "2026-12-01T08:00",
        "--ends",
        "2026-12-01T18:00",
    )
    other_csv = tmp_path / "other.csv"
    other_csv.write_text("external_id,full_name,category\nX-1,Someone Else,citizen\n")
    organiser("roster", "import", "OTHER", str(other_csv))
    other = json.loads(
        central(capsys, "--data-dir", str(organiser.folder), "roster", "tokens", "OTHER", "--json")
    )
    assert check_in(a, other[0]["token"]).outcome == "wrong_event"

    # A tampered pack is refused at set-up; so is another organiser's pack.
    data = bytearray(pack2.read_bytes())
    data[len(data) // 2] ^= 0x01
    fresh = load_settings(tmp_path / "door-C")
    c = Store(fresh.db_url)
    with pytest.raises(PackError) as info:
        setup_from_pack(
            c,
            bytes(data),
            name="door-C",
            role="both",
            keys_dir=fresh.keys_dir,
            passphrase=organiser.passphrase,
        )
    assert info.value.code in ("bad_pack", "bad_signature")
    foreign_dir = tmp_path / "foreign"
    central(capsys, "--data-dir", str(foreign_dir), "init")
    central(
        capsys,
        "--data-dir",
        str(foreign_dir),
        "event",
        "create",
        "--code",
        "SM-2026",
        "--name",
        "Fake",
        "--region",
        "R",
        "--venue",
        "V",
        "--starts",
        "2026-11-23T08:00",
        "--ends",
        "2026-11-23T18:00",
    )
    fake = tmp_path / "fake.kpack"
    central(capsys, "--data-dir", str(foreign_dir), "pack", "SM-2026", "--out", str(fake))
    with pytest.raises(PackError) as info:
        setup_from_pack(
            a,
            fake.read_bytes(),
            name="door-A",
            role="checkin",
            keys_dir=load_settings(tmp_path / "door-A").keys_dir,
            passphrase=pack_passphrase(foreign_dir),
        )
    assert info.value.code == "foreign_pack"

    # Every scan, refused ones included, is journaled.
    from kiosk.services.status import kiosk_status, verify_journal

    status = kiosk_status(a)
    assert status.checkins == 301  # 300 invitees + the walk-in
    assert verify_journal(a).ok and verify_journal(b).ok
    for store in (a, b, c):
        store.close()


def test_cli_exit_codes_and_messages(organiser, tmp_path: Path) -> None:
    from tests.conftest import run_cli

    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    data_dir = tmp_path / "k"
    setup = run_cli(
        "--data-dir",
        str(data_dir),
        "setup",
        "--pack",
        str(pack),
        "--name",
        "door-1",
        "--role",
        "checkin",
        "--passphrase",
        organiser.passphrase,
        "--pin",
        "482613",
        "--json",
    )
    assert setup.returncode == 0, setup.stderr
    assert json.loads(setup.stdout)["attendees"] == 300
    token = organiser.tokens()[0]["token"]
    first = run_cli("--data-dir", str(data_dir), "checkin", token, "--json")
    assert first.returncode == 0 and json.loads(first.stdout)["outcome"] == "accepted"
    second = run_cli("--data-dir", str(data_dir), "checkin", token, "--json")
    assert second.returncode == 1
    assert json.loads(second.stdout)["first_station"] == "door-1"
    undo = run_cli(
        "--data-dir", str(data_dir), "checkin", "--undo", json.loads(first.stdout)["checkin_id"]
    )
    assert undo.returncode == 0, undo.stderr
    third = run_cli("--data-dir", str(data_dir), "checkin", token, "--json")
    assert json.loads(third.stdout)["outcome"] == "accepted"  # undone, so accepted again
    bad = run_cli("--data-dir", str(data_dir), "checkin", "hello")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    walk = run_cli("--data-dir", str(data_dir), "walk-in", "--name", "Nadia", "--json")
    assert walk.returncode == 0 and json.loads(walk.stdout)["token"].isdigit()
    found = run_cli("--data-dir", str(data_dir), "search", "nadia", "--json")
    names = [h["name"] for h in json.loads(found.stdout)]
    assert "Nadia" in names and names[0] == "Nadia"  # exact word first
