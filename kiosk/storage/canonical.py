"""Canonical JSON and the journal's hash chain (shared by kiosk, sync and central)."""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring
from typing import Any

GENESIS_HASH = "0" * 64

# One encoder for every call: json.dumps with non-default options builds a new
# JSONEncoder each time, which costs as much as encoding a small payload.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 text, no NaN.

    Payloads hold only strings, integers, booleans, null, lists and objects, so
    this coincides with RFC 8785 (JCS) for everything the journal stores.
    """
    return _CANONICAL.encode(value)


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


def json_text(value: str) -> str:
    """A JSON string literal, as ``json.dumps(value, ensure_ascii=False)`` writes it.

    For a str that is ``encode_basestring`` (the C escaper json.dumps itself calls),
    without building an encoder per field: six fields per bundle line add up."""
    if type(value) is str:
        return encode_basestring(value)
    return json.dumps(value, ensure_ascii=False)


def document_text(
    device_id: str,
    seq: int,
    kind: str,
    record_id: str,
    payload_text: str,
    wall_time: str,
    mono_ns: int,
) -> str:
    """``canonical_json(entry_document(...))`` assembled around an already canonical
    payload text, without parsing it again (the hot path of journals and bundles).
    Keys in sorted order, exactly as :func:`canonical_json` writes them."""
    return (
        f'{{"device_id":{json_text(device_id)},"kind":{json_text(kind)},'
        f'"mono_ns":{int(mono_ns)},"payload":{payload_text},'
        f'"record_id":{json_text(record_id)},"seq":{int(seq)},'
        f'"wall_time":{json_text(wall_time)}}}'
    )


def chain_hash_text(prev_hash: str, document: str) -> str:
    digest = hashlib.sha256()
    digest.update(bytes.fromhex(prev_hash))
    digest.update(document.encode("utf-8"))
    return digest.hexdigest()


class EnvelopeError(ValueError):
    """A signed file (pack, enrolment request, certificate) that is not one: its reason."""


def read_envelope(data: object, fmt: str, version: int, max_bytes: int) -> dict[str, Any]:
    """The outer object of a signed JSON file, checked for size, encoding, JSON, its
    ``format`` and ``version``; the caller checks what is inside and the signature.
    Hostile bytes raise :class:`EnvelopeError` only."""
    if not isinstance(data, bytes | bytearray) or len(data) > max_bytes:
        raise EnvelopeError("file too large or unreadable")
    try:
        envelope = json.loads(bytes(data).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # nested too deep
        raise EnvelopeError("not a file of this kind") from exc
    if not isinstance(envelope, dict) or envelope.get("format") != fmt:
        raise EnvelopeError("not a file of this kind")
    if envelope.get("version") != version:
        raise EnvelopeError("unsupported version")
    return envelope
