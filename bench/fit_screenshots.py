"""Screens at a venue's size, to look at: the attendee and staff screens that issue 18
("Fit") checks, in Arabic and French, normal and large text, saved as PNG.

python bench/fit_screenshots.py [OUT_DIR] [WIDTHxHEIGHT]   (default: out/fit 1280x800)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.app import build_staff_window, build_window, setup_demo_door
from kiosk.config import load_settings
from kiosk.storage import Store
from kiosk.ui.background import run_now
from kiosk.ui.qt import QApplication
from kiosk.ui.style import apply_style, load_fonts
from tests.ui import fit

ATTENDEE = ("welcome", "theme", "write", "questions", "review", "receipt", "still-there")
STAFF = ("checkin-search-keyboard", "walk-in-form", "dashboard", "data", "settings")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/fit")
    width, height = (int(v) for v in (sys.argv[2] if len(sys.argv) > 2 else "1280x800").split("x"))
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    load_fonts()
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(tmp)
        store = Store(settings.db_url, backups_dir=settings.backups_dir)
        setup_demo_door(store, settings)
        kiosk = build_window(store, settings, run_now)
        staff = build_staff_window(store, settings, run_now, language="fr")
        for window, screens, wanted, prefix in (
            (kiosk, fit.attendee_screens, ATTENDEE, "attendee"),
            (staff, fit.staff_screens, STAFF, "staff"),
        ):
            window.show()
            for large in (False, True):
                for lang in ("ar", "fr"):
                    for name in screens(window, lang, large):
                        if name not in wanted:
                            continue
                        fit.settle(app)
                        window.setGeometry(0, 0, width, height)
                        fit.settle(app)
                        size = "-large" if large else ""
                        path = out / f"{prefix}-{width}x{height}-{lang}{size}-{name}.png"
                        window.grab().save(str(path))
                        for problem in fit.problems(window, width, height):
                            print(f"{path.name}: {problem}")
            window.hide()
        kiosk.unlocked = True
        staff.may_close = True
        kiosk.close()
        staff.close()
        store.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
