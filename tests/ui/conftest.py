"""A kiosk window on a fresh demo store, offscreen, with fonts and the real stylesheet."""

from __future__ import annotations

import pytest

from kiosk.app import build_window
from kiosk.ui.background import run_now
from kiosk.ui.style import apply_style, load_fonts


@pytest.fixture
def kiosk_window(qapp, demo_store, settings):
    load_fonts()
    apply_style(qapp)
    window = build_window(demo_store, settings, run_now)
    window.resize(1280, 800)
    window.show()
    qapp.processEvents()
    yield window
    window.unlocked = True
    window.close()
    window.deleteLater()


@pytest.fixture
def door(organiser, tmp_path, settings):
    """A check-in kiosk set up from the organiser's signed pack (300 invitees, PIN 482613);
    returns (store, tokens) where tokens are the organiser's badge rows."""
    from kiosk.services.pack_setup import setup_from_pack
    from kiosk.storage import Store

    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    store = Store(settings.db_url, backups_dir=settings.backups_dir)
    setup_from_pack(
        store,
        pack.read_bytes(),
        name="door-1",
        role="checkin",
        keys_dir=settings.keys_dir,
        pin="482613",
        passphrase=organiser.passphrase,
    )
    organiser.enrol(store, settings.keys_dir)
    yield store, organiser.tokens()
    store.close()


@pytest.fixture
def staff_window(qapp, door, settings):
    from kiosk.app import build_staff_window

    load_fonts()
    apply_style(qapp)
    store, _tokens = door
    window = build_staff_window(store, settings, run_now, language="fr", locked=True)
    window.resize(1280, 800)
    window.show()
    qapp.processEvents()
    yield window
    window.may_close = True
    window.close()
    window.deleteLater()
