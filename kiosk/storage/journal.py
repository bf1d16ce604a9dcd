"""The append-only, hash-chained journal.

Every change is appended in the same transaction as the change itself, with a
gapless per-device ``seq`` and ``hash = SHA-256(prev_hash || canonical_json(entry))``.
The device row keeps the head (last seq and hash) so that deleting the newest
entries is detected as well as editing or deleting older ones.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import String, bindparam, insert, select, update
from sqlalchemy.orm import Session

from kiosk.clock import Clock
from kiosk.storage.canonical import (
    GENESIS_HASH,
    canonical_json,
    chain_hash_text,
    document_text,
)
from kiosk.storage.models import Device, JournalEntry, LocalSetting
from kiosk.storage.prepared import Prepared, Runner


class JournalError(Exception):
    pass


class Head(NamedTuple):
    """A device's last journal entry: the next one follows it."""

    seq: int
    hash: str


@functools.lru_cache(maxsize=16)
def _read_head(setting_count: int) -> Prepared:
    """The device's head, and ``setting_count`` local settings (``key0``...) with it.

    Built once per count and run as a prepared statement on the unit of work's
    cursor: this is on every action's hot path. FOR UPDATE keeps concurrent writers
    in line on PostgreSQL (SQLite: BEGIN IMMEDIATE)."""
    settings = [
        select(LocalSetting.value)
        .where(LocalSetting.key == bindparam(f"key{i}", type_=String))
        .scalar_subquery()
        for i in range(setting_count)
    ]
    return Prepared(
        select(Device.journal_seq, Device.journal_hash, *settings)
        .where(Device.id == bindparam("device_id"))
        .with_for_update()
    )


_INSERT_ENTRY = Prepared(insert(JournalEntry))
_MOVE_HEAD = Prepared(
    update(Device)
    .where(Device.id == bindparam("device_id"))
    .values(journal_seq=bindparam("seq"), journal_hash=bindparam("hash"))
)


def read_head(
    runner: Runner, device_id: str, setting_keys: Sequence[str] = ()
) -> tuple[Head, dict[str, str]]:
    """The device's journal head and the local settings named (those that are set),
    in one statement: an action that appends reads what it needs with the head."""
    params = {f"key{i}": key for i, key in enumerate(setting_keys)}
    params["device_id"] = device_id
    row = runner.run(_read_head(len(setting_keys)), params).fetchone()
    if row is None:
        raise JournalError(f"unknown device {device_id}")
    settings = {
        key: value for key, value in zip(setting_keys, row[2:], strict=True) if value is not None
    }
    return Head(row[0], row[1]), settings


def append(
    runner: Runner,
    device_id: str,
    kind: str,
    record_id: str,
    payload: dict[str, Any],
    clock: Clock,
    head: Head | None = None,
) -> Head:
    """Append one entry after the device's current head (the caller commits); the
    entry appended is the new head, returned.

    Three statements in the caller's transaction: read the head (unless the caller
    read it in this transaction, see :func:`read_head`), insert the entry, move the
    head. The caller flushes its own pending rows first.
    """
    if head is None:
        head, _ = read_head(runner, device_id)
    seq = head.seq + 1
    prev_hash = head.hash
    wall_time = clock.now().isoformat(timespec="microseconds")
    mono_ns = clock.monotonic_ns()
    payload_text = canonical_json(payload)
    digest = chain_hash_text(
        prev_hash, document_text(device_id, seq, kind, record_id, payload_text, wall_time, mono_ns)
    )
    runner.run(
        _INSERT_ENTRY,
        {
            "device_id": device_id,
            "seq": seq,
            "kind": kind,
            "record_id": record_id,
            "payload": payload_text,
            "wall_time": wall_time,
            "mono_ns": mono_ns,
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    runner.run(_MOVE_HEAD, {"device_id": device_id, "seq": seq, "hash": digest})
    return Head(seq, digest)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"OK: {self.count} entries"
        return f"BROKEN at entry {self.broken_seq}: {self.reason}"


def verify_entries(
    entries: Any,
    device_id: str,
    expected_head: tuple[int, str] | None = None,
    start_prev_hash: str = GENESIS_HASH,
    start_seq: int = 1,
    payloads_canonical: bool = False,
) -> VerifyResult:
    """Walk entries (ordered by seq) and report the first broken link."""
    prev_hash = start_prev_hash
    expected_seq = start_seq
    count = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                count,
                expected_seq,
                f"entry {expected_seq} is missing (next found is {entry.seq})",
            )
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, count, entry.seq, "prev_hash does not match previous entry")
        if not payloads_canonical:  # else the caller has just made them canonical
            try:
                payload = json.loads(entry.payload)
            except ValueError:
                return VerifyResult(False, count, entry.seq, "payload is not valid JSON")
            if canonical_json(payload) != entry.payload:
                return VerifyResult(False, count, entry.seq, "payload is not in canonical form")
        document = document_text(
            device_id,
            entry.seq,
            entry.kind,
            entry.record_id,
            entry.payload,
            entry.wall_time,
            entry.mono_ns,
        )
        if chain_hash_text(prev_hash, document) != entry.hash:
            return VerifyResult(False, count, entry.seq, "hash does not match contents")
        prev_hash = entry.hash
        expected_seq += 1
        count += 1
    if expected_head is not None:
        head_seq, head_hash = expected_head
        if head_seq != expected_seq - 1:
            return VerifyResult(
                False, count, expected_seq, f"entries {expected_seq}..{head_seq} are missing"
            )
        if head_hash != prev_hash:
            return VerifyResult(False, count, head_seq, "last hash does not match the head")
    return VerifyResult(True, count)


def verify(session: Session, device_id: str) -> VerifyResult:
    """Verify one device's chain against the head kept on its device row."""
    device = session.get(Device, device_id)
    if device is None:
        raise JournalError(f"unknown device {device_id}")
    rows = session.scalars(
        select(JournalEntry)
        .where(JournalEntry.device_id == device_id)
        .order_by(JournalEntry.seq)
        .execution_options(yield_per=1000)
    )
    return verify_entries(rows, device_id, (device.journal_seq, device.journal_hash))
