"""Durable proposal submits through the service vs raw sqlite3 with the same pragmas.

Both sides do the same storage work per submit, in one durable transaction
(WAL, synchronous=FULL): insert the proposal row, read the journal head,
insert the journal entry, update the head. The raw side has its rows and
hashes prepared in advance, so the ratio is what validation, hashing, the ORM
and the unit of work cost on top of the disk.

    python bench/bench_storage.py [--n 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import SAMPLE_DIR, percentile, record
from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.setup import init_demo
from kiosk.storage import Store
from kiosk.storage.engine import WAL_AUTOCHECKPOINT_PAGES


def load_drafts(n: int) -> list[ProposalDraft]:
    rows = [
        json.loads(line)
        for line in (SAMPLE_DIR / "proposals.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    return [
        ProposalDraft(r["theme"], r["language"], f"{r['title']} {i}", r["body"])
        for i, r in enumerate(rows[i % len(rows)] for i in range(n))
    ]


def bench_service(folder: Path, drafts: list[ProposalDraft]) -> list[float]:
    store = Store(f"sqlite:///{folder / 'service.db'}")
    init_demo(store)
    for d in drafts[:50]:  # warm-up
        submit_proposal(store, d)
    times = []
    for d in drafts:
        t0 = time.perf_counter()
        submit_proposal(store, d)
        times.append((time.perf_counter() - t0) * 1000)
    store.close()
    return times


def bench_raw(folder: Path, drafts: list[ProposalDraft]) -> list[float]:
    con = sqlite3.connect(folder / "raw.db", isolation_level=None)
    # The same pragmas as the kiosk's engine (kiosk/storage/engine.py), checkpoint
    # interval included, so the ratio compares the code and not the settings.
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        f"wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}",
        "foreign_keys=ON",
        "busy_timeout=5000",
    ):
        con.execute(f"PRAGMA {pragma}")
    con.execute(
        "CREATE TABLE proposal (id TEXT PRIMARY KEY, event_id TEXT, theme TEXT, "
        "language TEXT, title TEXT, body TEXT, receipt_code TEXT UNIQUE, "
        "created_at TEXT)"
    )
    con.execute(
        "CREATE TABLE journal (device_id TEXT, seq INTEGER, kind TEXT, record_id TEXT, "
        "payload TEXT, prev_hash TEXT, hash TEXT, PRIMARY KEY (device_id, seq))"
    )
    con.execute("CREATE TABLE device (id TEXT PRIMARY KEY, seq INTEGER, hash TEXT)")
    con.execute("INSERT INTO device VALUES ('d', 0, '')")
    prepared = []
    for i, d in enumerate(drafts * 2):
        pid = str(uuid.uuid4())
        payload = json.dumps({"id": pid, "title": d.title, "body": d.body}, ensure_ascii=False)
        prepared.append((pid, d, payload, hashlib.sha256(payload.encode()).hexdigest(), i))

    def one(item: tuple[str, ProposalDraft, str, str, int]) -> None:
        pid, d, payload, digest, i = item
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "INSERT INTO proposal VALUES (?,?,?,?,?,?,?,?)",
            (pid, "e", d.theme, d.language, d.title, d.body, f"R{i}", "2026-11-23"),
        )
        seq, prev = con.execute("SELECT seq, hash FROM device WHERE id='d'").fetchone()
        con.execute(
            "INSERT INTO journal VALUES (?,?,?,?,?,?,?)",
            ("d", seq + 1, "proposal.submitted", pid, payload, prev, digest),
        )
        con.execute("UPDATE device SET seq=?, hash=? WHERE id='d'", (seq + 1, digest))
        con.execute("COMMIT")

    for item in prepared[len(drafts) : len(drafts) + 50]:  # warm-up
        one(item)
    times = []
    for item in prepared[: len(drafts)]:
        t0 = time.perf_counter()
        one(item)
        times.append((time.perf_counter() - t0) * 1000)
    con.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    drafts = load_drafts(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = bench_raw(folder, drafts)
        service = bench_service(folder, drafts)
    print(f"{args.n} durable submits each (WAL, synchronous=FULL)")
    record(
        "storage: submit_proposal p50",
        percentile(service, 50),
        "ms",
        percentile(raw, 50),
        "raw sqlite3 p50",
    )
    record(
        "storage: submit_proposal p99",
        percentile(service, 99),
        "ms",
        percentile(raw, 99),
        "raw sqlite3 p99",
        target="ratio <= 1.5",
    )


if __name__ == "__main__":
    main()
