"""Taking a kiosk's journal off: bundles written atomically to a folder."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kiosk import crypto
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.services.context import current_event
from kiosk.services.status import clock_anomalies
from kiosk.storage.models import Device, JournalEntry
from kiosk.storage.store import Store
from kiosk.sync.bundle import Entry, file_name, write_bundle

LAST_EXPORT_KEY = "last_export"
MAX_ENTRIES_PER_BUNDLE = 200_000


@dataclass(frozen=True)
class ExportResult:
    path: Path
    from_seq: int
    to_seq: int
    count: int


def write_atomically(path: Path, data: bytes) -> None:
    """Temporary file in the same folder, fsync, rename, fsync the folder: a power cut
    leaves either no file under the final name or the whole file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return  # folders cannot be opened on some systems (Windows)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def build_bundle(
    store: Store, keys_dir: Path, after_seq: int, limit: int | None = None
) -> tuple[bytes, str, Entry, Entry] | None:
    """The bundle of this device's entries after ``after_seq`` (None if there are none)."""
    with store.uow(readonly=True) as uow:
        settings = uow.get_settings(crypto.ORGANISER_SEAL_PK, crypto.ENROLMENT_SECRET)
        if crypto.ORGANISER_SEAL_PK not in settings:
            raise KioskError(
                N_(
                    "This kiosk has no organiser key: set it up with the event "
                    "pack before exporting."
                ),
                code="no_organiser_key",
            )
        event = current_event(uow)
        j = JournalEntry
        query = (
            select(
                j.device_id,
                j.seq,
                j.kind,
                j.record_id,
                j.payload,
                j.wall_time,
                j.mono_ns,
                j.prev_hash,
                j.hash,
            )
            .where(j.device_id == uow.device_id, j.seq > after_seq)
            .order_by(j.seq)
        )
        if limit:
            query = query.limit(limit)
        entries = [Entry(*row) for row in uow.connection.execute(query)]
        if not entries:
            return None
        flags = [
            a.as_dict()
            for a in clock_anomalies(uow, event.starts_at)
            if entries[0].seq <= int(str(a.as_dict()["seq"])) <= entries[-1].seq
        ]
        event_id, event_code = event.id, event.code
    device_key = crypto.load_or_create_signing_key(keys_dir / crypto.DEVICE_KEY_FILE)
    data = write_bundle(
        entries,
        event_id=event_id,
        event_code=event_code,
        device_key=device_key,
        organiser_seal_pk=bytes.fromhex(settings[crypto.ORGANISER_SEAL_PK]),
        enrolment_secret=bytes.fromhex(settings[crypto.ENROLMENT_SECRET]),
        created_at=store.clock.now().isoformat(),
        clock_flags=flags,
    )
    return data, event_code, entries[0], entries[-1]


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
    with store.uow() as uow:
        device = uow.session.get(Device, uow.device_id)
        assert device is not None
        device.exported_seq = max(device.exported_seq, last.seq)
        uow.set_setting(
            LAST_EXPORT_KEY,
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
