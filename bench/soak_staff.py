"""The staff check-in screen through a long door shift, offscreen: scanner bursts (key
events, as a USB scanner types them) accepted, repeated and unreadable, name searches,
undos and walk-ins, printing resident memory every 500 scans. Target: growth under
10 MB after warm-up.

    python bench/soak_staff.py [--scans 5000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench._common import record
from bench.soak import rss_mb
from kiosk import badges
from kiosk.app import build_staff_window, setup_demo_door
from kiosk.config import load_settings
from kiosk.services.badge_sheet import badge_cards
from kiosk.storage import Store
from kiosk.ui.background import run_now
from kiosk.ui.qt import QApplication, QEvent, QKeyEvent, Qt
from kiosk.ui.style import apply_style, load_fonts


def burst(target, text: str, start_ms: int) -> int:  # type: ignore[no-untyped-def]
    t = start_ms
    for char in [*text, "\r"]:
        key = int(Qt.Key.Key_Return) if char == "\r" else 0
        event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, 0, 0, 0, char)
        event.setTimestamp(t)
        QApplication.sendEvent(target, event)
        t += 4
    return t + 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scans", type=int, default=5000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    load_fonts()
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(tmp)
        store = Store(settings.db_url, backups_dir=settings.backups_dir)
        setup_demo_door(store, settings)
        tokens = [card.token for card in badge_cards(store)]
        azerty = badges.LAYOUT_DIGITS["fr_azerty"]
        window = build_staff_window(store, settings, run_now, language="ar", locked=True)
        window.resize(1280, 800)
        window.show()
        screen = window.checkin
        t = 1000
        samples: list[float] = []
        for n in range(1, args.scans + 1):
            token = tokens[n % len(tokens)]
            if n % 97 == 0:
                t = burst(screen.search_field, "1234567890" * 3, t)  # not a badge
            else:
                t = burst(screen.search_field, "".join(azerty[int(d)] for d in token), t)
            if n % 10 == 0:
                screen.search_field.setText(["ben", "\u0628\u0646", "salma", "idr"][n % 4])
                screen._search()
                screen.search_field.clear()
                screen._search()
            if n % 50 == 0:
                screen.undo_button.click()
                screen.panel.confirm_yes.click()
            if n % 100 == 0:
                screen.open_walk_in()
                screen.form.name.setText(f"Walk-in {n}")
                screen.form.submit.click()
                screen.show_scan_page()
            if n % 25 == 0:
                screen.refresh_counters()
            app.processEvents()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            if n % 500 == 0:
                samples.append(rss_mb())
                print(f"{n:6d} scans: RSS {samples[-1]:.1f} MB", flush=True)
        window.may_close = True
        window.close()
        store.close()
    if len(samples) >= 4:
        growth = samples[-1] - samples[0]
        half = samples[-1] - samples[len(samples) // 2]
        print(f"RSS growth from 500 scans to the end: {growth:.2f} MB")
        print(f"RSS growth over the second half of the run: {half:.2f} MB")
        record(
            f"soak, staff check-in screen, {args.scans} scans: RSS growth, second half",
            half,
            "MB",
            target="< 10 MB",
        )


if __name__ == "__main__":
    main()
