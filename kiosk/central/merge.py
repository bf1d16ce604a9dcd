"""Merging kiosk bundles into the central database: verified, authorised, idempotent,
order-free.

Every entry is kept in ``imported_entry`` (by device and seq), so the same
bundle twice, overlapping ranges or bundles out of order change nothing twice.
Before anything is written, every new entry is parsed into its typed record
(:mod:`kiosk.sync.records`) and authorised: it belongs to the bundle's event,
names the bundle's own device, and creates records with new ids or changes only
records this device created; no device changes roster records. One bad entry
quarantines the whole bundle with a reason code and the entry's seq; an import
never raises. A check-in undone in an entry that arrives before the check-in
itself is applied when it arrives. Which check-in of an attendee is "first" is
computed when reading (stats), so the order of imports cannot change it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.public import PrivateKey
from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError

from kiosk.central.devices import bundle_authoriser, register_from_certificate
from kiosk.central.models import CentralDevice, ImportedEntry, ProposalReview
from kiosk.central.review import proposal_key, review_row, theme_reviewers
from kiosk.domain.errors import StorageBusy, StorageError, StorageFull
from kiosk.i18n import N_
from kiosk.storage.models import (
    Attendee,
    CheckIn,
    Event,
    Proposal,
    unknown_walk_in,
    utc_text,
)
from kiosk.storage.prepared import Prepared
from kiosk.storage.store import Store, UnitOfWork
from kiosk.sync import records
from kiosk.sync.bundle import (
    MAX_BUNDLE_BYTES,
    BundleError,
    Entry,
    VerifiedBundle,
    error_seq,
    gc_paused,
    read_bundle,
    read_manifest,
)

log = logging.getLogger(__name__)
# The outcome code of a file that met a busy database (its lock held past the busy
# timeout, no free connection): refused for now, never quarantined; send it again.
BUSY = "busy"


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
    seq: int | None = None  # the entry at fault, when one is
    quarantined: bool = False  # a refused file kept in quarantine (False: over its cap)


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


def _deny(code: str, reason: str, seq: int) -> BundleError:
    return BundleError(
        N_("Bundle rejected at entry {seq}: {reason}."), code=code, reason=reason, seq=seq
    )


def _rows_by_id(uow: UnitOfWork, columns: tuple[Any, ...], ids: Iterable[str]) -> dict[str, Any]:
    """Rows of ``columns`` (the first one the id) whose id is among ``ids``, 500 a query."""
    wanted = sorted(set(ids))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for row in uow.session.execute(select(*columns).where(columns[0].in_(chunk))):
            found[row[0]] = row
    return found


@dataclass
class Known:
    """What the authorisation looked up, for the merge that follows (not looked up twice)."""

    proposals: set[str]  # ids already merged (this device's)
    checkins: set[str]
    people: set[str]  # attendees there once this bundle's walk-ins are registered


def authorise_entries(
    uow: UnitOfWork,
    device_id: str,
    device_pk: bytes,
    event_id: str,
    fresh: list[tuple[Entry, records.Record]],
) -> Known:
    """Raise :class:`BundleError` (with the seq) at the first entry this device may not
    write; else return what is already merged among the records it names."""
    by_kind: dict[type[records.Record], list[tuple[Entry, Any]]] = {}
    for entry, record in fresh:
        if entry.record_id != record.record_id:
            raise _deny("record_id_mismatch", "the entry names another record", entry.seq)
        by_kind.setdefault(type(record), []).append((entry, record))
    proposals = by_kind.get(records.ProposalSubmitted, [])
    checkins = by_kind.get(records.CheckInRecorded, [])
    undos = by_kind.get(records.CheckInUndone, [])
    walk_ins = by_kind.get(records.AttendeeRegistered, [])
    named = {r.attendee_id for _e, r in proposals + checkins if r.attendee_id}
    people = _rows_by_id(
        uow,
        (Attendee.id, Attendee.event_id, Attendee.kind, Attendee.created_by),
        list(named) + [r.id for _e, r in walk_ins],
    )
    known_proposals = _rows_by_id(
        uow, (Proposal.id, Proposal.device_id), [r.id for _e, r in proposals]
    )
    known_checkins = _rows_by_id(
        uow, (CheckIn.id, CheckIn.device_id), [r.id for _e, r in checkins + undos]
    )
    own_key = device_pk.hex()

    def foreign_person(attendee_id: str | None) -> bool:
        row = people.get(attendee_id) if attendee_id else None
        return row is not None and row.event_id != event_id

    for group, known in ((proposals, known_proposals), (checkins, known_checkins)):
        for entry, record in group:
            if record.event_id != event_id:
                raise _deny("foreign_event", "a record of another event", entry.seq)
            if record.device_id != device_id:
                raise _deny("foreign_device", "a record in another device's name", entry.seq)
            row = known.get(record.id)
            if row is not None and row.device_id != device_id:
                raise _deny("foreign_record", "a record of another device", entry.seq)
            if foreign_person(record.attendee_id):
                raise _deny("foreign_attendee", "an attendee of another event", entry.seq)
    if proposals:
        # Receipt codes are unique per kiosk (one query: this device's codes so far).
        codes: dict[str, str] = {
            code: proposal_id
            for code, proposal_id in uow.session.execute(
                select(Proposal.receipt_code, Proposal.id).where(Proposal.device_id == device_id)
            )
        }
        for entry, record in proposals:
            other = codes.setdefault(record.receipt_code, record.id)
            if other != record.id:
                raise _deny(
                    "duplicate_receipt", "a receipt code this kiosk used already", entry.seq
                )
    for entry, record in undos:
        target = known_checkins.get(record.id)
        if target is not None and target.device_id != device_id:
            raise _deny("foreign_record", "undoes another device's check-in", entry.seq)
    for entry, record in walk_ins:
        seq = entry.seq
        if record.event_id != event_id:
            raise _deny("foreign_event", "a record of another event", seq)
        if record.created_by != device_id:
            raise _deny("foreign_device", "a walk-in in another device's name", seq)
        row = people.get(record.id)
        if row is not None:
            if row.event_id != event_id:
                raise _deny("foreign_event", "an attendee of another event", seq)
            if row.kind != "walk_in":
                raise _deny("roster_record", "devices cannot change the roster", seq)
            if row.created_by not in (None, device_id):
                raise _deny("foreign_record", "another device's walk-in", seq)
    for entry, record in by_kind.get(records.DeviceCreated, []):
        if record.id != device_id or record.public_key not in (None, own_key):
            raise _deny("foreign_device", "another device's identity", entry.seq)
    for entry, record in by_kind.get(records.PackImported, []):
        if record.event_id != event_id or record.device_public_key != own_key:
            raise _deny("foreign_device", "another device's or event's set-up", entry.seq)
    for entry, record in by_kind.get(records.DeviceEnrolled, []):
        if record.device_id != device_id or record.event_id != event_id:
            raise _deny("foreign_device", "another device's enrolment", entry.seq)
    for entry, record in by_kind.get(records.EventSetUp, []):
        if record.id != event_id:
            raise _deny("foreign_event", "another event", entry.seq)
    return Known(
        set(known_proposals), set(known_checkins), set(people) | {r.id for _e, r in walk_ins}
    )


def _apply_walk_ins(uow: UnitOfWork, walk_ins: list[records.AttendeeRegistered]) -> None:
    s = uow.session
    for record in walk_ins:
        values = record.to_payload()
        values["created_at"] = _when(values["created_at"])
        row = s.get(Attendee, record.id)
        if row is None:
            s.add(Attendee(**values))
        else:  # a stub made by another station's check-in: fill in the details
            for key, value in values.items():
                if key != "id":
                    setattr(row, key, value)
    s.flush()


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else None


_CHUNK = 500


def _db_time(value: Any) -> str | None:
    """A payload's ISO time as the database stores it (what UTCDateTime writes)."""
    if isinstance(value, str) and len(value) == 32 and value.endswith("+00:00"):
        return value  # already UTC, to the microsecond: what the kiosk writes
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
_INSERT_REVIEW = Prepared(insert(ProposalReview))


def _apply_all(
    uow: UnitOfWork,
    entries: list[Entry],
    payloads: list[dict[str, Any]],
    typed: list[records.Record],
    event_id: str,
    device_id: str,
    already: Known,
    keys: dict[str, str],
) -> None:
    """Apply entries; proposals and check-ins (nearly all of a day) in bulk statements;
    the console's review rows of the new proposals with them (``keys``: their search
    keys, folded before the transaction)."""
    s = uow.session
    conn = uow.connection
    proposals = [
        p for e, p in zip(entries, payloads, strict=True) if e.kind == "proposal.submitted"
    ]
    checkins = [p for e, p in zip(entries, payloads, strict=True) if e.kind == "checkin.recorded"]
    # Attendee details first, so that check-ins and proposals find their people.
    _apply_walk_ins(uow, [r for r in typed if isinstance(r, records.AttendeeRegistered)])
    for record in typed:
        if isinstance(record, records.CheckInUndone):
            checkin = s.get(CheckIn, record.id)
            if checkin is not None:  # authorised: this device's own check-in
                checkin.undone_at = _when(record.undone_at)
        elif isinstance(record, records.PackImported):
            device = s.get(CentralDevice, device_id)
            if device is not None and record.device_name:
                device.name = record.device_name
    s.flush()
    now = dt.datetime.now(dt.UTC)
    people = sorted({p["attendee_id"] for p in proposals + checkins if p.get("attendee_id")})
    known_people = already.people
    stubs = [unknown_walk_in(a, event_id, now) for a in people if a not in known_people]
    if stubs:
        conn.execute(insert(Attendee), stubs)
    if proposals:
        known = already.proposals
        rows = [_proposal_row(p, event_id) for p in proposals if p["id"] not in known]
        if rows:
            uow.run_many(_INSERT_PROPOSAL, rows)
            # The roster's category of their authors (the same rows catch_up joins).
            named = [r["attendee_id"] for r in rows if r["attendee_id"]]
            category = {
                a: c for a, c in _rows_by_id(uow, (Attendee.id, Attendee.category), named).values()
            }
            reviewers = theme_reviewers(uow, event_id)
            uow.run_many(
                _INSERT_REVIEW,
                [
                    review_row(
                        r,
                        category.get(r["attendee_id"]) if r["attendee_id"] else None,
                        reviewers,
                        keys.get(r["id"]),
                    )
                    for r in rows
                ],
            )
    if checkins:
        ids = [c["id"] for c in checkins]
        known = already.checkins
        undone: dict[str, Any] = {}
        for start in range(0, len(ids), 500):
            for record_id, undo_text in s.execute(
                select(ImportedEntry.record_id, ImportedEntry.payload).where(
                    ImportedEntry.device_id == device_id,  # only a device undoes its own
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


@dataclass
class QuarantineQuota:
    """Caps on what refused uploads may keep in quarantine, per device and in all.

    A file whose name starts with ``<device id>.`` counts against that device. Over a
    cap the refused file is not kept (its outcome and reason are still returned); files
    moved there by hand or by ``kiosk-central import`` count towards the total only.
    """

    total_bytes: int
    total_files: int
    device_bytes: int
    device_files: int
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def admit(self, quarantine: Path, device_id: str, size: int) -> bool:
        """Whether one more file of ``size`` bytes from ``device_id`` fits; the caller
        holds :attr:`_lock` until the file is moved (see :func:`_quarantine`)."""
        total = files = mine = mine_files = 0
        prefix = f"{device_id}."
        try:
            entries = list(quarantine.iterdir()) if quarantine.exists() else []
        except OSError:
            return False
        for entry in entries:
            try:
                n = entry.stat().st_size
            except OSError:
                continue
            total, files = total + n, files + 1
            if device_id and entry.name.startswith(prefix):
                mine, mine_files = mine + n, mine_files + 1
        return (
            total + size <= self.total_bytes
            and files + 1 <= self.total_files
            and mine + size <= self.device_bytes
            and mine_files + 1 <= self.device_files
        )


def _quarantine(
    path: Path, quarantine: Path, quota: QuarantineQuota | None = None, device_id: str = ""
) -> bool:
    """Move a refused file out of the way, never deleting it (copied if it cannot move);
    with a ``quota``, only if it fits (else the caller keeps or removes it). Returns
    whether it was kept."""
    if quota is None:
        return _move_to_quarantine(path, quarantine)
    with quota._lock:
        try:
            size = path.stat().st_size
        except OSError:
            return False
        if not quota.admit(quarantine, device_id, size):
            return False
        return _move_to_quarantine(path, quarantine)


def _move_to_quarantine(path: Path, quarantine: Path) -> bool:
    try:
        quarantine.mkdir(parents=True, exist_ok=True)
        target = quarantine / path.name
        n = 1
        while target.exists():
            target = quarantine / f"{path.stem}.{n}{path.suffix}"
            n += 1
        try:
            shutil.move(path, target)
        except OSError:
            shutil.copy2(path, target)  # a read-only stick: keep a copy, leave the file
        return True
    except OSError as exc:
        log.warning("could not quarantine %s: %s", path.name, exc.strerror)
        return False


def import_bundle(
    store: Store,
    path: Path,
    sealing_key: PrivateKey | Sequence[PrivateKey],
    quarantine: Path,
    organiser_sign_pk: bytes | None = None,
    quota: QuarantineQuota | None = None,
    uploader: str = "",
) -> ImportOutcome:
    """Verify, authorise and merge one bundle file in one transaction; quarantine it if
    refused. Never raises for what the file holds: every outcome is returned.

    ``organiser_sign_pk`` lets a bundle's own certificate enrol a kiosk approved on
    another platform of the same organiser; without it only devices approved here merge.
    ``quota`` caps what is kept of refused files (uploads from device ``uploader``);
    without it every refused file is kept. A file that meets a busy database is refused
    with code :data:`BUSY` and left where it is (nothing of it merged: send it again).
    """
    outcome = merge_file(store, path, sealing_key, organiser_sign_pk)
    return settle(outcome, path, quarantine, quota, uploader)


def settle(
    outcome: ImportOutcome,
    path: Path,
    quarantine: Path,
    quota: QuarantineQuota | None = None,
    uploader: str = "",
) -> ImportOutcome:
    """A refused file moved to quarantine (within ``quota``), unless it could not be
    read or met a busy database; the outcome says whether it was kept."""
    if outcome.outcome != "rejected" or outcome.code in ("unreadable", BUSY):
        return outcome
    kept = _quarantine(path, quarantine, quota, uploader)
    return dataclasses.replace(outcome, quarantined=kept)


def merge_file(
    store: Store,
    path: Path,
    sealing_key: PrivateKey | Sequence[PrivateKey],
    organiser_sign_pk: bytes | None = None,
) -> ImportOutcome:
    """:func:`import_bundle` without the quarantine (see :func:`settle`): what the
    server's import process runs, the quarantine and its caps staying with the server."""
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise BundleError(
                N_("Bundle rejected: {reason}."), code="too_large", reason="file too large"
            )
        data = path.read_bytes()
    except BundleError as exc:
        return ImportOutcome(str(path), "rejected", exc.message(), exc.code)
    except OSError as exc:
        return ImportOutcome(
            str(path),
            "rejected",
            N_("The file cannot be read: {detail}").format(detail=exc.strerror or exc),
            "unreadable",
        )
    try:
        with gc_paused():  # a bundle is bulk work: see gc_paused
            bundle = read_bundle(
                data,
                authorise=bundle_authoriser(store, organiser_sign_pk or b""),
                sealing_key=sealing_key,
            )
            return _merge(store, path, bundle, organiser_sign_pk)
    except BundleError as exc:
        # What the outcome needs, not the error itself: kept here, its traceback would
        # hold this frame and the bundle's bytes in a cycle until the next collection
        # (ten 60 MB junk uploads held the server at 639 MB).
        failure = (exc.message(), exc.code, error_seq(exc))
    except StorageBusy:
        log.warning("merge of %s waited too long for the database: not merged", path.name)
        error = BundleError(
            N_("Bundle rejected: {reason}."),
            code=BUSY,
            reason="the database is busy, send it again",
        )
        failure = (error.message(), error.code, None)
    except (
        StorageError,
        StorageFull,
        SQLAlchemyError,
        ValueError,
        TypeError,
        KeyError,
        OverflowError,
    ) as exc:
        # A check above should have caught it; never a traceback, never lost: quarantined.
        log.error("merge of %s failed: %s", path.name, type(exc).__name__)
        error = BundleError(
            N_("Bundle rejected: {reason}."), code="merge_failed", reason="it could not be merged"
        )
        failure = (error.message(), error.code, None)
    device = ""
    with contextlib.suppress(BundleError):
        device = str(read_manifest(data)[0].get("device_id", ""))[:64]
    message, code, seq = failure
    return ImportOutcome(str(path), "rejected", message, code, device, seq=seq)


def _merge(
    store: Store,
    path: Path,
    bundle: VerifiedBundle,
    organiser_sign_pk: bytes | None,
) -> ImportOutcome:
    manifest = bundle.manifest
    device_id = manifest["device_id"]
    device_pk = bytes.fromhex(manifest["device_public_key"])
    with store.uow(readonly=True) as uow:
        known_device = uow.session.get(CentralDevice, device_id) is not None
    if not known_device and organiser_sign_pk:
        register_from_certificate(store, manifest, organiser_sign_pk)
    # Folded before the write lock is taken (the merge's one long piece of pure CPU).
    keys = {
        r.id: proposal_key(r.title, r.body)
        for r in bundle.typed
        if isinstance(r, records.ProposalSubmitted)
    }
    with store.uow() as uow:
        event = uow.session.get(Event, manifest["event_id"])
        device = uow.session.get(CentralDevice, device_id)
        if event is None or device is None or device.status != "approved":
            raise BundleError(
                N_("Bundle rejected: {reason}."), code="not_enrolled", reason="unknown kiosk"
            )
        device.clock_flags = max(device.clock_flags, len(manifest.get("clock_flags", [])))
        device.last_bundle_at = store.clock.now()
        known = {
            seq: digest
            for seq, digest in uow.session.execute(
                select(ImportedEntry.seq, ImportedEntry.hash).where(
                    ImportedEntry.device_id == device_id,
                    ImportedEntry.seq.between(manifest["from_seq"], manifest["to_seq"]),
                )
            )
        }
        fresh: list[tuple[Entry, records.Record]] = []
        fresh_payloads: list[dict[str, Any]] = []
        bulk = (records.ProposalSubmitted, records.CheckInRecorded)
        for entry, record in zip(bundle.entries, bundle.typed, strict=True):
            if entry.seq in known:
                if known[entry.seq] != entry.hash:
                    raise _deny("conflict", "the entry differs from the one merged", entry.seq)
                continue
            fresh.append((entry, record))
            # The bulk inserts read plain dicts (the others are applied from the records).
            fresh_payloads.append(record.to_payload() if isinstance(record, bulk) else {})
        already = authorise_entries(uow, device_id, device_pk, event.id, fresh)
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
                    for e, _r in fresh
                ],
            )
        _apply_all(
            uow,
            [e for e, _r in fresh],
            fresh_payloads,
            [r for _e, r in fresh],
            event.id,
            device_id,
            already,
            keys,
        )
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
    store: Store,
    paths: list[Path],
    sealing_key: PrivateKey | Sequence[PrivateKey],
    quarantine: Path,
    organiser_sign_pk: bytes | None = None,
) -> list[ImportOutcome]:
    """Each file its own outcome; one unreadable or refused file never stops the others."""
    return [
        import_bundle(store, path, sealing_key, quarantine, organiser_sign_pk) for path in paths
    ]


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
