"""Durable proposal submits through the service vs raw sqlite3 with the same pragmas.

The kiosk's database is encrypted at rest (SQLCipher, kiosk/storage/atrest.py), so by
default every side runs on SQLCipher with one database key ("raw" is then raw
SQLCipher); ``--plain`` runs them all on the standard library's SQLite, as before.

Every side does the same storage work per submit, in one durable transaction
(WAL, synchronous=FULL), in the kiosk's own tables: insert the proposal row,
read the journal head, insert the journal entry, update the head.

- service: ``submit_proposal``, as the kiosk runs it;
- floor: plain sqlite3 doing the work every submit must do (validation, ids,
  canonical JSON, the chain hash) inside the timed submit, and nothing else;
- raw: plain sqlite3 with its rows and hashes prepared in advance;
- minimal: plain sqlite3 into a minimal schema of its own (the old baseline).

service/raw is the figure with the target; floor/raw is what the required work
costs on this machine, service/floor what the service's own layers add. The
sides take turns in blocks of 50 submits.

    python bench/bench_storage.py [--n 2000] [--plain]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import SAMPLE_DIR, percentile, record
from kiosk.clock import SYSTEM_CLOCK
from kiosk.config import Limits
from kiosk.domain.event import EventInfo
from kiosk.domain.proposal import ProposalDraft, validate_proposal
from kiosk.ids import new_id, new_receipt_code
from kiosk.services.context import event_info
from kiosk.services.proposals import proposal_payload, submit_proposal
from kiosk.services.setup import init_demo
from kiosk.storage import Store, atrest
from kiosk.storage.canonical import canonical_json, chain_hash_text, document_text
from kiosk.storage.engine import WAL_AUTOCHECKPOINT_PAGES
from kiosk.storage.models import JournalEntry, Proposal, utc_text


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


Submit = Callable[[int], None]
Submitter = tuple[Submit, Callable[[], None]]  # submit draft i; close


def service_submitter(folder: Path, drafts: list[ProposalDraft]) -> Submitter:
    store = Store(f"sqlite:///{folder / 'service.db'}")
    init_demo(store)
    for d in drafts[:50]:  # warm-up
        submit_proposal(store, d)

    def one(index: int) -> None:
        submit_proposal(store, drafts[index])

    return one, store.close


def pragmas(con: sqlite3.Connection) -> None:
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


def insert_sql(table: Any) -> str:
    names = [c.name for c in table.columns]
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


PROPOSAL_COLUMNS = [c.name for c in Proposal.__table__.columns]
ENTRY_COLUMNS = [c.name for c in JournalEntry.__table__.columns]
INSERT_PROPOSAL = insert_sql(Proposal.__table__)
INSERT_ENTRY = insert_sql(JournalEntry.__table__)
READ_HEAD = "SELECT journal_seq, journal_hash FROM device WHERE id=?"
MOVE_HEAD = "UPDATE device SET journal_seq=?, journal_hash=? WHERE id=?"


def kiosk_database(path: Path) -> tuple[sqlite3.Connection, str, EventInfo]:
    """A demo kiosk database made by the kiosk's migrations, opened with plain sqlite3:
    the connection, this device's id and the event."""
    store = Store(f"sqlite:///{path}")
    init_demo(store)
    with store.uow(readonly=True) as uow:
        device_id, event = uow.device_id, event_info(uow)
    store.close()
    con = atrest.connect(path)  # SQLCipher with the folder's key, unless --plain
    con.isolation_level = None
    pragmas(con)
    return con, device_id, event


def proposal_row(
    d: ProposalDraft, pid: str, receipt: str, now: dt.datetime, event_id: str, device_id: str
) -> dict[str, Any]:
    """Every column of the proposal row, as the service writes it."""
    return {
        "id": pid, "event_id": event_id, "attendee_id": None, "device_id": device_id,
        "theme_code": d.theme, "language": d.language, "title": d.title, "body": d.body,
        "age_band": d.age_band, "gender": d.gender, "province": d.province,
        "profile": d.profile, "consent_publish": d.consent_publish, "receipt_code": receipt,
        "created_at": now, "training": False,
    }  # fmt: skip


def proposal_values(row: dict[str, Any]) -> tuple[Any, ...]:
    """The row's values in column order, the time as the text the database stores."""
    return tuple(utc_text(row[k]) if k == "created_at" else row[k] for k in PROPOSAL_COLUMNS)


def append_and_commit(
    con: sqlite3.Connection, device_id: str, seq: int, pid: str, payload: str,
    wall: str, mono: int, prev: str, digest: str,
) -> None:  # fmt: skip
    """The journal entry after head ``seq - 1``, the head moved, the commit."""
    entry = {
        "device_id": device_id, "seq": seq, "kind": "proposal.submitted", "record_id": pid,
        "payload": payload, "wall_time": wall, "mono_ns": mono, "prev_hash": prev,
        "hash": digest,
    }  # fmt: skip
    con.execute(INSERT_ENTRY, tuple(entry[k] for k in ENTRY_COLUMNS))
    con.execute(MOVE_HEAD, (seq, digest, device_id))
    con.execute("COMMIT")


def raw_submitter(folder: Path, drafts: list[ProposalDraft]) -> Submitter:
    """Raw sqlite3 writing what the service writes: the same rows, every column, into
    the kiosk's own tables (built by its migrations, with their indexes), and a
    journal entry carrying the same full-row payload. Ids (UUIDv7), receipt codes,
    payloads and hashes are made in advance, by the kiosk's own functions, so the
    indexes see the same kind of keys. What is left of the ratio is the software:
    validation, reading the event, ids, canonical JSON, hashing, the statements and
    the unit of work."""
    con, device_id, event = kiosk_database(folder / "raw.db")
    event_id = event.id
    prepared = []
    now = dt.datetime.now(dt.UTC)
    for d in drafts * 2:
        row = proposal_row(d, new_id(), new_receipt_code(), now, event_id, device_id)
        payload = canonical_json(proposal_payload(row))
        digest = hashlib.sha256(payload.encode()).hexdigest()
        prepared.append((row["id"], proposal_values(row), payload, digest))

    def one(index: int) -> None:
        pid, values, payload, digest = prepared[index]
        con.execute("BEGIN IMMEDIATE")
        con.execute(INSERT_PROPOSAL, values)
        seq, prev = con.execute(READ_HEAD, (device_id,)).fetchone()
        wall = now.isoformat(timespec="microseconds")
        append_and_commit(con, device_id, seq + 1, pid, payload, wall, index, prev, digest)

    for index in range(len(drafts), len(drafts) + 50):  # warm-up
        one(index)
    return one, con.close


def floor_submitter(folder: Path, drafts: list[ProposalDraft]) -> Submitter:
    """Raw sqlite3 doing, inside the timed submit, the work the foundation issue asks
    of every submit, with the kiosk's own functions: validation (NFC, control
    characters, limits, theme and language), a UUIDv7 and a receipt code, the
    row's canonical JSON and the SHA-256 chain hash over the head read in the
    transaction. No unit of work, no prepared-statement layer, no settings read.

    Its ratio to raw is what that required work costs on this machine; the
    service's ratio to it is what the rest of the code costs."""
    con, device_id, event = kiosk_database(folder / "floor.db")
    event_id, themes, languages, limits = event.id, event.theme_codes, event.languages, Limits()
    clock = SYSTEM_CLOCK

    def one(index: int) -> None:
        d = validate_proposal(drafts[index], theme_codes=themes, languages=languages, limits=limits)
        pid, now = new_id(), clock.now()
        row = proposal_row(d, pid, new_receipt_code(), now, event_id, device_id)
        con.execute("BEGIN IMMEDIATE")
        con.execute(INSERT_PROPOSAL, proposal_values(row))
        seq, prev = con.execute(READ_HEAD, (device_id,)).fetchone()
        payload = canonical_json(proposal_payload(row))
        wall, mono = clock.now().isoformat(timespec="microseconds"), clock.monotonic_ns()
        document = document_text(device_id, seq + 1, "proposal.submitted", pid, payload, wall, mono)
        digest = chain_hash_text(prev, document)
        append_and_commit(con, device_id, seq + 1, pid, payload, wall, mono, prev, digest)

    for index in range(50):  # warm-up
        one(index)
    return one, con.close


def minimal_submitter(folder: Path, drafts: list[ProposalDraft]) -> Submitter:
    """Raw sqlite3 into a minimal schema of its own (four-column journal, no
    indexes beyond the keys, a short payload): the baseline before 2026-11-23,
    still printed, so that the two can be compared."""
    con = atrest.connect(folder / "minimal.db")
    con.isolation_level = None
    pragmas(con)
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

    def one(index: int) -> None:
        pid, d, payload, digest, i = prepared[index]
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

    for index in range(len(drafts), len(drafts) + 50):  # warm-up
        one(index)
    return one, con.close


def timed(submit: Submit, index: int) -> float:
    t0 = time.perf_counter()
    submit(index)
    return (time.perf_counter() - t0) * 1000


def run_interleaved(
    folder: Path, drafts: list[ProposalDraft], block: int = 50
) -> dict[str, list[float]]:
    """The sides take turns in blocks of ``block`` submits (the order rotates), so
    that this shared machine's bursts of slow disk hit every side alike: run one whole
    side after the other, a burst during one side alone moved the p99 ratio anywhere
    from 0.7 to 7. Blocks, not single submits, keep each side's fsyncs back to back,
    as on a kiosk with one database."""
    sides = {
        "service": service_submitter(folder, drafts),
        "floor": floor_submitter(folder, drafts),
        "raw": raw_submitter(folder, drafts),
        "minimal": minimal_submitter(folder, drafts),
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for n, start in enumerate(range(0, len(drafts), block)):
        indexes = range(start, min(start + block, len(drafts)))
        turn = n % len(names)
        for name in names[turn:] + names[:turn]:
            submit = sides[name][0]
            times[name].extend(timed(submit, i) for i in indexes)
    for _submit, close in sides.values():
        close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--plain", action="store_true", help="SQLite, not SQLCipher")
    args = parser.parse_args()
    drafts = load_drafts(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.plain:  # every database of the folder, the service's included
            atrest.register(Path(tmp), atrest.new_database_key())
        times = run_interleaved(Path(tmp), drafts)
    service, floor, raw = times["service"], times["floor"], times["raw"]
    minimal = times["minimal"]
    engine = "SQLite" if args.plain else "SQLCipher"
    print(f"{args.n} durable submits each ({engine}, WAL, synchronous=FULL), in turns of 50")
    record(
        "storage: submit_proposal p50",
        percentile(service, 50),
        "ms",
        percentile(raw, 50),
        f"raw {engine} p50, same rows and tables",
    )
    record(
        "storage: submit_proposal p99",
        percentile(service, 99),
        "ms",
        percentile(raw, 99),
        f"raw {engine} p99, same rows and tables",
        target="ratio <= 1.5",
    )
    record(
        "storage: required work alone p50 (floor)",
        percentile(floor, 50),
        "ms",
        percentile(raw, 50),
        f"raw {engine} p50, same rows and tables",
    )
    record(
        "storage: required work alone p99 (floor: raw sqlite3 + validation, ids, JSON, hash)",
        percentile(floor, 99),
        "ms",
        percentile(raw, 99),
        f"raw {engine} p99, same rows and tables",
    )
    record(
        "storage: submit_proposal p99 vs the floor",
        percentile(service, 99),
        "ms",
        percentile(floor, 99),
        "floor p99 (the required work without the service's layers)",
    )
    record(
        "storage: submit_proposal p99 (vs minimal schema)",
        percentile(service, 99),
        "ms",
        percentile(minimal, 99),
        f"raw {engine} p99, minimal schema",
    )


if __name__ == "__main__":
    main()
