"""Migrations: an old database is upgraded with its data intact and a backup kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from alembic import command

from kiosk.domain.proposal import ProposalDraft
from kiosk.services.proposals import submit_proposal
from kiosk.services.setup import init_demo
from kiosk.services.status import kiosk_status, verify_journal
from kiosk.storage import Store
from kiosk.storage.engine import make_engine
from kiosk.storage.migrate import alembic_config, current_revision, head_revision
from tests.conftest import kiosk_db

FIRST = "0001"


def test_upgrade_from_initial_revision_keeps_data_and_backs_up(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.db"
    url = f"sqlite:///{db}"

    # A kiosk that ran the first release: data the kiosk's services write, taken
    # down to revision 0001 (today's models no longer write that release's event
    # table, which 0008 gave names per language).
    old = Store(url)
    init_demo(old)
    receipt = submit_proposal(
        old, ProposalDraft("skills", "ar", "\u0639\u0646\u0648\u0627\u0646", "\u0646\u0635")
    )
    before = kiosk_status(old)
    old.close()
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), FIRST)
    assert current_revision(engine) == FIRST
    engine.dispose()

    backups = tmp_path / "backups"
    upgraded = Store(url, backups_dir=backups)
    assert current_revision(upgraded.engine) == head_revision(upgraded.engine) != FIRST
    assert upgraded.last_backup is not None and upgraded.last_backup.exists()
    # Everything but the names per language, which the first release had not.
    assert kiosk_status(upgraded) == dataclasses.replace(before, event_names={})
    assert verify_journal(upgraded).ok
    upgraded.close()

    # The backup is a consistent copy at the old revision holding the old data.
    con = kiosk_db(upgraded.last_backup)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (FIRST,)
        assert con.execute("SELECT receipt_code FROM proposal").fetchone() == (
            receipt.receipt_code,
        )
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        con.close()


def test_fresh_database_needs_no_backup_and_current_one_is_not_copied(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kiosk.db'}"
    backups = tmp_path / "backups"
    first = Store(url, backups_dir=backups)
    assert first.last_backup is None
    first.close()
    again = Store(url, backups_dir=backups)
    assert again.last_backup is None
    assert not backups.exists() or not any(backups.iterdir())
    again.close()


def test_head_constant_matches_the_scripts_and_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from kiosk.storage.migrate import HEAD_REVISION
    from kiosk.storage.models import Base

    store = Store(f"sqlite:///{tmp_path / 'k.db'}")
    assert head_revision(store.engine) == HEAD_REVISION == current_revision(store.engine)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The FTS search table lives outside the models on purpose.
    assert [d for d in diff if "attendee_search" not in str(d)] == []
    store.close()
