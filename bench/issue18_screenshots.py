"""The screens issue 18's staff and wording work changed, to look at: attendee screens
in training mode (the banner), the questions' provinces, the write screen (optional
title); staff: the search's question and "no one found", the walk-in form's
provinces, "write everything again", a refused idle time-out, the quit question, the
PIN pad's OK; in Arabic and French, saved as PNG.

python bench/issue18_screenshots.py [OUT_DIR] [WIDTHxHEIGHT ...]
(default: out/issue18 1280x800 1920x1080)
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

ATTENDEE = ("welcome", "write", "questions", "review", "still-there", "pin")
STAFF = (
    "checkin-confirm",
    "checkin-no-one",
    "walk-in-form",
    "data-export-all",
    "settings",
    "quit-confirm",
)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/issue18")
    sizes = [tuple(int(v) for v in s.split("x")) for s in sys.argv[2:]] or [
        (1280, 800),
        (1920, 1080),
    ]
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    load_fonts()
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(tmp)
        store = Store(settings.db_url, backups_dir=settings.backups_dir)
        setup_demo_door(store, settings)
        kiosk = build_window(store, settings, run_now)
        kiosk.training = True  # as read from the settings when staff turned it on
        staff = build_staff_window(store, settings, run_now, language="fr")
        for width, height in sizes:
            for window, screens, wanted, prefix in (
                (kiosk, fit.attendee_screens, ATTENDEE, "attendee-training"),
                (staff, fit.staff_screens, STAFF, "staff"),
            ):
                window.show()
                for lang in ("ar", "fr"):
                    for name in screens(window, lang, False):
                        if name not in wanted:
                            continue
                        if name == "settings":  # a time-out under the minimum, refused
                            page = window.settings_page
                            page.idle.spin.setValue(10)
                            page.save_settings()
                        fit.settle(app)
                        window.setGeometry(0, 0, width, height)
                        fit.settle(app)
                        path = out / f"{prefix}-{width}x{height}-{lang}-{name}.png"
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
