"""Proposals through the service: stored byte-identical, journaled, or not at all."""

from __future__ import annotations

import json
import unicodedata

import pytest
from sqlalchemy import func, select

from kiosk.domain.errors import ValidationError
from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.storage.models import JournalEntry, Proposal
from tests.unit.test_proposal_rules import SAMPLES


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_text_read_back_byte_identical_after_nfc(demo_store, key: str) -> None:
    title, body = SAMPLES[key]
    lang = "zgh" if key == "zgh" else "ar"
    receipt = submit_proposal(demo_store, ProposalDraft("skills", lang, title, body))
    with demo_store.uow(readonly=True) as uow:
        row = uow.session.get(Proposal, receipt.id)
        assert row is not None
        assert row.title.encode("utf-8") == unicodedata.normalize("NFC", title).encode("utf-8")
        assert row.body.encode("utf-8") == unicodedata.normalize("NFC", body).encode("utf-8")
        entry = uow.session.scalar(select(JournalEntry).where(JournalEntry.record_id == row.id))
        assert entry is not None and entry.kind == "proposal.submitted"
        assert json.loads(entry.payload)["body"] == row.body


def test_rejected_proposal_writes_nothing(demo_store) -> None:
    def counts() -> tuple[int, int]:
        with demo_store.uow(readonly=True) as uow:
            return (
                uow.session.scalar(select(func.count()).select_from(Proposal)),
                uow.session.scalar(select(func.count()).select_from(JournalEntry)),
            )

    before = counts()
    for bad in (
        ProposalDraft("nope", "fr", "t", "b"),
        ProposalDraft("skills", "fr", "t", "x" * 5001),
        ProposalDraft("skills", "fr", "t", "a\x00b"),
    ):
        with pytest.raises(ValidationError):
            submit_proposal(demo_store, bad)
    assert counts() == before


def test_receipt_codes_are_unique_and_ids_time_ordered(demo_store) -> None:
    receipts = [
        submit_proposal(demo_store, ProposalDraft("skills", "en", f"T{i}", "B")) for i in range(50)
    ]
    assert len({r.receipt_code for r in receipts}) == 50
    ids = [r.id for r in receipts]
    assert ids == sorted(ids)
    assert all(r.id[14] == "7" for r in receipts)  # UUID version 7
