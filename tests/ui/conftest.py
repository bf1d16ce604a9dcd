"""A kiosk window on a fresh demo store, offscreen, with fonts and the real stylesheet."""

from __future__ import annotations

import pytest

from kiosk.app import build_window
from kiosk.ui.background import run_now
from kiosk.ui.style import apply_style, load_fonts


@pytest.fixture
def kiosk_window(qapp, demo_store, settings):  # type: ignore[no-untyped-def]
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
