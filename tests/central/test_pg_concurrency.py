"""Twenty kiosks uploading at once to a server backed by PostgreSQL: nothing lost,
nothing duplicated."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import httpx
import pytest

from kiosk.config import load_settings
from kiosk.domain.proposal import ProposalDraft
from kiosk.services.checkin import check_in
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.proposals import submit_proposal
from kiosk.services.upload import sync
from kiosk.services.walk_in import register_walk_in
from kiosk.storage import Store
from tests.conftest import central, enrol, pack_passphrase
from tests.sync.test_http_sync import free_port, start_server

pytestmark = pytest.mark.postgres
KIOSKS = 20


@pytest.mark.slow
def test_twenty_kiosks_at_once(pg_url: str, tmp_path: Path, capsys, sample_dir: Path) -> None:
    folder = tmp_path / "central"

    def run(*args: str) -> str:
        return central(capsys, "--data-dir", str(folder), "--db", pg_url, *args)

    run("init")
    run(
        "event",
        "create",
        "--code",
        "PG-1",
        "--name",
        "PG",
        "--region",
        "R",
        "--venue",
        "V",
        "--starts",
        "2026-11-23T08:00",
        "--ends",
        "2026-11-23T18:00",
    )
    run("roster", "import", "PG-1", str(sample_dir / "roster.csv"))
    run("pack", "PG-1", "--out", str(tmp_path / "pg.kpack"))
    tokens = json.loads(run("roster", "tokens", "PG-1", "--json"))
    pack = (tmp_path / "pg.kpack").read_bytes()
    passphrase = pack_passphrase(folder, "PG-1", db_url=pg_url)
    token = json.loads(run("token", "create", "--name", "test", "--json"))["token"]

    stores = []
    for i in range(KIOSKS):
        cfg = load_settings(tmp_path / f"k{i}")
        store = Store(cfg.db_url)
        setup_from_pack(
            store,
            pack,
            name=f"k{i:02d}",
            role="both",
            keys_dir=cfg.keys_dir,
            passphrase=passphrase,
        )
        enrol(folder, store, cfg.keys_dir, "PG-1", db_url=pg_url)
        for row in tokens[i * 15 : (i + 1) * 15]:
            check_in(store, row["token"])
        check_in(store, tokens[0]["token"])  # everybody scans the first badge too
        for j in range(5):
            submit_proposal(store, ProposalDraft("skills", "fr", f"k{i}-{j}", "corps"))
        stores.append((store, cfg))
    walk_in = register_walk_in(stores[0][0], name="Walk In")
    check_in(stores[1][0], walk_in.token)

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env_db = ["--db", pg_url]
    server = start_server(folder, port, extra=env_db)
    errors: list[BaseException] = []

    def upload(store: Store, keys: Path) -> None:
        try:
            report = sync(store, keys, url, chunk=7, attempts=8, backoff=0.1)
            assert report.rejected is None
        except BaseException as exc:  # reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=upload, args=(s, c.keys_dir)) for s, c in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors
        stats = httpx.get(
            f"{url}/api/v1/events/PG-1/stats",
            headers={"authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    assert stats["proposals"] == KIOSKS * 5
    assert stats["walk_ins"] == 1
    assert stats["unique_checkins"] == min(len(tokens), KIOSKS * 15) + 1
    # tokens[0] accepted on kiosk 0; 19 other kiosks accepted it too (cross-station
    # duplicates), kiosk 0's own second scan is already_checked_in; plus the walk-in on k1.
    assert len(stats["duplicate_checkins"]) == KIOSKS - 1 + 1
    assert all(d["gaps"] == [] for d in stats["devices"]) and len(stats["devices"]) == KIOSKS
    for store, _cfg in stores:
        store.close()
