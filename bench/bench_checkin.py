"""Check-in and name search with a 100,000-attendee roster.

Prints p50/p99 of a full ``check_in`` service call (decode, verify, look up,
record, commit), p50/p95 of a name search, and, in the same run, a raw SQLite
indexed lookup plus durable insert with the same pragmas.

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
from kiosk import badges, crypto
from kiosk.domain.search import search_key
from kiosk.ids import new_id
from kiosk.services.checkin import WALKIN_KEY, check_in, search_attendees
from kiosk.services.setup import init_demo
from kiosk.storage import Store
from kiosk.storage.models import Attendee
from kiosk.storage.store import EVENT_KEY

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
        event_id = uow.get_setting(EVENT_KEY)
        uow.set_setting(crypto.ORGANISER_SIGN_PK, bytes(organiser.verify_key).hex())
        uow.set_setting(WALKIN_KEY, bytes(SigningKey.generate()).hex())
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
    record("check-in: name search p50", percentile(searches, 50), "ms")
    record("check-in: name search p95", percentile(searches, 95), "ms", target="< 30 ms")


if __name__ == "__main__":
    main()
