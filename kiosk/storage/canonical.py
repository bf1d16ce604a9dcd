"""Canonical JSON and the journal's hash chain (shared by kiosk, sync and central)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text, no NaN.

    Payloads hold only strings, integers, booleans, null, lists and objects, so
    this coincides with RFC 8785 (JCS) for everything the journal stores.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def entry_document(
    device_id: str,
    seq: int,
    kind: str,
    record_id: str,
    payload: Any,
    wall_time: str,
    mono_ns: int,
) -> dict[str, Any]:
    """The fields of a journal entry that its hash covers."""
    return {
        "device_id": device_id,
        "seq": seq,
        "kind": kind,
        "record_id": record_id,
        "payload": payload,
        "wall_time": wall_time,
        "mono_ns": mono_ns,
    }


def chain_hash(prev_hash: str, document: dict[str, Any]) -> str:
    """``SHA-256(prev_hash || canonical_json(entry))`` as lowercase hex."""
    digest = hashlib.sha256()
    digest.update(bytes.fromhex(prev_hash))
    digest.update(canonical_json(document).encode("utf-8"))
    return digest.hexdigest()
