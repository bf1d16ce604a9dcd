"""What an attacker can build: journals and bundles of any content, correctly chained
and signed with whatever key the attacker holds (a found pack's, a new one, or a
stolen enrolled kiosk's). The attacks in test_attacks.py are made with these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from kiosk import crypto
from kiosk.central.devices import approve
from kiosk.enrolment import device_id_for, make_request
from kiosk.storage import Store
from kiosk.storage.canonical import GENESIS_HASH, canonical_json, chain_hash, entry_document
from kiosk.sync.bundle import Entry, write_bundle

NOW = "2026-11-23T10:00:00+00:00"


@dataclass
class Device:
    """A device key, its derived id, and (once approved) its certificate text."""

    key: SigningKey
    certificate: str = ""

    @property
    def id(self) -> str:
        return device_id_for(bytes(self.key.verify_key))

    @property
    def public_key(self) -> str:
        return bytes(self.key.verify_key).hex()


def new_device() -> Device:
    return Device(crypto.new_signing_key())


def enrolled_device(central: Store, folder: Path, event_code: str, event_id: str) -> Device:
    """A device the organiser approved (as a stolen kiosk would be)."""
    import base64

    device = new_device()
    request = make_request(
        device.key, event_id=event_id, name="stolen", role="both", software="x", created_at=NOW
    )
    approval = approve(central, folder, event_code, request_data=request)
    device.certificate = base64.b64encode(approval.certificate).decode("ascii")
    return device


def chain(
    device_id: str,
    items: list[tuple[str, str, Any]],
    *,
    start_seq: int = 1,
    prev_hash: str = GENESIS_HASH,
    seqs: list[int] | None = None,
) -> list[Entry]:
    """Entries ``(kind, record_id, payload)`` chained as a kiosk's journal would be."""
    entries = []
    for i, (kind, record_id, payload) in enumerate(items):
        seq = seqs[i] if seqs else start_seq + i
        document = entry_document(device_id, seq, kind, record_id, payload, NOW, 1000 + i)
        digest = chain_hash(prev_hash, document)
        entries.append(
            Entry(
                device_id,
                seq,
                kind,
                record_id,
                canonical_json(payload),
                NOW,
                1000 + i,
                prev_hash,
                digest,
            )
        )
        prev_hash = digest
    return entries


def bundle(
    device: Device,
    entries: list[Entry],
    *,
    event_id: str,
    seal_pk: bytes,
    device_id: str | None = None,
) -> bytes:
    if device_id is not None:  # a claimed id that is not the key's
        entries = [e._replace(device_id=device_id) for e in entries]
    return write_bundle(
        entries,
        event_id=event_id,
        event_code="X",
        device_key=device.key,
        organiser_seal_pk=seal_pk,
        certificate=device.certificate,
        created_at=NOW,
    )


def proposal(device_id: str, event_id: str, **changes: Any) -> dict[str, Any]:
    """A valid proposal payload of ``device_id``, with ``changes``."""
    from kiosk.ids import new_id, new_receipt_code

    payload: dict[str, Any] = {
        "id": new_id(),
        "event_id": event_id,
        "attendee_id": None,
        "device_id": device_id,
        "theme": "skills",
        "language": "fr",
        "title": "Titre",
        "body": "Corps",
        "age_band": "",
        "gender": "",
        "province": "",
        "profile": "",
        "consent_publish": False,
        "receipt_code": new_receipt_code(),
        "created_at": NOW,
        "training": False,
    }
    payload.update(changes)
    return payload


def checkin(
    device_id: str, event_id: str, attendee_id: str | None, **changes: Any
) -> dict[str, Any]:
    from kiosk.ids import new_id

    payload: dict[str, Any] = {
        "id": new_id(),
        "event_id": event_id,
        "attendee_id": attendee_id,
        "device_id": device_id,
        "station": "door",
        "at": NOW,
        "method": "scan",
        "outcome": "accepted",
        "detail": "",
        "training": False,
        "undone_at": None,
    }
    payload.update(changes)
    return payload


def walk_in(device_id: str, event_id: str, attendee_id: str, **changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": attendee_id,
        "event_id": event_id,
        "external_id": None,
        "kind": "walk_in",
        "name": "Forged Name",
        "name_latin": "",
        "organisation": "",
        "category": "citizen",
        "province": "",
        "phone": "+212600000000",
        "email": "",
        "preferred_language": "",
        "consent": False,
        "search_key": "forged name",
        "created_at": NOW,
        "created_by": device_id,
        "badge_token": "1" * 229,
    }
    payload.update(changes)
    return payload


def today() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
