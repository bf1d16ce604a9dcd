"""Submitting a proposal: validate, store with its journal entry, commit, then receipt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert

from kiosk.config import Limits
from kiosk.domain.proposal import ProposalDraft, validate_proposal
from kiosk.ids import new_id, new_receipt_code
from kiosk.services.context import event_info
from kiosk.storage.models import Proposal, utc_text
from kiosk.storage.prepared import Prepared
from kiosk.storage.settings import EVENT_ID, TRAINING
from kiosk.storage.store import Store
from kiosk.sync import records

_INSERT_PROPOSAL = Prepared(insert(Proposal))
_LIMITS = Limits()


@dataclass(frozen=True)
class ProposalReceipt:
    """What the attendee is shown once the proposal is on disk."""

    id: str
    receipt_code: str
    theme: str
    language: str
    created_at: dt.datetime
    journal_seq: int


def proposal_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    """The journal payload of a proposal (:class:`~kiosk.sync.records.ProposalSubmitted`):
    every column, the theme under its record name, the time as ISO text."""
    fields = {key: value for key, value in row.items() if key != "theme_code"}
    fields["theme"] = row["theme_code"]
    fields["created_at"] = row["created_at"].isoformat()
    return records.ProposalSubmitted(**fields).to_payload()


def submit_proposal(
    store: Store, draft: ProposalDraft, limits: Limits | None = None
) -> ProposalReceipt:
    """Validate and durably store one proposal; returns only after the commit.

    Raises :class:`~kiosk.domain.errors.ValidationError` for bad input and
    :class:`~kiosk.domain.errors.StorageFull` / ``StorageError`` when the disk
    refuses; in every failure nothing is written.
    """
    limits = limits or _LIMITS
    # Lean: prepared statements only, on a pooled connection (the attendee waits).
    with store.uow(lean=True) as uow:
        # The settings come with the journal head, in the submit's first statement.
        local = uow.read_head(EVENT_ID, TRAINING)
        info = event_info(uow, local[EVENT_ID])
        clean = validate_proposal(
            draft, theme_codes=info.theme_codes, languages=info.languages, limits=limits
        )
        proposal_id, receipt_code, now = new_id(), new_receipt_code(), store.clock.now()
        row: dict[str, object] = {
            "id": proposal_id,
            "event_id": info.id,
            "attendee_id": clean.attendee_id,
            "device_id": uow.device_id,
            "theme_code": clean.theme,
            "language": clean.language,
            "title": clean.title,
            "body": clean.body,
            "age_band": clean.age_band,
            "gender": clean.gender,
            "province": clean.province,
            "profile": clean.profile,
            "consent_publish": clean.consent_publish,
            "receipt_code": receipt_code,
            "created_at": now,
            "training": local[TRAINING],
        }
        # A prepared insert: this is the hot path of every attendee's submit.
        uow.run(_INSERT_PROPOSAL, {**row, "created_at": utc_text(now)})
        entry = uow.record(records.ProposalSubmitted.KIND, proposal_id, proposal_payload(row))
        uow.commit()
        return ProposalReceipt(
            proposal_id, receipt_code, clean.theme, clean.language, now, entry.seq
        )
