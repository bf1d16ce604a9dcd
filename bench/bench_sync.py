"""Sync throughput: export of 100,000 journal entries, and import into SQLite (and
PostgreSQL when KIOSK_TEST_PG_URL is set), next to a raw ``executemany`` of the same
rows into the same database.

    python bench/bench_sync.py [--entries 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text

from bench._common import record
from kiosk.central.devices import approve
from kiosk.central.keys import create_keys
from kiosk.central.merge import import_bundle
from kiosk.central.models import ImportedEntry
from kiosk.central.organiser import build_pack, create_event
from kiosk.central.store import open_central
from kiosk.ids import new_id, new_receipt_code
from kiosk.services.enrol import enrolment_request, install_certificate
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.sync import export_bundle
from kiosk.storage import Store
from kiosk.storage import settings as local_settings
from kiosk.storage.canonical import canonical_json, chain_hash, entry_document
from kiosk.storage.models import Device, JournalEntry, Proposal


def fill_journal(store: Store, n: int) -> None:
    """n proposal entries appended to this kiosk's chain, as submit_proposal would."""
    with store.uow() as uow:
        device = uow.session.get(Device, uow.device_id)
        assert device is not None
        event_id = uow.setting(local_settings.EVENT_ID)
        seq, prev = device.journal_seq, device.journal_hash
        # Stamped from now on, a millisecond apart, after the kiosk's own set-up entries
        # (a fixed 09:00 made every entry a clock jump backwards when run later in the
        # day: 100,000 clock flags, ~12 MB, in every bundle).
        start = dt.datetime.now(dt.UTC)
        proposals, entries = [], []
        for i in range(n):
            now = start + dt.timedelta(milliseconds=i)
            pid = new_id()
            row = {
                "id": pid,
                "event_id": event_id,
                "attendee_id": None,
                "device_id": device.id,
                "theme_code": "skills",
                "language": "fr",
                "title": f"Titre {i}",
                "body": f"Proposition num\u00e9ro {i} " * 5,
                "age_band": "",
                "gender": "",
                "province": "",
                "profile": "",
                "consent_publish": True,
                "receipt_code": new_receipt_code(10),
                "created_at": now,
                "training": False,
            }
            proposals.append(row)
            payload = {k: v for k, v in row.items() if k != "theme_code"} | {
                "theme": "skills",
                "created_at": now.isoformat(),
            }
            seq += 1
            wall = now.isoformat(timespec="microseconds")
            mono_ns = i * 1_000_000
            doc = entry_document(device.id, seq, "proposal.submitted", pid, payload, wall, mono_ns)
            digest = chain_hash(prev, doc)
            entries.append(
                {
                    "device_id": device.id,
                    "seq": seq,
                    "kind": "proposal.submitted",
                    "record_id": pid,
                    "payload": canonical_json(payload),
                    "wall_time": wall,
                    "mono_ns": mono_ns,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            prev = digest
        uow.connection.execute(insert(Proposal), proposals)
        uow.connection.execute(insert(JournalEntry), entries)
        device.journal_seq, device.journal_hash = seq, prev
        uow.commit()


def raw_rate(url: str, n: int, *, payloads: bool = True) -> float:
    """The same rows (proposals + merged entries, each entry with its payload text, as
    the merge keeps it) with one executemany each; ``payloads=False`` writes "{}" in
    place of each entry's payload (the baseline of the earlier tables)."""
    engine = create_engine(url)
    rows = [
        {
            "id": new_id(),
            "event_id": EVENT_ID,
            "attendee_id": None,
            "device_id": "d" if payloads else "d-bare",
            "theme_code": "skills",
            "language": "fr",
            "title": f"T{i}",
            "body": f"Proposition num\u00e9ro {i} " * 5,
            "age_band": "",
            "gender": "",
            "province": "",
            "profile": "",
            "consent_publish": True,
            "receipt_code": f"RAW{i:010d}",
            "created_at": dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC),
            "training": False,
        }
        for i in range(n)
    ]
    entries = [
        {
            "device_id": "raw" if payloads else "raw-bare",
            "seq": i + 1,
            "kind": "proposal.submitted",
            "record_id": r["id"],
            "payload": canonical_json(
                {k: v for k, v in r.items() if k != "theme_code"}
                | {"theme": "skills", "created_at": r["created_at"].isoformat()}
            )
            if payloads
            else "{}",
            "hash": "0" * 64,
        }
        for i, r in enumerate(rows)
    ]
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(Proposal.__table__), rows)
        conn.execute(insert(ImportedEntry.__table__), entries)
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return n / elapsed


EVENT_ID = ""


def main() -> None:
    global EVENT_ID
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        targets = [("SQLite", f"sqlite:///{root / 'central.db'}")]
        if os.environ.get("KIOSK_TEST_PG_URL"):
            targets.append(("PostgreSQL", os.environ["KIOSK_TEST_PG_URL"]))
        for name, url in targets:
            if url.startswith("postgresql"):
                engine = create_engine(url)
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                engine.dispose()
            folder = root / name
            central = open_central(url)
            create_keys(folder)
            EVENT_ID = create_event(
                central,
                code="B",
                name="Bench",
                region="",
                venue="",
                starts=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),  # a day under way
                ends=dt.datetime.now(dt.UTC) + dt.timedelta(hours=9),
                languages=["ar", "fr", "zgh", "en"],
            )
            pack = build_pack(central, "B", folder)
            kiosk = Store(f"sqlite:///{root / (name + '-kiosk.db')}")
            setup_from_pack(
                kiosk,
                pack.data,
                name="bench",
                role="both",
                keys_dir=root / "keys",
                passphrase=pack.passphrase,
            )
            # Enrolled, so that the import below runs the whole authorisation.
            approval = approve(
                central, folder, "B", request_data=enrolment_request(kiosk, root / "keys")
            )
            install_certificate(kiosk, approval.certificate)
            fill_journal(kiosk, args.entries)
            t0 = time.perf_counter()
            result = export_bundle(kiosk, root / "keys", root / "usb" / name)
            export_s = time.perf_counter() - t0
            assert result is not None and result.count >= args.entries
            if name == "SQLite":
                record("sync: export of 100,000 journal entries", export_s, "s", target="< 3 s")
            from kiosk.central.keys import load_sealing_key

            t0 = time.perf_counter()
            outcome = import_bundle(central, result.path, load_sealing_key(folder), root / "q")
            import_s = time.perf_counter() - t0
            assert outcome.outcome == "accepted", outcome
            rate = result.count / import_s
            raw = raw_rate(url, args.entries)
            record(
                f"sync: import into {name}",
                rate,
                "entries/s",
                raw,
                f"raw executemany of the same rows into {name}",
                target="ratio >= 0.5",
            )
            bare = raw_rate(url, args.entries, payloads=False)
            record(
                f"sync: import into {name}, against entries without payloads",
                rate,
                "entries/s",
                bare,
                f"raw executemany into {name}, '{{}}' for each entry's payload",
            )
            central.close()
            kiosk.close()


if __name__ == "__main__":
    main()
