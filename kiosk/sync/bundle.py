"""The bundle format: one implementation, written by kiosks and read by the central side.

A bundle is one file: the magic ``LKBUNDLE`` and version byte, then exactly three
members, each as a 4-byte big-endian length and its bytes, and nothing after them
(so every byte of the file is checked: a changed byte anywhere is refused):

- ``manifest.json``: canonical JSON in clear: format, version, event, device,
  seq range, entry count, first ``prev_hash``, last ``hash``, SHA-256 of the
  sealed member, the device's public key, its certificate from the organiser
  (empty until the kiosk has one), a closing tally and clock warnings;
- ``manifest.sig``: the device's Ed25519 signature of the manifest (hex);
- ``entries.sealed``: the journal entries as canonical JSON lines, sealed to the
  organiser's X25519 key (PyNaCl sealed box): a lost USB stick shows counts only.

:func:`read_bundle` checks everything in that order and raises
:class:`BundleError` (with a specific code, and the entry's seq where one entry
is at fault) on the first problem. Whether the device may write at all is the
reader's caller's to decide (``authorise``): the central merge checks the
certificate and its own list of approved and revoked devices.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple

import msgspec
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_
from kiosk.storage.canonical import canonical_json, chain_hash, entry_document, json_text
from kiosk.storage.journal import verify_entries
from kiosk.sync import records

FORMAT = "listening-kiosk/bundle"
VERSION = 2
DOMAIN = b"listening-kiosk/bundle\x00"
MEMBERS = ("manifest.json", "manifest.sig", "entries.sealed")
MAX_BUNDLE_BYTES = 512 * 1024 * 1024
MAGIC = b"LKBUNDLE" + bytes([VERSION])
MAX_SEQ = 2**31 - 1  # what the databases' integer column holds
MAX_MONO_NS = 2**63 - 1
TALLY_KINDS = {
    "attendee.registered": "attendees",
    "checkin.recorded": "checkins",
    "proposal.submitted": "proposals",
}


class _Line(msgspec.Struct, forbid_unknown_fields=True):
    """One bundle line as it must be: every field, each of its type and range."""

    device_id: Annotated[str, msgspec.Meta(max_length=100)]
    seq: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    kind: Annotated[str, msgspec.Meta(max_length=100)]
    record_id: Annotated[str, msgspec.Meta(max_length=100)]
    payload: msgspec.Raw  # the exact bytes the kiosk hashed
    wall_time: Annotated[str, msgspec.Meta(max_length=100)]
    mono_ns: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
    prev_hash: Annotated[str, msgspec.Meta(max_length=100)]
    hash: Annotated[str, msgspec.Meta(max_length=100)]


_LINES = msgspec.json.Decoder(_Line)
# Sorted keys, no spaces, UTF-8: the kiosk's canonical JSON for everything a kiosk
# writes, about seven times faster than json.dumps (checked by the chain hash).
_ENCODER = msgspec.json.Encoder(order="sorted")


def _chain_holds(
    entries: list[Entry], payloads: list[bytes], device_id: str, prev_hash: str, seq: int
) -> bool:
    """The hash chain checked with the entry documents encoded by msgspec (in C): the
    same documents as :func:`kiosk.storage.canonical.document_text` for every entry a
    kiosk writes, several times faster. True only if every link matches."""
    encode, sha256 = _ENCODER.encode, hashlib.sha256
    try:
        for entry, payload in zip(entries, payloads, strict=True):
            if entry.seq != seq or entry.prev_hash != prev_hash:
                return False
            document = encode(
                {
                    "device_id": device_id,
                    "kind": entry.kind,
                    "mono_ns": entry.mono_ns,
                    "payload": msgspec.Raw(payload),
                    "record_id": entry.record_id,
                    "seq": seq,
                    "wall_time": entry.wall_time,
                }
            )
            if sha256(bytes.fromhex(prev_hash) + document).hexdigest() != entry.hash:
                return False
            prev_hash, seq = entry.hash, seq + 1
    except (ValueError, msgspec.EncodeError):
        return False
    return True


class BundleError(KioskError, code="bad_bundle"): ...


def _bad(code: str, reason: str, seq: int | None = None) -> BundleError:
    if seq is None:
        return BundleError(N_("Bundle rejected: {reason}."), code=code, reason=reason)
    return BundleError(
        N_("Bundle rejected at entry {seq}: {reason}."), code=code, reason=reason, seq=seq
    )


def error_seq(error: BundleError) -> int | None:
    """The seq of the entry at fault, if one entry is."""
    seq = error.params.get("seq")
    return seq if isinstance(seq, int) else None


class Entry(NamedTuple):
    """One journal entry as a bundle carries it (a named tuple: bundles hold up to
    200,000 of them, made straight from database rows or bundle lines)."""

    device_id: str
    seq: int
    kind: str
    record_id: str
    payload: str  # canonical JSON text
    wall_time: str
    mono_ns: int
    prev_hash: str
    hash: str

    def text(self) -> str:
        """This entry as a canonical JSON line of a bundle (payload spliced in as is)."""
        return (
            f'{{"device_id":{json_text(self.device_id)},"hash":{json_text(self.hash)},'
            f'"kind":{json_text(self.kind)},"mono_ns":{int(self.mono_ns)},'
            f'"payload":{self.payload},"prev_hash":{json_text(self.prev_hash)},'
            f'"record_id":{json_text(self.record_id)},"seq":{int(self.seq)},'
            f'"wall_time":{json_text(self.wall_time)}}}'
        )

    def line(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "seq": self.seq,
            "kind": self.kind,
            "record_id": self.record_id,
            "payload": json.loads(self.payload),
            "wall_time": self.wall_time,
            "mono_ns": self.mono_ns,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector around the bulk work of one bundle.

    Writing or reading a bundle makes a few hundred thousand objects (rows, parsed
    lines, payloads) that hold no reference cycles; every collection on the way
    walks all of them again, for nothing: up to a tenth of an import or export.
    Reference counting still frees everything as usual, and the collector runs
    again on leaving (it is left off if it was off on entry).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def tally(entries: Iterable[Entry]) -> dict[str, int]:
    counts = {"attendees": 0, "checkins": 0, "proposals": 0}
    for entry in entries:
        key = TALLY_KINDS.get(entry.kind)
        if key:
            counts[key] += 1
    return counts


def file_name(event_code: str, device_id: str, first: int, last: int) -> str:
    return f"{event_code}-{device_id}-{first}-{last}.kbundle"


def write_bundle(
    entries: list[Entry],
    *,
    event_id: str,
    event_code: str,
    device_key: SigningKey,
    organiser_seal_pk: bytes,
    certificate: str,
    created_at: str,
    clock_flags: list[dict[str, Any]] | None = None,
) -> bytes:
    if not entries:
        raise ValueError("a bundle holds at least one entry")
    device_id = entries[0].device_id
    device_pk = bytes(device_key.verify_key)
    lines = [e.text() for e in entries]
    lines.append("")  # every line ends with a newline, with no extra copy of the body
    body = "\n".join(lines).encode("utf-8")
    del lines
    sealed = crypto.seal(organiser_seal_pk, body)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "event_id": event_id,
        "event_code": event_code,
        "device_id": device_id,
        "device_public_key": device_pk.hex(),
        "device_certificate": certificate,
        "from_seq": entries[0].seq,
        "to_seq": entries[-1].seq,
        "count": len(entries),
        "first_prev_hash": entries[0].prev_hash,
        "last_hash": entries[-1].hash,
        "members": {"entries.sealed": hashlib.sha256(sealed).hexdigest()},
        "tally": tally(entries),
        "clock_flags": clock_flags or [],
        "created_at": created_at,
    }
    manifest_bytes = canonical_json(manifest).encode("utf-8")
    signature = crypto.sign(device_key, DOMAIN + manifest_bytes).hex().encode("ascii")
    parts = [MAGIC]
    for data in (manifest_bytes, signature, sealed):
        parts += [struct.pack(">I", len(data)), data]
    return b"".join(parts)


def split_members(data: bytes) -> dict[str, bytes]:
    """The three members of a bundle file; every byte accounted for."""
    if not data.startswith(MAGIC):
        raise _bad("bad_format", "not a bundle file of this version")
    members: dict[str, bytes] = {}
    offset = len(MAGIC)
    for name in MEMBERS:
        if offset + 4 > len(data):
            raise _bad("truncated", "not a complete bundle file")
        (size,) = struct.unpack_from(">I", data, offset)
        offset += 4
        if offset + size > len(data):
            raise _bad("truncated", "not a complete bundle file")
        members[name] = bytes(data[offset : offset + size])
        offset += size
    if offset != len(data):
        raise _bad("trailing_data", "unexpected bytes after the bundle")
    return members


@dataclass(frozen=True)
class VerifiedBundle:
    manifest: dict[str, Any]
    entries: list[Entry]
    # Each entry's payload as its typed record (parallel to entries).
    typed: list[records.Record]


def read_manifest(data: bytes) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    """Open the archive and check the manifest's signature (no secrets needed)."""
    if not isinstance(data, bytes | bytearray) or len(data) > MAX_BUNDLE_BYTES:
        raise _bad("too_large", "file too large or unreadable")
    members = split_members(bytes(data))
    manifest_bytes = members["manifest.json"]
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        signature = bytes.fromhex(members["manifest.sig"].decode("ascii"))
        device_pk = bytes.fromhex(manifest["device_public_key"])
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, RecursionError) as exc:
        raise _bad("bad_manifest", "unreadable manifest") from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("version") != VERSION
    ):
        raise _bad("bad_manifest", "not a bundle of this version")
    if canonical_json(manifest).encode("utf-8") != manifest_bytes:
        raise _bad("bad_manifest", "manifest not in canonical form")
    # bytes.fromhex also takes upper case and spaces: only the one spelling is a bundle.
    if signature.hex().encode("ascii") != members["manifest.sig"]:
        raise _bad("bad_signature", "signature not in canonical form")
    try:
        crypto.verify(device_pk, DOMAIN + manifest_bytes, signature)
    except crypto.CryptoError as exc:
        raise _bad("bad_signature", "the manifest signature does not match") from exc
    return manifest, device_pk, members["entries.sealed"], manifest_bytes


def _field(manifest: dict[str, Any], key: str, kind: type) -> Any:
    value = manifest.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise _bad("bad_manifest", f"field {key}")
    return value


def _unseal(keys: PrivateKey | Sequence[PrivateKey], sealed: bytes) -> bytes:
    for key in [keys] if isinstance(keys, PrivateKey) else keys:
        try:
            return crypto.unseal(key, sealed)
        except crypto.CryptoError:
            continue
    raise _bad("cannot_unseal", "sealed to another organiser key")


def read_bundle(
    data: bytes,
    *,
    authorise: Callable[[dict[str, Any], bytes], None],
    sealing_key: PrivateKey | Sequence[PrivateKey],
) -> VerifiedBundle:
    """Verify signature, device, digests, seal, chain and tally; return the entries.

    ``authorise(manifest, device_public_key)`` raises :class:`BundleError` unless
    the device may send bundles for the manifest's event. ``sealing_key`` may be the
    organiser's current key and its retired ones: each is tried in turn.
    """
    manifest, device_pk, sealed, _raw = read_manifest(data)
    device_id = _field(manifest, "device_id", str)
    _field(manifest, "event_id", str)
    authorise(manifest, device_pk)
    members = _field(manifest, "members", dict)
    if members.get("entries.sealed") != hashlib.sha256(sealed).hexdigest():
        raise _bad("bad_digest", "the entries do not match the manifest")
    body = _unseal(sealing_key, sealed)
    # Every line ends with "\n" (a JSON text has no raw newline inside it; other
    # Unicode line breaks such as U+2028 may sit inside strings).
    if not body.endswith(b"\n"):
        raise _bad("bad_entries", "the last line is not terminated")
    try:
        # Decoded and typed in C (msgspec): a line's fields, their types and ranges.
        lines = _LINES.decode_lines(body)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise _bad("bad_entries", f"unreadable entries ({str(exc)[:120]})") from exc
    del body
    raws = [bytes(line.payload) for line in lines]
    typed: list[records.Record] | None = []
    try:
        for line, raw in zip(lines, raws, strict=True):
            record = records.decode(line.kind, raw)
            # Only the canonical spelling of a record is taken on the fast path.
            if _ENCODER.encode(record.to_payload()) != raw:
                typed = None
                break
            typed.append(record)  # type: ignore[union-attr]
    except records.RecordError:
        typed = None
    entries = [
        Entry(
            line.device_id,
            line.seq,
            line.kind,
            line.record_id,
            raw.decode("utf-8"),
            line.wall_time,
            line.mono_ns,
            line.prev_hash,
            line.hash,
        )
        for line, raw in zip(lines, raws, strict=True)
    ]
    del lines
    if any(e.device_id != device_id for e in entries):
        raise _bad("wrong_device", "entries of another device")
    first, last = _field(manifest, "from_seq", int), _field(manifest, "to_seq", int)
    if (
        len(entries) != _field(manifest, "count", int)
        or not entries
        or entries[0].seq != first
        or entries[-1].seq != last
    ):
        raise _bad("count_mismatch", "entry count or range differs from the manifest")
    start_prev_hash = str(manifest.get("first_prev_hash"))
    if typed is None or not _chain_holds(entries, raws, device_id, start_prev_hash, first):
        # The fast path only ever accepts: a hash that matches proves the kiosk hashed
        # exactly these canonical bytes, which decoded to these records. Whatever it
        # does not accept, the reference verifier judges (chain first), then every
        # record is parsed again to name the first bad one.
        typed = _reference_check(entries, raws, device_id, start_prev_hash, first)
    del raws
    if entries[-1].hash != manifest.get("last_hash"):
        raise _bad("chain_broken", "last hash differs from the manifest")
    if tally(entries) != manifest.get("tally"):
        raise _bad("tally_mismatch", "closing tally differs from the entries")
    return VerifiedBundle(manifest, entries, typed)


def _reference_check(
    entries: list[Entry], raws: list[bytes], device_id: str, prev_hash: str, first: int
) -> list[records.Record]:
    """The slow, reference path: canonical JSON by the standard library, the journal's
    own verifier, then each payload parsed as a record (the first bad one named)."""
    try:
        values = [json.loads(raw) for raw in raws]
        canonical = [
            e._replace(payload=canonical_json(v)) for e, v in zip(entries, values, strict=True)
        ]
    except (ValueError, RecursionError) as exc:
        raise _bad("bad_entries", "unreadable entries") from exc
    result = verify_entries(
        canonical, device_id, start_prev_hash=prev_hash, start_seq=first, payloads_canonical=True
    )
    if not result.ok:
        raise _bad("chain_broken", "the hash chain is broken", result.broken_seq)
    typed = []
    for entry, value in zip(entries, values, strict=True):
        try:
            typed.append(records.parse(entry.kind, value))
        except records.RecordError as exc:
            raise _bad(exc.code, exc.reason, entry.seq) from exc
    entries[:] = canonical
    return typed


def recompute_hash(entry: Entry) -> str:
    document = entry_document(
        entry.device_id,
        entry.seq,
        entry.kind,
        entry.record_id,
        json.loads(entry.payload),
        entry.wall_time,
        entry.mono_ns,
    )
    return chain_hash(entry.prev_hash, document)
