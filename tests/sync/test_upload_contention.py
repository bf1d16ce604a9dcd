"""Uploads while the database is busy (issue 16, the console under load): a bundle that
cannot have the write lock in time is not refused, it is answered 503 with
Retry-After, kept nowhere (the kiosk still holds it) and merged when sent again; the
review rows of an accepted bundle's proposals are made in the merge itself."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.central.models import ProposalReview
from kiosk.central.store import open_central
from kiosk.storage.models import Proposal
from tests.sync import forge, test_attacks
from tests.sync.test_attacks import Venue
from tests.sync.test_server_abuse import UPLOAD, signed_headers

venue = test_attacks.venue  # the fixture: its organiser's folder, store and event


def _bundle(venue: Venue, device: forge.Device, n: int = 3) -> bytes:
    items = [
        ("proposal.submitted", p["id"], p)
        for p in (
            forge.proposal(device.id, venue.event_id, title=f"Titre {i}", body="\u00c9cole")
            for i in range(n)
        )
    ]
    return forge.bundle(
        device, forge.chain(device.id, items), event_id=venue.event_id, seal_pk=venue.seal_pk
    )


def test_an_upload_that_meets_a_held_write_lock_is_answered_503_not_quarantined(
    venue: Venue,
) -> None:
    from fastapi.testclient import TestClient

    from kiosk.central.server import create_app

    # The server's store waits 0.2 s for the write lock (5 s by default).
    store = open_central(f"sqlite:///{venue.folder / 'central.db'}", busy_timeout_ms=200)
    client = TestClient(create_app(store, venue.folder))
    device = forge.enrolled_device(store, venue.folder, "SM-2026", venue.event_id)
    body = _bundle(venue, device)
    holder = sqlite3.connect(venue.folder / "central.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer (a command-line import, say)
    try:
        answer = client.post(UPLOAD, content=body, headers=signed_headers(device, body))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 503, answer.text
    assert int(answer.headers["retry-after"]) >= 1
    quarantine = venue.folder / "quarantine"
    assert not quarantine.exists() or not list(quarantine.iterdir())
    assert not list((venue.folder / "incoming").iterdir())
    # Sent again once the lock is free: merged, with the review rows of its proposals.
    again = client.post(UPLOAD, content=body, headers=signed_headers(device, body))
    assert again.status_code == 200 and again.json()["outcome"] == "accepted"
    with store.uow(readonly=True) as uow:
        proposals = uow.session.scalar(
            select(func.count()).select_from(Proposal).where(Proposal.device_id == device.id)
        )
        reviews = uow.session.scalar(
            select(func.count())
            .select_from(ProposalReview)
            .where(ProposalReview.device_id == device.id)
        )
    assert proposals == reviews == 3
    store.close()


def test_the_merge_makes_the_review_rows_of_its_proposals(venue: Venue) -> None:
    device = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    outcome = venue.import_(_bundle(venue, device, 4))
    assert outcome.outcome == "accepted"
    with venue.central.uow(readonly=True) as uow:
        rows = list(
            uow.session.scalars(select(ProposalReview).where(ProposalReview.device_id == device.id))
        )
    assert len(rows) == 4
    assert {r.state for r in rows} == {"received"}
    assert all("ecole" in r.search_key for r in rows)  # folded as the search is


def test_an_upload_beyond_the_queue_is_answered_503_before_its_body(
    venue: Venue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from kiosk.central import server

    monkeypatch.setattr(server, "IMPORTS_AT_ONCE", 0)
    monkeypatch.setattr(server, "UPLOADS_WAITING", 0)  # every upload finds the queue full
    client = TestClient(server.create_app(venue.central, venue.folder))
    device = forge.enrolled_device(venue.central, venue.folder, "SM-2026", venue.event_id)
    body = _bundle(venue, device)
    answer = client.post(UPLOAD, content=body, headers=signed_headers(device, body))
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == str(server.RETRY_AFTER_S)
    assert answer.headers["connection"] == "close"
    assert not list((venue.folder / "incoming").iterdir())


def test_the_kiosk_waits_as_long_as_a_busy_server_says(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    from kiosk.services import upload

    waits: list[float] = []
    monkeypatch.setattr(upload.time, "sleep", waits.append)
    answers = iter(
        [
            httpx.Response(503, headers={"retry-after": "7"}),
            httpx.Response(503, headers={"retry-after": "3600"}),  # capped
            httpx.Response(503),  # none said: the backoff
            httpx.Response(200),
        ]
    )
    response = upload._with_retries(lambda: next(answers), 5, 0.5, "http://central")
    assert response.status_code == 200
    assert waits == [7, upload.MAX_RETRY_AFTER_S, 2.0]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["stopped", "killed"])
def test_the_import_process_ends_with_the_server(
    venue: Venue, tmp_path: Path, how: signal.Signals
) -> None:
    from tests.sync.test_server_abuse import Server

    server = Server(venue.folder, tmp_path / "server.log")
    deadline = time.monotonic() + 30
    workers: list[int] = []
    while not workers and time.monotonic() < deadline:
        workers = [c for c in _children(server.proc.pid) if "spawn_main" in _cmdline(c)]
        time.sleep(0.1)
    assert workers, "no import process"
    server.proc.send_signal(how)
    server.proc.wait(timeout=10)
    server.stop()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
