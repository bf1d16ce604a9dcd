"""Issue 16, badge re-issue: a lost badge gets a new signed badge, the old one is revoked.

The chain, end to end: ``kiosk-central roster reissue`` (or the roster page) makes the
new badge and revokes the old one on the organiser's side; the next event pack carries
the new roster row and the revocation; a kiosk that installs it refuses the old QR and
accepts the new one (check-in service, no network). Before that pack the kiosk still
accepts the lost badge: revocations reach kiosks only through packs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.central.cli import main
from kiosk.config import load_settings
from kiosk.services.checkin import check_in
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.walk_in import register_walk_in
from kiosk.storage import Store


def door(tmp_path: Path, name: str, organiser, pack: Path, store: Store | None = None) -> Store:
    """A door kiosk set up (or updated) from ``pack``."""
    settings = load_settings(tmp_path / name)
    store = store or Store(settings.db_url, backups_dir=settings.backups_dir)
    setup_from_pack(store, pack.read_bytes(), name=name, role="checkin",
                    keys_dir=settings.keys_dir, passphrase=organiser.passphrase)  # fmt: skip
    return store


def new_pack(organiser, tmp_path: Path, name: str) -> Path:
    pack = tmp_path / f"{name}.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    return pack


def test_a_reissued_badge_is_accepted_and_the_lost_one_refused(organiser, tmp_path: Path) -> None:
    a = door(tmp_path, "door-A", organiser, new_pack(organiser, tmp_path, "first"))
    organiser.enrol(a, load_settings(tmp_path / "door-A").keys_dir)
    tokens = organiser.tokens()
    lost, other = tokens[3], tokens[4]
    done = json.loads(organiser("roster", "reissue", "SM-2026", lost["external_id"], "--json"))
    assert done["external_id"] == lost["external_id"] and done["token"] != lost["token"]
    assert done["attendee"] != done["old"]
    # Not yet on the kiosk: it has the old pack.
    assert check_in(a, lost["token"]).outcome == "accepted"
    assert check_in(a, done["token"]).outcome == "unknown_attendee"
    # The next pack: the lost badge is refused, the new one accepted, same person.
    door(tmp_path, "door-A", organiser, new_pack(organiser, tmp_path, "second"), a)
    assert check_in(a, lost["token"]).outcome == "revoked"
    result = check_in(a, done["token"])
    assert result.outcome == "accepted" and result.attendee.name == lost["name"]
    assert check_in(a, other["token"]).outcome == "accepted"  # nobody else touched
    # A kiosk set up from scratch with that pack knows the same.
    b = door(tmp_path, "door-B", organiser, new_pack(organiser, tmp_path, "third"))
    assert check_in(b, lost["token"]).outcome == "revoked"
    assert check_in(b, done["token"]).outcome == "accepted"
    # The organiser's token list has the new badge under the external id.
    listed = {r["external_id"]: r["token"] for r in organiser.tokens() if r["external_id"]}
    assert listed[lost["external_id"]] == done["token"]
    # Re-issued twice: the first new badge is refused in its turn.
    again = json.loads(organiser("roster", "reissue", "SM-2026", done["token"], "--json"))
    door(tmp_path, "door-B", organiser, new_pack(organiser, tmp_path, "fourth"), b)
    assert check_in(b, done["token"]).outcome == "revoked"
    assert check_in(b, again["token"]).outcome == "accepted"
    a.close()
    b.close()


def test_a_walk_in_badge_is_reissued_with_the_walk_in_key(organiser, tmp_path: Path) -> None:
    a = door(tmp_path, "door-A", organiser, new_pack(organiser, tmp_path, "first"))
    settings = load_settings(tmp_path / "door-A")
    organiser.enrol(a, settings.keys_dir)
    walk_in = register_walk_in(a, name="Yousra", category="student", province="Tiznit")
    from kiosk.services.sync import export_bundle

    bundle = export_bundle(a, settings.keys_dir, tmp_path / "usb")
    assert bundle is not None
    organiser("import", str(bundle.path))
    done = json.loads(organiser("roster", "reissue", "SM-2026", walk_in.token, "--json"))
    # A walk-in badge is genuine on any kiosk of the event at once (the walk-in key
    # signs it); the lost one is refused once the kiosk has the next pack.
    b = door(tmp_path, "door-B", organiser, new_pack(organiser, tmp_path, "second"))
    assert check_in(b, walk_in.token).outcome == "revoked"
    assert check_in(b, done["token"]).outcome == "accepted"
    a.close()
    b.close()


@pytest.mark.parametrize(
    ("ref", "needs"), [("NO-SUCH-PERSON", "unknown_attendee"), ("revoked", "badge_revoked")]
)
def test_a_reissue_that_cannot_be_done_says_why(organiser, capsys, ref: str, needs: str) -> None:
    tokens = organiser.tokens()
    if ref == "revoked":
        organiser("revoke", "SM-2026", tokens[0]["token"])
        ref = tokens[0]["token"]
    base = ["--data-dir", str(organiser.folder), "roster", "reissue", "SM-2026", ref]
    assert main([*base, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == needs
    assert main(["--ui-language", "fr", *base]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert len(organiser.tokens()) == 300  # nothing added


def test_another_events_attendee_is_not_reissued_through_this_event(
    organiser, capsys, sample_dir: Path
) -> None:
    """A hostile form or command naming a person of another event (by id or token) is
    refused, and nothing of either event changes."""
    from kiosk.central.organiser import roster_tokens
    from kiosk.storage import Store

    organiser("event", "create", "--code", "OTHER", "--name", "Other", "--region", "R",
              "--venue", "V", "--starts", "2026-11-24T08:00",
              "--ends", "2026-11-24T18:00")  # fmt: skip
    organiser("roster", "import", "OTHER", str(sample_dir / "roster.csv"))
    store = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    theirs = roster_tokens(store, "OTHER")[0].token
    store.close()
    for ref in (theirs, "INV-7-999999"):
        base = ["--data-dir", str(organiser.folder), "roster", "reissue", "SM-2026", ref]
        assert main([*base, "--json"]) == 2
        assert json.loads(capsys.readouterr().out)["error"] == "unknown_attendee"
    store = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    try:
        assert len(roster_tokens(store, "OTHER")) == len(roster_tokens(store, "SM-2026")) == 300
    finally:
        store.close()
