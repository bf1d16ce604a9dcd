"""The same storage code on PostgreSQL (the central platform's production database)."""

from __future__ import annotations

import pytest

from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.setup import init_demo
from kiosk.services.status import kiosk_status, verify_journal
from kiosk.storage import Store
from tests.storage.test_store import submit_from_threads

pytestmark = pytest.mark.postgres


def test_migrations_proposals_and_journal_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    init_demo(store)
    title = "\u0645\u0646\u0635\u0629 Agadir \u2d30\u2d63\u2d53\u2d4d"
    submit_proposal(store, ProposalDraft("skills", "ar", title, "\u0646\u0635\n2026"))
    submit_from_threads(store, "abc", 15)
    status = kiosk_status(store)
    assert status.proposals == 46
    result = verify_journal(store)
    assert result.ok and result.count == status.journal_length == 48
    store.close()
