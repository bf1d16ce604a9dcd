"""Every QR code on a generated badge sheet decodes (zxing-cpp) to its token."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.services.badge_sheet import badge_cards
from kiosk.services.pack_setup import setup_from_pack
from kiosk.storage import Store
from kiosk.ui.badge_sheet import write_badges_pdf


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (bootstrap) needed")
def test_every_qr_on_the_sheet_decodes(qapp, organiser, tmp_path: Path, settings) -> None:
    pack = tmp_path / "event.kpack"
    organiser("pack", "SM-2026", "--out", str(pack))
    store = Store(settings.db_url)
    setup_from_pack(
        store,
        pack.read_bytes(),
        name="door",
        role="checkin",
        keys_dir=settings.keys_dir,
        passphrase=organiser.passphrase,
    )
    # Invitees' tokens stay with the organiser: their sheet is printed from there.
    central = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    cards = badge_cards(central, event_id=store.event_id)[:20]  # three pages, both scripts
    central.close()
    out = write_badges_pdf(cards, tmp_path / "badges.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "150", "-gray", "-png", str(out), str(tmp_path / "p")], check=True
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 3
    found = []
    for page in pages:
        found += [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    assert sorted(found) == sorted(card.token for card in cards)
    store.close()
