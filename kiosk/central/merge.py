"""Merging kiosk bundles into the central database: verified, idempotent, order-free.

Every entry is kept in ``imported_entry`` (by device and seq), so the same
bundle twice, overlapping ranges or bundles out of order change nothing twice.
Records are upserted by id from the entries' payloads; a check-in undone in an
entry that arrives before the check-in itself is applied when it arrives.
Which check-in of an attendee is "first" is computed when reading (stats), so
the order of imports cannot change it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey
from sqlalchemy import String, bindparam, insert, select

from kiosk.storage.models import (
    Attendee,
    CentralDevice,
    CheckIn,
    Event,
    EventSecret,
    ImportedEntry,
    Proposal,
    utc_text,
)
from kiosk.storage.prepared import Prepared
from kiosk.storage.store import Store, UnitOfWork
from kiosk.sync.bundle import BundleError, Entry, gc_paused, read_bundle, read_manifest


@dataclass(frozen=True)
class ImportOutcome:
    file: str
    outcome: str  # accepted | duplicate | rejected
    reason: str = ""
    code: str = ""
    device_id: str = ""
    from_seq: int = 0
    to_seq: int = 0
    new_entries: int = 0
    gaps: list[tuple[int, int]] = field(default_factory=list)


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


def _secret_lookup(store: Store) -> Any:
    def lookup(event_id: str) -> bytes | None:
        with store.uow(readonly=True) as uow:
            secret = uow.session.get(EventSecret, event_id)
            return bytes.fromhex(secret.enrolment_secret) if secret else None

    return lookup


def gaps(uow: UnitOfWork, device_id: str) -> list[tuple[int, int]]:
    seqs = list(
        uow.session.scalars(
            select(ImportedEntry.seq)
            .where(ImportedEntry.device_id == device_id)
            .order_by(ImportedEntry.seq)
        )
    )
    missing = []
    expected = 1
    for seq in seqs:
        if seq > expected:
            missing.append((expected, seq - 1))
        expected = seq + 1
    return missing


def _ensure_attendee(
    uow: UnitOfWork, attendee_id: str | None, event_id: str, at: dt.datetime
) -> None:
    if attendee_id and uow.session.get(Attendee, attendee_id) is None:
        # A walk-in checked in on another kiosk: its details come with that kiosk's bundle.
        uow.session.add(
            Attendee(
                id=attendee_id,
                event_id=event_id,
                kind="walk_in",
                name="",
                created_at=at,
                search_key="",
            )
        )
        uow.session.flush()


def _apply(uow: UnitOfWork, entry: Entry, p: dict[str, Any], event_id: str) -> None:
    s = uow.session
    if entry.kind == "attendee.registered":
        values = {
            k: p.get(k)
            for k in (
                "external_id",
                "kind",
                "name",
                "name_latin",
                "organisation",
                "category",
                "province",
                "phone",
                "email",
                "preferred_language",
                "consent",
                "search_key",
                "created_by",
                "badge_token",
            )
        }
        row = s.get(Attendee, p["id"])
        if row is None:
            s.add(
                Attendee(
                    id=p["id"],
                    event_id=event_id,
                    created_at=_when(p["created_at"]),
                    **{k: v for k, v in values.items() if v is not None},
                )
            )
        else:  # a stub made by another station's check-in: fill in the details
            for key, value in values.items():
                if value is not None:
                    setattr(row, key, value)
    elif entry.kind == "checkin.recorded":
        if s.get(CheckIn, p["id"]) is None:
            at = _when(p["at"]) or dt.datetime.now(dt.UTC)
            _ensure_attendee(uow, p.get("attendee_id"), event_id, at)
            undone = s.scalar(
                select(ImportedEntry.payload).where(
                    ImportedEntry.kind == "checkin.undone", ImportedEntry.record_id == p["id"]
                )
            )
            s.add(
                CheckIn(
                    id=p["id"],
                    event_id=event_id,
                    attendee_id=p.get("attendee_id"),
                    device_id=p["device_id"],
                    station=p.get("station", ""),
                    at=at,
                    method=p["method"],
                    outcome=p["outcome"],
                    detail=p.get("detail", ""),
                    training=bool(p.get("training")),
                    undone_at=_when(json.loads(undone)["undone_at"]) if undone else None,
                )
            )
    elif entry.kind == "checkin.undone":
        checkin = s.get(CheckIn, p["id"])
        if checkin is not None:
            checkin.undone_at = _when(p["undone_at"])
    elif entry.kind == "proposal.submitted":
        if s.get(Proposal, p["id"]) is None:
            _ensure_attendee(
                uow,
                p.get("attendee_id"),
                event_id,
                _when(p["created_at"]) or dt.datetime.now(dt.UTC),
            )
            s.add(
                Proposal(
                    id=p["id"],
                    event_id=event_id,
                    attendee_id=p.get("attendee_id"),
                    device_id=p["device_id"],
                    theme_code=p["theme"],
                    language=p["language"],
                    title=p["title"],
                    body=p["body"],
                    age_band=p.get("age_band", ""),
                    gender=p.get("gender", ""),
                    province=p.get("province", ""),
                    profile=p.get("profile", ""),
                    consent_publish=bool(p.get("consent_publish")),
                    receipt_code=p["receipt_code"],
                    created_at=_when(p["created_at"]),
                    training=bool(p.get("training")),
                )
            )
    elif entry.kind == "event.pack_imported":
        device = s.get(CentralDevice, entry.device_id)
        if device is not None and p.get("device_name"):
            device.name = p["device_name"]
    s.flush()


_CHUNK = 500


@functools.lru_cache(maxsize=8)
def _select_existing(column: Any) -> Prepared:
    """``SELECT column FROM table WHERE column IN (?, ... 500 times)``."""
    binds = [bindparam(f"id{i}", type_=String) for i in range(_CHUNK)]
    return Prepared(select(column).where(column.in_(binds)))


def _existing(uow: UnitOfWork, column: Any, ids: list[str]) -> set[str]:
    """Which of ``ids`` are already in ``column`` (500 a query; the last one padded
    with NULL, which matches nothing)."""
    found: set[str] = set()
    query = _select_existing(column)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        chunk += [None] * (_CHUNK - len(chunk))  # type: ignore[list-item]
        params = {f"id{i}": value for i, value in enumerate(chunk)}
        found.update(row[0] for row in uow.run(query, params).fetchall())
    return found


def _db_time(value: Any) -> str | None:
    """A payload's ISO time as the database stores it (what UTCDateTime writes)."""
    when = _when(value)
    return utc_text(when) if when is not None else None


def _proposal_row(p: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {
        "id": p["id"],
        "event_id": event_id,
        "attendee_id": p.get("attendee_id"),
        "device_id": p["device_id"],
        "theme_code": p["theme"],
        "language": p["language"],
        "title": p["title"],
        "body": p["body"],
        "age_band": p.get("age_band", ""),
        "gender": p.get("gender", ""),
        "province": p.get("province", ""),
        "profile": p.get("profile", ""),
        "consent_publish": bool(p.get("consent_publish")),
        "receipt_code": p["receipt_code"],
        "created_at": _db_time(p["created_at"]),
        "training": bool(p.get("training")),
    }


# Prepared: a day of one kiosk is up to 200,000 rows, and per-row parameter
# processing in SQLAlchemy costs more than SQLite's insert (values are given
# as stored: times as text).
_INSERT_ENTRY = Prepared(insert(ImportedEntry))
_INSERT_PROPOSAL = Prepared(insert(Proposal))
_INSERT_CHECKIN = Prepared(insert(CheckIn))


def _apply_all(
    uow: UnitOfWork, entries: list[Entry], payloads: list[dict[str, Any]], event_id: str
) -> None:
    """Apply entries; proposals and check-ins (nearly all of a day) in bulk statements."""
    s = uow.session
    conn = uow.connection
    proposals = [
        p for e, p in zip(entries, payloads, strict=True) if e.kind == "proposal.submitted"
    ]
    checkins = [p for e, p in zip(entries, payloads, strict=True) if e.kind == "checkin.recorded"]
    # Attendee details first, so that check-ins and proposals find their people.
    for entry, payload in zip(entries, payloads, strict=True):
        if entry.kind not in ("proposal.submitted", "checkin.recorded"):
            _apply(uow, entry, payload, event_id)
    now = dt.datetime.now(dt.UTC)
    people = sorted({p["attendee_id"] for p in proposals + checkins if p.get("attendee_id")})
    known_people = _existing(uow, Attendee.id, people)
    stubs = [
        {
            "id": a,
            "event_id": event_id,
            "kind": "walk_in",
            "name": "",
            "created_at": now,
            "search_key": "",
            "external_id": None,
            "name_latin": "",
            "organisation": "",
            "category": "citizen",
            "province": "",
            "phone": "",
            "email": "",
            "preferred_language": "",
            "consent": False,
            "created_by": None,
            "badge_token": None,
        }
        for a in people
        if a not in known_people
    ]
    if stubs:
        conn.execute(insert(Attendee), stubs)
    if proposals:
        known = _existing(uow, Proposal.id, [p["id"] for p in proposals])
        rows = [_proposal_row(p, event_id) for p in proposals if p["id"] not in known]
        if rows:
            uow.run_many(_INSERT_PROPOSAL, rows)
    if checkins:
        ids = [c["id"] for c in checkins]
        known = _existing(uow, CheckIn.id, ids)
        undone: dict[str, Any] = {}
        for start in range(0, len(ids), 500):
            for record_id, undo_text in s.execute(
                select(ImportedEntry.record_id, ImportedEntry.payload).where(
                    ImportedEntry.kind == "checkin.undone",
                    ImportedEntry.record_id.in_(ids[start : start + 500]),
                )
            ):
                undone[record_id] = _db_time(json.loads(undo_text)["undone_at"])
        now_text = utc_text(now)
        rows = [
            {
                "id": c["id"],
                "event_id": event_id,
                "attendee_id": c.get("attendee_id"),
                "device_id": c["device_id"],
                "station": c.get("station", ""),
                "at": _db_time(c["at"]) or now_text,
                "method": c["method"],
                "outcome": c["outcome"],
                "detail": c.get("detail", ""),
                "training": bool(c.get("training")),
                "undone_at": undone.get(c["id"]),
            }
            for c in checkins
            if c["id"] not in known
        ]
        if rows:
            uow.run_many(_INSERT_CHECKIN, rows)


def import_bundle(
    store: Store, path: Path, sealing_key: PrivateKey, quarantine: Path
) -> ImportOutcome:
    """Verify and merge one bundle file in one transaction; quarantine it if rejected."""
    data = path.read_bytes()
    try:
        with gc_paused():  # a bundle is bulk work: see gc_paused
            bundle = read_bundle(
                data, enrolment_secret=_secret_lookup(store), sealing_key=sealing_key
            )
            return _merge(store, path, bundle.manifest, bundle.entries, bundle.payloads)
    except BundleError as exc:
        quarantine.mkdir(parents=True, exist_ok=True)
        target = quarantine / path.name
        n = 1
        while target.exists():
            target = quarantine / f"{path.stem}.{n}{path.suffix}"
            n += 1
        shutil.move(path, target)  # out of the way, never deleted
        device = ""
        with contextlib.suppress(BundleError):
            device = str(read_manifest(data)[0].get("device_id", ""))
        return ImportOutcome(str(path), "rejected", exc.message(), exc.code, device)


def _merge(
    store: Store,
    path: Path,
    manifest: dict[str, Any],
    entries: list[Entry],
    payloads: list[dict[str, Any]],
) -> ImportOutcome:
    device_id = manifest["device_id"]
    with store.uow() as uow:
        event = uow.session.get(Event, manifest["event_id"])
        if event is None:
            raise BundleError(
                "Bundle rejected: {reason}.", code="unknown_event", reason="unknown event"
            )
        pinned = uow.session.get(CentralDevice, device_id)
        if pinned is None:
            uow.session.add(
                CentralDevice(
                    device_id=device_id,
                    event_id=event.id,
                    public_key=manifest["device_public_key"],
                    first_seen=dt.datetime.now(dt.UTC),
                    clock_flags=len(manifest.get("clock_flags", [])),
                )
            )
            uow.session.flush()
        elif pinned.public_key != manifest["device_public_key"]:
            raise BundleError(
                "Bundle rejected: {reason}.",
                code="key_mismatch",
                reason="this device id was first seen with another key",
            )
        else:
            pinned.clock_flags = max(pinned.clock_flags, len(manifest.get("clock_flags", [])))
        known = {
            seq: digest
            for seq, digest in uow.session.execute(
                select(ImportedEntry.seq, ImportedEntry.hash).where(
                    ImportedEntry.device_id == device_id,
                    ImportedEntry.seq.between(manifest["from_seq"], manifest["to_seq"]),
                )
            )
        }
        fresh = []
        fresh_payloads = []
        for entry, payload in zip(entries, payloads, strict=True):
            if entry.seq in known:
                if known[entry.seq] != entry.hash:
                    raise BundleError(
                        "Bundle rejected: {reason}.",
                        code="conflict",
                        reason=f"entry {entry.seq} differs from the one merged",
                    )
                continue
            fresh.append(entry)
            fresh_payloads.append(payload)
        if fresh:
            uow.run_many(
                _INSERT_ENTRY,
                [
                    {
                        "device_id": device_id,
                        "seq": e.seq,
                        "kind": e.kind,
                        "record_id": e.record_id,
                        "payload": e.payload,
                        "hash": e.hash,
                    }
                    for e in fresh
                ],
            )
        _apply_all(uow, fresh, fresh_payloads, event.id)
        missing = gaps(uow, device_id)
        uow.commit()
    return ImportOutcome(
        str(path),
        "accepted" if fresh else "duplicate",
        device_id=device_id,
        from_seq=manifest["from_seq"],
        to_seq=manifest["to_seq"],
        new_entries=len(fresh),
        gaps=missing,
    )


def import_files(
    store: Store, paths: list[Path], sealing_key: PrivateKey, quarantine: Path
) -> list[ImportOutcome]:
    return [import_bundle(store, path, sealing_key, quarantine) for path in paths]


def high_water(store: Store, device_id: str) -> int:
    """The highest seq merged for a device below which nothing is missing."""
    with store.uow(readonly=True) as uow:
        seqs = uow.session.scalars(
            select(ImportedEntry.seq)
            .where(ImportedEntry.device_id == device_id)
            .order_by(ImportedEntry.seq)
        )
        mark = 0
        for seq in seqs:
            if seq != mark + 1:
                break
            mark = seq
        return mark
