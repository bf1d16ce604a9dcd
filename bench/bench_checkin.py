"""Check-in and name search with a 100,000-attendee roster.

Prints p50/p99 of a full ``check_in`` service call (decode, verify, look up,
record, commit), p50/p95 of a name search, and, in the same run, a raw SQLite
indexed lookup plus durable insert with the same pragmas, and the floor: plain
sqlite3 doing what every scan must do (token, signature, look-up, check-in row and
journal entry), whose p99 the service's is compared with (target: at most 2x).

    python bench/bench_checkin.py [--attendees 100000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nacl.signing import SigningKey
from sqlalchemy import insert

from bench._common import percentile, record
from kiosk import badges
from kiosk.clock import SYSTEM_CLOCK
from kiosk.domain.search import search_key
from kiosk.ids import new_id
from kiosk.services.checkin import check_in, checkin_payload, door_keys
from kiosk.services.roster_search import search_attendees
from kiosk.services.setup import init_demo
from kiosk.storage import Store
from kiosk.storage.canonical import canonical_json, chain_hash_text, document_text
from kiosk.storage.models import Attendee, utc_text
from kiosk.storage.settings import EVENT_ID, ORGANISER_SIGN_PK, WALKIN_SIGNING_KEY

FIRST = [
    "Salma",
    "Ayoub",
    "Nadia",
    "Youssef",
    "Fatima",
    "Hassan",
    "Khadija",
    "Omar",
    "Amina",
    "Mehdi",
    "\u0633\u0644\u0645\u0649",
    "\u0623\u064a\u0648\u0628",
    "\u0641\u0627\u0637\u0645\u0629",
    "\u064a\u0648\u0633\u0641",
    "\u062e\u062f\u064a\u062c\u0629",
]
LAST = [
    "Benmoussa",
    "Idrissi",
    "El Fassi",
    "Alaoui",
    "Tazi",
    "Amziane",
    "Ait Ali",
    "\u0628\u0646\u0645\u0648\u0633\u0649",
    "\u0627\u0644\u0634\u0631\u0642\u0627\u0648\u064a",
    "\u0627\u0644\u062a\u0627\u0632\u064a",
    "\u0623\u064a\u062a \u0639\u0644\u064a",
]


def build_roster(store: Store, n: int, organiser: SigningKey) -> list[str]:
    rng = random.Random(1)
    tokens = []
    with store.uow() as uow:
        event_id = uow.setting(EVENT_ID)
        uow.save(ORGANISER_SIGN_PK, bytes(organiser.verify_key).hex())
        uow.save(WALKIN_SIGNING_KEY, bytes(SigningKey.generate()).hex())
        now = store.clock.now()
        rows = []
        for i in range(n):
            attendee_id = new_id()
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}"
            token = badges.make_token(organiser, badges.KIND_INVITEE, event_id, attendee_id)
            tokens.append(token)
            rows.append(
                {
                    "id": attendee_id,
                    "event_id": event_id,
                    "external_id": f"X{i}",
                    "kind": "invited",
                    "name": name,
                    "name_latin": "",
                    "organisation": "",
                    "category": "citizen",
                    "province": "",
                    "phone": "",
                    "email": "",
                    "preferred_language": "",
                    "consent": False,
                    "search_key": search_key(name),
                    "created_at": now,
                    "created_by": None,
                    "badge_token": token,
                }
            )
            if len(rows) == 5000:
                uow.connection.execute(insert(Attendee), rows)
                rows = []
        if rows:
            uow.connection.execute(insert(Attendee), rows)
        uow.commit()
    return tokens


def raw_baseline(folder: Path, n: int, lookups: int) -> list[float]:
    con = sqlite3.connect(folder / "raw.db", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000"):
        con.execute(f"PRAGMA {pragma}")
    con.execute("CREATE TABLE attendee (id TEXT PRIMARY KEY, name TEXT)")
    con.execute(
        "CREATE TABLE checkin (id TEXT PRIMARY KEY, attendee_id TEXT, at TEXT, outcome TEXT)"
    )
    con.execute("CREATE INDEX ix ON checkin (attendee_id, outcome)")
    ids = [str(uuid.uuid4()) for _ in range(n)]
    con.execute("BEGIN")
    con.executemany("INSERT INTO attendee VALUES (?, ?)", ((i, "x") for i in ids))
    con.execute("COMMIT")
    rng = random.Random(2)
    times = []
    for attendee in rng.sample(ids, lookups):
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("SELECT name FROM attendee WHERE id=?", (attendee,)).fetchone()
        con.execute(
            "SELECT id FROM checkin WHERE attendee_id=? AND outcome='accepted'", (attendee,)
        ).fetchone()
        con.execute(
            "INSERT INTO checkin VALUES (?,?,?,?)",
            (str(uuid.uuid4()), attendee, "2026-11-23", "accepted"),
        )
        con.execute("COMMIT")
        times.append((time.perf_counter() - t0) * 1000)
    con.close()
    return times


FLOOR_LOOKUP = (
    "SELECT a.id, a.event_id, a.kind, a.name, a.name_latin, a.organisation, a.category,"
    " EXISTS (SELECT 1 FROM revoked_attendee r WHERE r.event_id = ? AND r.attendee_id = a.id),"
    " (SELECT c.id FROM checkin c WHERE c.attendee_id = a.id AND c.outcome = 'accepted'"
    " AND c.undone_at IS NULL ORDER BY c.at LIMIT 1)"
    " FROM attendee a WHERE a.id = ?"
)
FLOOR_INSERT = (
    "INSERT INTO checkin (id, event_id, attendee_id, device_id, station, at, method, outcome,"
    " detail, undone_at, training) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)"
)
FLOOR_ENTRY = (
    "INSERT INTO journal (device_id, seq, kind, record_id, payload, wall_time, mono_ns,"
    " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

FLOOR_MOVE_HEAD = "UPDATE device SET journal_seq=?, journal_hash=? WHERE id=?"


def floor_scans(path: Path, tokens: list[str], keys: dict[int, dict[bytes, bytes]]) -> list[float]:
    """Plain sqlite3 doing, inside the timed scan, what every scan must do, with the
    kiosk's own functions for the required work: decode and parse the token, check
    its signature, look the person up (revoked? first check-in?), insert the
    check-in row, its journal entry (canonical JSON, SHA-256 chain over the head
    read in the transaction), move the head, commit (WAL, synchronous=FULL). On a
    copy of the service's database, so the tables, indexes and rows are the same.
    No unit of work, no prepared-statement layer, no settings read."""
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000"):
        con.execute(f"PRAGMA {pragma}")
    (device_id,) = con.execute("SELECT value FROM local_setting WHERE key='device_id'").fetchone()
    (event_id,) = con.execute("SELECT value FROM local_setting WHERE key='event_id'").fetchone()
    clock = SYSTEM_CLOCK
    times = []
    for token in tokens:
        t0 = time.perf_counter()
        badge = badges.parse_token(badges.decode_scanned(token))
        badges.verify_badge(badge, keys)
        con.execute("BEGIN IMMEDIATE")
        row = con.execute(FLOOR_LOOKUP, (event_id, badge.attendee_id)).fetchone()
        outcome = "accepted" if row[8] is None else "already_checked_in"
        now = clock.now()
        cid = new_id()
        check = {
            "id": cid, "event_id": event_id, "attendee_id": row[0], "device_id": device_id,
            "station": "", "at": now, "method": "scan", "outcome": outcome, "detail": "",
            "training": False,
        }  # fmt: skip
        con.execute(
            FLOOR_INSERT,
            (cid, event_id, row[0], device_id, "", utc_text(now), "scan", outcome, "", False),
        )
        seq, prev = con.execute(
            "SELECT journal_seq, journal_hash FROM device WHERE id=?", (device_id,)
        ).fetchone()
        payload = canonical_json(checkin_payload(check))
        wall, mono = clock.now().isoformat(timespec="microseconds"), clock.monotonic_ns()
        kind = "checkin.recorded"
        digest = chain_hash_text(
            prev, document_text(device_id, seq + 1, kind, cid, payload, wall, mono)
        )
        con.execute(FLOOR_ENTRY, (device_id, seq + 1, kind, cid, payload, wall, mono, prev, digest))
        con.execute(
            "UPDATE device SET journal_seq=?, journal_hash=? WHERE id=?",
            (seq + 1, digest, device_id),
        )
        con.execute("COMMIT")
        times.append((time.perf_counter() - t0) * 1000)
    con.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attendees", type=int, default=100_000)
    parser.add_argument("--scans", type=int, default=2000)
    parser.add_argument("--searches", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store(f"sqlite:///{folder / 'kiosk.db'}")
        init_demo(store)
        t0 = time.perf_counter()
        tokens = build_roster(store, args.attendees, SigningKey.generate())
        print(f"roster of {args.attendees} built in {time.perf_counter() - t0:.1f} s")
        # The floor's database: a copy of the service's, taken before any scan.
        copy = sqlite3.connect(folder / "floor.db")
        with sqlite3.connect(folder / "kiosk.db") as source:
            source.backup(copy)
        copy.close()
        with store.uow(readonly=True) as uow:
            verify_keys = door_keys(uow).verify
        rng = random.Random(3)
        for token in rng.sample(tokens, 50):  # warm-up
            check_in(store, token)
        scans = []
        for token in rng.sample(tokens, args.scans):
            t0 = time.perf_counter()
            result = check_in(store, token)
            scans.append((time.perf_counter() - t0) * 1000)
            assert result.outcome in ("accepted", "already_checked_in")
        queries = [
            rng.choice(
                [
                    "salma",
                    "benmoussa",
                    "\u0633\u0644\u0645\u0649",
                    "tazi 12",
                    "\u0641\u0627\u0637\u0645\u0647",
                    "idris",
                    "ait ali 99",
                ]
            )
            for _ in range(args.searches)
        ]
        searches = []
        for query in queries:
            t0 = time.perf_counter()
            search_attendees(store, query)
            searches.append((time.perf_counter() - t0) * 1000)
        store.close()
        floor_rng = random.Random(3)  # the same badges, in the same order, as the service
        floor_tokens = floor_rng.sample(tokens, 50) + floor_rng.sample(tokens, args.scans)
        floor = floor_scans(folder / "floor.db", floor_tokens, verify_keys)[50:]
        raw = raw_baseline(folder, args.attendees, args.scans)
    print(f"{args.scans} check-ins, {args.searches} searches, roster {args.attendees}")
    record(
        "check-in: check_in p50",
        percentile(scans, 50),
        "ms",
        percentile(raw, 50),
        "raw indexed lookup + durable insert p50",
    )
    record(
        "check-in: check_in p99",
        percentile(scans, 99),
        "ms",
        percentile(raw, 99),
        "raw indexed lookup + durable insert p99",
        target="< 15 ms",
    )
    record(
        "check-in: check_in p99 vs the floor",
        percentile(scans, 99),
        "ms",
        percentile(floor, 99),
        "floor p99 (raw sqlite3: token check, signature, look-up, check-in + journal entry)",
        target="ratio <= 2",
    )
    record(
        "check-in: floor p50",
        percentile(floor, 50),
        "ms",
        percentile(raw, 50),
        "raw indexed lookup + durable insert p50",
    )
    record("check-in: name search p50", percentile(searches, 50), "ms")
    record("check-in: name search p95", percentile(searches, 95), "ms", target="< 30 ms")


if __name__ == "__main__":
    main()
