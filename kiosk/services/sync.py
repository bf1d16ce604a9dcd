"""Taking a kiosk's journal off: bundles written atomically to a folder."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, select

from kiosk import crypto
from kiosk.domain.clock_check import find_clock_anomalies
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.services.context import current_event
from kiosk.storage.files import commit_file, output_folder, temporary_name, write_atomically
from kiosk.storage.health import record_exported
from kiosk.storage.models import Device, JournalEntry
from kiosk.storage.prepared import Prepared
from kiosk.storage.settings import DEVICE_CERTIFICATE, LAST_EXPORT, ORGANISER_SEAL_PK
from kiosk.storage.store import Store
from kiosk.sync.bundle import Entry, file_name, gc_paused, write_bundle

__all__ = [
    "ExportResult",
    "build_bundle",
    "commit_file",
    "export_bundle",
    "output_folder",
    "temporary_name",
    "write_atomically",
]

MAX_ENTRIES_PER_BUNDLE = 200_000


@dataclass(frozen=True)
class ExportResult:
    path: Path
    from_seq: int
    to_seq: int
    count: int


_j = JournalEntry
_ENTRY_COLUMNS = (
    _j.device_id,
    _j.seq,
    _j.kind,
    _j.record_id,
    _j.payload,
    _j.wall_time,
    _j.mono_ns,
    _j.prev_hash,
    _j.hash,
)
_AFTER = (_j.device_id == bindparam("device_id"), _j.seq > bindparam("after"))
# Prepared: a bundle is up to 200,000 rows, and SQLAlchemy's result rows cost more
# than SQLite's own fetch; the rows become bundle entries as they are.
_READ_ENTRIES = Prepared(select(*_ENTRY_COLUMNS).where(*_AFTER).order_by(_j.seq))
_READ_ENTRIES_UP_TO = Prepared(
    select(*_ENTRY_COLUMNS).where(*_AFTER).order_by(_j.seq).limit(bindparam("limit"))
)
# The clock check needs the wall times before the bundle too (a jump backwards is
# measured against the latest time seen so far).
_READ_TIMES_BEFORE = Prepared(
    select(_j.seq, _j.kind, _j.wall_time)
    .where(_j.device_id == bindparam("device_id"), _j.seq <= bindparam("after"))
    .order_by(_j.seq)
)


def build_bundle(
    store: Store, keys_dir: Path, after_seq: int, limit: int | None = None
) -> tuple[bytes, str, Entry, Entry] | None:
    """The bundle of this device's entries after ``after_seq`` (None if there are none)."""
    with gc_paused():  # a bundle is bulk work: see gc_paused
        return _build_bundle(store, keys_dir, after_seq, limit)


def _build_bundle(
    store: Store, keys_dir: Path, after_seq: int, limit: int | None
) -> tuple[bytes, str, Entry, Entry] | None:
    with store.uow(readonly=True) as uow:
        local = uow.settings(ORGANISER_SEAL_PK, DEVICE_CERTIFICATE)
        if not local[ORGANISER_SEAL_PK]:
            raise KioskError(
                N_(
                    "This kiosk has no organiser key: set it up with the event "
                    "pack before exporting."
                ),
                code="no_organiser_key",
            )
        event = current_event(uow)
        params = {"device_id": uow.device_id, "after": after_seq, "limit": limit}
        query = _READ_ENTRIES_UP_TO if limit else _READ_ENTRIES
        entries = list(map(Entry._make, uow.run(query, params).fetchall()))
        if not entries:
            return None
        # The same check as the kiosk's status screen (clock_anomalies), over the
        # entries before the bundle and the bundle's own, without reading them twice.
        before = uow.run(_READ_TIMES_BEFORE, params).fetchall() if after_seq > 0 else []
        times = itertools.chain(before, ((e.seq, e.kind, e.wall_time) for e in entries))
        first, last = entries[0].seq, entries[-1].seq
        flags = [
            a.as_dict()
            for a in find_clock_anomalies(times, event.starts_at)
            if first <= a.seq <= last
        ]
        event_id, event_code = event.id, event.code
    device_key = crypto.load_or_create_signing_key(keys_dir / crypto.DEVICE_KEY_FILE)
    data = write_bundle(
        entries,
        event_id=event_id,
        event_code=event_code,
        device_key=device_key,
        organiser_seal_pk=bytes.fromhex(local[ORGANISER_SEAL_PK]),
        # Empty until the organiser approves this kiosk: central then accepts the
        # bundle once it has approved the kiosk itself.
        certificate=local[DEVICE_CERTIFICATE],
        created_at=store.clock.now().isoformat(),
        clock_flags=flags,
    )
    return data, event_code, entries[0], entries[-1]


def note_exported(store: Store, device_id: str, seq: int) -> None:
    """Keep, beside the database file, how far the journal has left the kiosk: a
    restore must not rewind below it (see :func:`kiosk.storage.health.restore`)."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        record_exported(Path(url.database), device_id, seq)


def export_bundle(
    store: Store, keys_dir: Path, out_dir: Path, everything: bool = False
) -> ExportResult | None:
    """Write one bundle of the entries not yet exported (or all); None if nothing is new."""
    with store.uow(readonly=True) as uow:
        device = uow.session.get(Device, uow.device_id)
        assert device is not None
        after = 0 if everything else device.exported_seq
    built = build_bundle(store, keys_dir, after)
    if built is None:
        return None
    data, event_code, first, last = built
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / file_name(event_code, first.device_id, first.seq, last.seq)
    write_atomically(path, data)
    note_exported(store, first.device_id, last.seq)
    with store.uow() as uow:
        device = uow.session.get(Device, uow.device_id)
        assert device is not None
        device.exported_seq = max(device.exported_seq, last.seq)
        uow.save(
            LAST_EXPORT,
            json.dumps(
                {
                    "path": str(path),
                    "from_seq": first.seq,
                    "to_seq": last.seq,
                    "at": store.clock.now().isoformat(),
                }
            ),
        )
        uow.commit()
    return ExportResult(path, first.seq, last.seq, last.seq - first.seq + 1)
