"""The adversarial review's attacks, each tried and refused (issue 14).

Every attack is made as its attacker would: with a found pack, a new key, a
stolen enrolled kiosk (its key and certificate, writing any journal it likes), a
rogue server, or no credential at all. Each refused bundle is quarantined whole
with its reason code, never raises, and leaves every other device's and event's
rows as they were.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk import badges, crypto
from kiosk.central.keys import load_sealing_key, load_signing_key
from kiosk.central.merge import ImportOutcome, import_files
from kiosk.central.stats import event_stats
from kiosk.domain.proposal import ProposalDraft
from kiosk.enrolment import EnrolmentError, make_request, read_request
from kiosk.event_pack import PackError, read_pack
from kiosk.services.checkin import check_in, check_in_attendee
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.proposals import submit_proposal
from kiosk.services.sync import export_bundle
from kiosk.services.upload import RogueServer, sync
from kiosk.storage import Store
from kiosk.storage.models import Attendee, CheckIn, Proposal
from kiosk.sync import http_auth
from tests.conftest import central, encrypted_folder, run_cli
from tests.sync import forge
from tests.sync.test_bundles import kiosk


class Venue:
    """The organiser's folder, its central store, event SM-2026 and a real kiosk A."""

    def __init__(self, organiser: Any, tmp_path: Path) -> None:
        self.organiser = organiser
        self.tmp = tmp_path
        self.folder: Path = organiser.folder
        self.pack = tmp_path / "event.kpack"
        organiser("pack", "SM-2026", "--out", str(self.pack))
        self.central = Store(f"sqlite:///{self.folder / 'central.db'}")
        self.seal_pk = bytes(load_sealing_key(self.folder).public_key)
        self.tokens = organiser.tokens()
        with self.central.uow(readonly=True) as uow:
            rows = uow.session.execute(
                select(Attendee.id, Attendee.event_id).where(Attendee.kind == "invited")
            ).all()
        self.invitee_id, self.event_id = rows[0]
        self.a, self.cfg_a = kiosk(tmp_path, "door-A", self.pack, organiser)
        self.n = 0

    def import_(self, data: bytes | Path) -> ImportOutcome:
        if isinstance(data, bytes):
            self.n += 1
            path = self.tmp / "usb" / f"file-{self.n}.kbundle"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
        else:
            path = data
        [outcome] = import_files(
            self.central,
            [path],
            load_sealing_key(self.folder),
            self.tmp / "quarantine",
            bytes(load_signing_key(self.folder).verify_key),
        )
        return outcome

    def export_a(self) -> Path:
        result = export_bundle(self.a, self.cfg_a.keys_dir, self.tmp / "usb-a")
        assert result is not None
        return result.path

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the central tables a device could touch."""
        with self.central.uow(readonly=True) as uow:
            s = uow.session
            return {
                "attendee": sorted(
                    tuple(r)
                    for r in s.execute(
                        select(
                            Attendee.id,
                            Attendee.event_id,
                            Attendee.name,
                            Attendee.phone,
                            Attendee.kind,
                            Attendee.badge_token,
                            Attendee.created_by,
                        )
                    )
                ),
                "checkin": sorted(
                    tuple(r)
                    for r in s.execute(select(CheckIn.id, CheckIn.device_id, CheckIn.undone_at))
                ),
                "proposal": sorted(
                    tuple(r)
                    for r in s.execute(
                        select(Proposal.id, Proposal.device_id, Proposal.title, Proposal.event_id)
                    )
                ),
            }

    def other_event(self) -> tuple[str, str]:
        """Event OTHER with one invitee: (event id, attendee id)."""
        self.organiser(
            "event", "create", "--code", "OTHER", "--name", "Other", "--region", "R",
            "--venue", "V", "--starts", "2026-12-01T08:00", "--ends", "2026-12-01T18:00",
        )  # fmt: skip
        csv_file = self.tmp / "other.csv"
        csv_file.write_text("external_id,full_name,category\nX-1,Someone Else,citizen\n")
        self.organiser("roster", "import", "OTHER", str(csv_file))
        with self.central.uow(readonly=True) as uow:
            from kiosk.storage.models import Event

            other = uow.session.scalar(select(Event.id).where(Event.code == "OTHER"))
            person = uow.session.scalar(select(Attendee.id).where(Attendee.event_id == other))
        assert other and person
        return other, person


@pytest.fixture
def venue(organiser, tmp_path: Path) -> Iterator[Venue]:
    v = Venue(organiser, tmp_path)
    yield v
    v.a.close()
    v.central.close()


def test_a_bundle_made_from_the_pack_alone_is_refused(venue: Venue) -> None:
    """The pack holds no secret that lets anyone write: a new key, with no certificate or
    a certificate signed by the attacker, is refused; nothing changes."""
    before = venue.rows()
    attacker = forge.new_device()
    items = [
        ("proposal.submitted", p["id"], p)
        for p in (forge.proposal(attacker.id, venue.event_id) for _ in range(50))
    ]
    items.append(
        (
            "attendee.registered",
            venue.invitee_id,
            forge.walk_in(attacker.id, venue.event_id, venue.invitee_id),
        )
    )
    entries = forge.chain(attacker.id, items)
    outcome = venue.import_(
        forge.bundle(attacker, entries, event_id=venue.event_id, seal_pk=venue.seal_pk)
    )
    assert (outcome.outcome, outcome.code) == ("rejected", "not_enrolled")
    # A certificate of its own making (signed by its own key) is no better.
    fake = forge.new_device()
    fake.key = attacker.key
    request = make_request(
        attacker.key,
        event_id=venue.event_id,
        name="x",
        role="both",
        software="",
        created_at=forge.NOW,
    )
    import base64
    import datetime as dt

    from kiosk.enrolment import make_certificate

    now = forge.today()
    cert = make_certificate(
        attacker.key,
        read_request(request),
        event_code="SM-2026",
        serial="01a20707-3187-7c24-977d-8fa5b3b1e0ff",
        issued_at=now,
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=1),
    )
    fake.certificate = base64.b64encode(cert).decode("ascii")
    outcome = venue.import_(
        forge.bundle(fake, entries, event_id=venue.event_id, seal_pk=venue.seal_pk)
    )
    assert (outcome.outcome, outcome.code) == ("rejected", "bad_certificate")
    assert venue.rows() == before
    assert event_stats(venue.central, "SM-2026")["proposals"] == 0


@pytest.mark.parametrize("where", ["another_event", "same_event"])
def test_an_invitee_cannot_be_rewritten_by_a_device(venue: Venue, where: str) -> None:
    """A stolen kiosk of another event, or of this one, cannot rename an invitee."""
    if where == "another_event":
        other_event, _person = venue.other_event()
        thief = forge.enrolled_device(venue.central, venue.folder, "OTHER", other_event)
        bundle_event, record_event = other_event, venue.event_id
    else:
        thief = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
        bundle_event = record_event = venue.event_id
    before = venue.rows()
    rewrite = forge.walk_in(thief.id, record_event, venue.invitee_id, name="Renamed")
    entries = forge.chain(thief.id, [("attendee.registered", venue.invitee_id, rewrite)])
    outcome = venue.import_(
        forge.bundle(thief, entries, event_id=bundle_event, seal_pk=venue.seal_pk)
    )
    assert outcome.outcome == "rejected"
    assert outcome.code == ("foreign_event" if where == "another_event" else "roster_record")
    assert outcome.seq == 1
    assert venue.rows() == before


def test_another_devices_checkin_cannot_be_undone_in_either_order(venue: Venue) -> None:
    token = venue.tokens[0]["token"]
    real = check_in(venue.a, token)
    thief = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    undo = {"id": real.checkin_id, "undone_at": forge.NOW}
    forged = forge.bundle(
        thief,
        forge.chain(thief.id, [("checkin.undone", real.checkin_id, undo)]),
        event_id=venue.event_id,
        seal_pk=venue.seal_pk,
    )
    # The forged undo first (the check-in is not there yet), then the real check-in.
    venue.import_(forged)
    assert venue.import_(venue.export_a()).outcome == "accepted"
    with venue.central.uow(readonly=True) as uow:
        assert uow.session.get(CheckIn, real.checkin_id).undone_at is None
    # Now the check-in is known: the same undo from another device is refused.
    thief2 = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    outcome = venue.import_(
        forge.bundle(
            thief2,
            forge.chain(thief2.id, [("checkin.undone", real.checkin_id, undo)]),
            event_id=venue.event_id,
            seal_pk=venue.seal_pk,
        )
    )
    assert (outcome.outcome, outcome.code, outcome.seq) == ("rejected", "foreign_record", 1)
    with venue.central.uow(readonly=True) as uow:
        assert uow.session.get(CheckIn, real.checkin_id).undone_at is None
    assert event_stats(venue.central, "SM-2026")["unique_checkins"] == 1


def test_a_receipt_code_collision_never_blocks_the_real_kiosk(venue: Venue) -> None:
    receipt = submit_proposal(venue.a, ProposalDraft("skills", "fr", "Vrai", "Vrai corps"))
    thief = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    copy = forge.proposal(thief.id, venue.event_id, receipt_code=receipt.receipt_code)
    forged = forge.bundle(
        thief,
        forge.chain(thief.id, [("proposal.submitted", copy["id"], copy)]),
        event_id=venue.event_id,
        seal_pk=venue.seal_pk,
    )
    # Codes are unique per kiosk: the other device's copy merges as its own, and the
    # real kiosk's bundles still merge, before and after.
    assert venue.import_(forged).outcome == "accepted"
    assert venue.import_(venue.export_a()).outcome == "accepted"
    submit_proposal(venue.a, ProposalDraft("skills", "fr", "Encore", "Encore"))
    assert venue.import_(venue.export_a()).outcome == "accepted"
    assert event_stats(venue.central, "SM-2026")["proposals"] == 3
    # One kiosk using a code twice is refused (quarantined, not a server error).
    twice = [
        forge.proposal(thief.id, venue.event_id, receipt_code="AAAA2222"),
        forge.proposal(thief.id, venue.event_id, receipt_code="AAAA2222"),
    ]
    entries = forge.chain(
        thief.id, [("proposal.submitted", p["id"], p) for p in twice], start_seq=2,
        prev_hash=forge.chain(thief.id, [("proposal.submitted", copy["id"], copy)])[0].hash,
    )  # fmt: skip
    outcome = venue.import_(
        forge.bundle(thief, entries, event_id=venue.event_id, seal_pk=venue.seal_pk)
    )
    assert (outcome.outcome, outcome.code, outcome.seq) == ("rejected", "duplicate_receipt", 3)


MALFORMED: dict[str, tuple[Any, str]] = {
    "missing id": ({"drop": "id"}, "bad_fields"),
    "bad date": ({"created_at": "yesterday"}, "bad_field"),
    "list instead of an object": ("list", "bad_payload"),
    "dict as title": ({"title": {"ar": "x"}}, "bad_field"),
    "seq of 2^70": ("seq", "bad_entries"),
    "string as a flag": ({"consent_publish": "yes"}, "bad_field"),
    "unknown kind": ("kind", "unknown_kind"),
}


def malformed_bundle(venue: Venue, thief: forge.Device, case: str) -> bytes:
    change, _code = MALFORMED[case]
    payload: Any = forge.proposal(thief.id, venue.event_id)
    kind, seqs = "proposal.submitted", None
    if change == "list":
        payload = [payload]
    elif change == "seq":
        seqs = [2**70]
    elif change == "kind":
        kind = "attendee.deleted"
    elif "drop" in change:
        del payload[change["drop"]]
    else:
        payload.update(change)
    entries = forge.chain(
        thief.id, [(kind, forge.proposal(thief.id, venue.event_id)["id"], payload)], seqs=seqs
    )
    return forge.bundle(thief, entries, event_id=venue.event_id, seal_pk=venue.seal_pk)


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_payloads_are_quarantined_with_their_reason(venue: Venue, case: str) -> None:
    """By file (exit code 1, one line, no traceback) and over HTTP (422)."""
    from fastapi.testclient import TestClient

    from kiosk.central.server import create_app

    thief = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    data = malformed_bundle(venue, thief, case)
    path = venue.tmp / f"{case.replace(' ', '_')}.kbundle"
    path.write_bytes(data)
    out = run_cli(
        "--data-dir", str(venue.folder), "import", str(path), "--json", module="kiosk.central.cli"
    )  # fmt: skip
    assert out.returncode == 1 and "Traceback" not in out.stderr + out.stdout
    [result] = json.loads(out.stdout)
    assert (result["outcome"], result["code"]) == ("rejected", MALFORMED[case][1])
    assert result["seq"] in (1, None)
    assert (venue.folder / "quarantine" / path.name).exists() and not path.exists()
    client = TestClient(create_app(venue.central, venue.folder))
    headers = http_auth.sign_request(
        thief.key, thief.id, "POST", "/api/v1/bundles", data, http_auth.new_nonce()
    )
    answer = client.post("/api/v1/bundles", content=data, headers=headers)
    assert answer.status_code == 422 and answer.json()["code"] == MALFORMED[case][1]
    assert list((venue.folder / "incoming").iterdir()) == []  # no temporary file left
    # The real kiosk's bundle still merges.
    assert venue.import_(venue.export_a()).outcome == "accepted"


def test_a_device_id_cannot_be_squatted(venue: Venue) -> None:
    """A's id (shown in status and bundle names) claimed with another key, as a bundle or
    as an enrolment request: refused, and A keeps syncing."""
    real_id = venue.a.device_id
    assert real_id is not None
    attacker = forge.new_device()
    p = forge.proposal(real_id, venue.event_id)
    entries = forge.chain(real_id, [("proposal.submitted", p["id"], p)])
    outcome = venue.import_(
        forge.bundle(
            attacker, entries, event_id=venue.event_id, seal_pk=venue.seal_pk, device_id=real_id
        )
    )
    assert (outcome.outcome, outcome.code) == ("rejected", "device_id_mismatch")
    request = json.loads(
        make_request(
            attacker.key,
            event_id=venue.event_id,
            name="A",
            role="both",
            software="",
            created_at=forge.NOW,
        )
    )
    request["document"]["device_id"] = real_id  # re-signed, as the attacker can
    doc = json.dumps(request["document"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    request["signature"] = crypto.sign(
        attacker.key, b"listening-kiosk/enrolment-request\x00" + doc.encode()
    ).hex()
    with pytest.raises(EnrolmentError) as info:
        read_request(json.dumps(request).encode())
    assert info.value.code == "device_id_mismatch"
    assert venue.import_(venue.export_a()).outcome == "accepted"


def test_a_reminted_token_of_a_revoked_invitee_is_refused(venue: Venue, tmp_path: Path) -> None:
    """Whoever holds the walk-in key (any set-up kiosk) cannot mint invitee badges, and a
    revoked person is refused whatever token they show."""
    from nacl.signing import SigningKey

    from kiosk import crypto as _crypto
    from kiosk.storage.models import LocalSetting

    row = venue.tokens[3]
    victim = badges.parse_token(row["token"]).attendee_id
    venue.organiser("revoke", "SM-2026", row["token"])
    pack2 = tmp_path / "event-2.kpack"
    venue.organiser("pack", "SM-2026", "--out", str(pack2))
    setup_from_pack(
        venue.a, pack2.read_bytes(), name="door-A", role="both", keys_dir=venue.cfg_a.keys_dir,
        passphrase=venue.organiser.passphrase,
    )  # fmt: skip
    assert check_in(venue.a, row["token"]).outcome == "revoked"
    with venue.a.uow(readonly=True) as uow:
        walkin = SigningKey(
            bytes.fromhex(uow.session.get(LocalSetting, "walkin_signing_key").value)
        )
    assert _crypto  # the walk-in key a stolen kiosk holds
    as_invitee = badges.make_token(walkin, badges.KIND_INVITEE, venue.event_id, victim)
    as_walk_in = badges.make_token(walkin, badges.KIND_WALK_IN, venue.event_id, victim)
    assert check_in(venue.a, as_invitee).outcome == "invalid_signature"
    assert check_in(venue.a, as_walk_in).outcome == "revoked"
    assert check_in_attendee(venue.a, victim).outcome == "revoked"
    # A walk-in token for someone on the roster is not theirs either.
    other = badges.parse_token(venue.tokens[4]["token"]).attendee_id
    forged = badges.make_token(walkin, badges.KIND_WALK_IN, venue.event_id, other)
    assert check_in(venue.a, forged).outcome == "invalid_signature"


class _Rogue(BaseHTTPRequestHandler):
    answer: bytes = b""
    signature: str | None = None

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        if self.signature:
            self.send_header(http_auth.SERVER_SIGNATURE_HEADER, self.signature)
        self.end_headers()
        self.wfile.write(self.answer)

    do_POST = do_GET

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("signed", [False, True])
def test_a_rogue_high_water_answer_is_an_error_never_in_sync(venue: Venue, signed: bool) -> None:
    """Unsigned (a rogue server), or signed but above this kiosk's head (a confused
    platform): staff see an error, not "In sync", and nothing counts as sent."""
    nonce_holder: dict[str, str] = {}

    class Handler(_Rogue):
        def do_GET(self) -> None:
            nonce = self.headers.get(http_auth.NONCE_HEADER, "")
            body = json.dumps(
                {"device_id": venue.a.device_id, "seq": 999999, "nonce": nonce}
            ).encode()
            type(self).answer = body
            type(self).signature = (
                http_auth.sign_answer(load_signing_key(venue.folder), nonce, body)
                if signed
                else None
            )
            nonce_holder["n"] = nonce
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(RogueServer) as info:
            sync(venue.a, venue.cfg_a.keys_dir, url, attempts=1)
        assert info.value.code == ("rogue_high_water" if signed else "rogue_server")
        out = run_cli("--data-dir", str(venue.cfg_a.data_dir), "sync", "--url", url)
        assert out.returncode == 2 and "In sync" not in out.stdout
        assert "Traceback" not in out.stderr and out.stderr.strip()
    finally:
        server.shutdown()
    assert nonce_holder["n"]


def test_reads_need_an_organiser_and_sync_calls_the_device(venue: Venue) -> None:
    """No device id, station name or attendee id is served anonymously."""
    from fastapi.testclient import TestClient

    from kiosk.central.server import create_app

    client = TestClient(create_app(venue.central, venue.folder))
    assert client.get("/api/v1/events/SM-2026/stats").status_code == 401
    assert (
        client.get(
            "/api/v1/events/SM-2026/stats", headers={"authorization": "Bearer lkt_guess"}
        ).status_code
        == 401
    )
    token = json.loads(venue.organiser("token", "create", "--name", "ops", "--json"))
    good = {"authorization": f"Bearer {token['token']}"}
    assert client.get("/api/v1/events/SM-2026/stats", headers=good).status_code == 200
    venue.organiser("token", "revoke", token["id"])
    assert client.get("/api/v1/events/SM-2026/stats", headers=good).status_code == 401
    device_id = venue.a.device_id
    assert client.get(f"/api/v1/devices/{device_id}/high-water").status_code == 401
    stranger = forge.new_device()
    path = f"/api/v1/devices/{device_id}/high-water"
    forged = http_auth.sign_request(
        stranger.key, str(device_id), "GET", path, b"", http_auth.new_nonce()
    )
    assert client.get(path, headers=forged).status_code == 401
    cert_path = f"/api/v1/enrolments/{device_id}/certificate"
    assert client.get(cert_path).status_code == 401
    assert central  # the in-process CLI helper is used through venue.organiser


def test_a_pack_reveals_nothing_and_needs_its_passphrase(venue: Venue, sample_dir: Path) -> None:
    import base64
    import csv

    raw = venue.pack.read_bytes()
    envelope = json.loads(raw)
    payload = base64.b64decode(envelope["payload"])
    rows = list(csv.DictReader((sample_dir / "roster.csv").open(encoding="utf-8-sig")))
    secrets_seen = []
    with venue.central.uow(readonly=True) as uow:
        from kiosk.central.models import EventSecret

        secret = uow.session.get(EventSecret, venue.event_id)
        assert secret is not None
        secrets_seen = [secret.walkin_signing_key, secret.pack_passphrase]
    for blob in (raw, payload):
        text = blob.decode("utf-8")
        for row in rows:
            for field in ("full_name", "full_name_latin", "phone", "email", "organisation"):
                value = row.get(field, "").strip()
                if len(value) >= 4:
                    assert value not in text, (field, value)
                    assert json.dumps(value)[1:-1] not in text, (field, value)
        for token in venue.tokens:
            assert token["token"] not in text
        for value in secrets_seen:
            assert value not in text
    with pytest.raises(PackError) as info:
        read_pack(raw)
    assert info.value.code == "passphrase_required"
    assert "passphrase" in info.value.message("en")
    assert info.value.message("fr") != info.value.message("en")
    assert info.value.message("ar") != info.value.message("en")
    with pytest.raises(PackError) as info:
        read_pack(raw, passphrase="AAAA-BBBB-CCCC-DDDD")
    assert info.value.code == "wrong_passphrase"
    out = run_cli(
        "--data-dir", str(venue.tmp / "finder"), "--ui-language", "fr", "setup",
        "--pack", str(venue.pack), "--name", "x", "--pin", "482613",
    )  # fmt: skip
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "phrase" in out.stderr
    # Typed loosely (lower case, spaces), the real passphrase opens it.
    loose = venue.organiser.passphrase.lower().replace("-", " ")
    assert len(read_pack(raw, passphrase=loose).attendees) == 300


def test_a_revoked_kiosk_keeps_its_past_but_not_its_future(venue: Venue) -> None:
    submit_proposal(venue.a, ProposalDraft("skills", "fr", "Avant", "Avant la revocation"))
    assert venue.import_(venue.export_a()).outcome == "accepted"
    device_id = venue.a.device_id
    assert device_id is not None
    out = venue.organiser("device", "revoke", "SM-2026", device_id, "--json")
    assert json.loads(out)["revoked"] == [device_id]
    submit_proposal(venue.a, ProposalDraft("skills", "fr", "Apres", "Apres la revocation"))
    later = venue.import_(venue.export_a())
    assert (later.outcome, later.code) == ("rejected", "device_revoked")
    assert event_stats(venue.central, "SM-2026")["proposals"] == 1  # the earlier one stays
    listed = json.loads(venue.organiser("device", "list", "SM-2026", "--json"))
    assert [d["status"] for d in listed if d["device_id"] == device_id] == ["revoked"]
    # A revoked kiosk cannot be approved again with the same key.
    from kiosk.central.devices import approve
    from kiosk.domain.errors import KioskError
    from kiosk.services.enrol import enrolment_request

    with pytest.raises(KioskError) as info:
        approve(
            venue.central,
            venue.folder,
            "SM-2026",
            request_data=enrolment_request(venue.a, venue.cfg_a.keys_dir),
        )
    assert info.value.code == "device_revoked"


def test_a_kiosk_works_before_its_certificate_and_merges_once_approved(
    organiser, tmp_path: Path
) -> None:
    """7 am, no network, no organiser laptop: the door and the proposals work at once;
    its USB bundle waits in quarantine until the organiser approves the kiosk (by its
    request file), and over HTTP the kiosk sends its request, is told it waits, and
    uploads at the first sync after the organiser approved its code."""
    import signal

    from kiosk.config import load_settings
    from kiosk.services.enrol import REQUEST_FILE, enrolment_request, enrolment_state
    from kiosk.services.upload import NotEnrolled
    from tests.sync.test_http_sync import free_port, start_server

    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    tokens = organiser.tokens()
    central_store = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    key = load_sealing_key(organiser.folder)

    def early_kiosk(name: str) -> tuple[Store, Any]:
        cfg = load_settings(tmp_path / name)
        encrypted_folder(cfg.data_dir)  # the command line opens it too, as it is
        store = Store(cfg.db_url)
        setup_from_pack(
            store, pack.read_bytes(), name=name, role="both", keys_dir=cfg.keys_dir,
            passphrase=organiser.passphrase,
        )  # fmt: skip
        assert not enrolment_state(store).enrolled
        return store, cfg

    # By USB stick.
    store, cfg = early_kiosk("early")
    assert check_in(store, tokens[0]["token"]).outcome == "accepted"
    submit_proposal(
        store, ProposalDraft("skills", "ar", "\u0641\u0643\u0631\u0629", "\u0646\u0635")
    )
    result = export_bundle(store, cfg.keys_dir, tmp_path / "usb")
    assert result is not None
    [early] = import_files(central_store, [result.path], key, tmp_path / "q")
    assert (early.outcome, early.code) == ("rejected", "not_enrolled")
    request = tmp_path / REQUEST_FILE
    request.write_bytes(enrolment_request(store, cfg.keys_dir))
    assert read_request(request.read_bytes()).code == enrolment_state(store).code
    cert = tmp_path / "early.kcert"
    approval = organiser(
        "device", "approve", "SM-2026", "--request", str(request), "--out", str(cert), "--json"
    )
    assert json.loads(approval)["device_id"] == store.device_id
    [again] = import_files(
        central_store, sorted((tmp_path / "q").glob("*.kbundle")), key, tmp_path / "q2"
    )
    assert again.outcome == "accepted", again
    stats = event_stats(central_store, "SM-2026")
    assert stats["proposals"] == 1 and stats["unique_checkins"] == 1
    run = run_cli("--data-dir", str(cfg.data_dir), "enrol", "--certificate", str(cert))
    assert run.returncode == 0 and "Traceback" not in run.stderr
    assert enrolment_state(store).enrolled
    store.close()

    # Over HTTP, at the venue hub.
    store, cfg = early_kiosk("early-http")
    submit_proposal(store, ProposalDraft("skills", "fr", "Tot", "Tot le matin"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(organiser.folder, port)
    try:
        with pytest.raises(NotEnrolled) as info:
            sync(store, cfg.keys_dir, url, attempts=2, backoff=0.05)
        code = enrolment_state(store).code
        assert code in info.value.message("en")
        pending = json.loads(organiser("device", "list", "SM-2026", "--json"))
        assert [d["code"] for d in pending if d["status"] == "pending"] == [code]
        organiser("device", "approve", "SM-2026", "--code", code.lower().replace("-", " "),
                  "--out", str(tmp_path / "http.kcert"))  # fmt: skip
        report = sync(store, cfg.keys_dir, url, attempts=2, backoff=0.05)
        assert report.rejected is None and report.uploaded
        assert enrolment_state(store).enrolled
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    assert event_stats(central_store, "SM-2026")["proposals"] == 2
    central_store.close()
    store.close()


def test_an_upload_receipt_must_name_the_bundle_sent(venue: Venue) -> None:
    """A signed receipt for some other bundle is not taken as an acknowledgement."""
    signing = load_signing_key(venue.folder)

    class Handler(_Rogue):
        def do_GET(self) -> None:
            nonce = self.headers.get(http_auth.NONCE_HEADER, "")
            body = {"device_id": venue.a.device_id, "seq": 0, "nonce": nonce}
            if self.command == "POST":
                self.rfile.read(int(self.headers.get("content-length", "0")))
                body = {"outcome": "accepted", "bundle_sha256": "0" * 64, "nonce": nonce}
            raw = json.dumps(body).encode()
            type(self).answer = raw
            type(self).signature = http_auth.sign_answer(signing, nonce, raw)
            super().do_GET()

        do_POST = do_GET

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(RogueServer) as info:
            sync(venue.a, venue.cfg_a.keys_dir, f"http://127.0.0.1:{server.server_address[1]}")
        assert info.value.code == "rogue_receipt"
    finally:
        server.shutdown()


def test_anonymous_enrolment_requests_are_capped(venue: Venue, monkeypatch) -> None:
    from kiosk.central import devices
    from kiosk.domain.errors import KioskError

    monkeypatch.setattr(devices, "MAX_PENDING_PER_EVENT", 2)

    def request() -> bytes:
        key = forge.new_device().key
        return make_request(
            key, event_id=venue.event_id, name="x", role="both", software="", created_at=forge.NOW
        )

    devices.receive_request(venue.central, request())
    devices.receive_request(venue.central, request())
    with pytest.raises(KioskError) as info:
        devices.receive_request(venue.central, request())
    assert info.value.code == "too_many"


@pytest.mark.parametrize("answer", ["404", "not json"])
def test_a_wrong_address_is_one_line_never_a_traceback(venue: Venue, answer: str) -> None:
    """Issue 15: a wrong path (404) or a page that is not the platform's JSON."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404 if answer == "404" else 200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>not here</html>")

        do_POST = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/wrong/path"
        out = run_cli("--data-dir", str(venue.cfg_a.data_dir), "sync", "--url", url)
    finally:
        server.shutdown()
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "In sync" not in out.stdout


def test_a_kiosk_takes_only_its_own_certificate(venue: Venue) -> None:
    """A certificate found on a stick, of another kiosk, or signed by someone else."""
    import base64

    from kiosk.enrolment import EnrolmentError as Refused
    from kiosk.services.enrol import install_certificate

    other = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    with pytest.raises(Refused) as info:
        install_certificate(venue.a, base64.b64decode(other.certificate))
    assert info.value.code == "other_device_certificate"
    with pytest.raises(Refused):
        install_certificate(venue.a, b'{"format": "listening-kiosk/device-certificate"}')
