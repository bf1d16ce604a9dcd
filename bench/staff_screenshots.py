"""Render every staff screen in every language offscreen to PNG, on a kiosk set up
from a signed event pack (the sample roster), after a simulated morning at the door.

python bench/staff_screenshots.py [OUT_DIR]     (default: out/screenshots)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench._common import SAMPLE_DIR
from kiosk.app import build_staff_window
from kiosk.central.cli import main as central
from kiosk.clock import FakeClock
from kiosk.config import load_settings
from kiosk.domain.proposal import ProposalDraft
from kiosk.i18n import LANGUAGES
from kiosk.services.checkin import check_in
from kiosk.services.pack_setup import setup_from_pack
from kiosk.services.proposals import submit_proposal
from kiosk.storage import Store
from kiosk.ui.background import run_now
from kiosk.ui.qt import QApplication
from kiosk.ui.style import apply_style, load_fonts

START = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)


def organiser(folder: Path, pack: Path) -> list[dict[str, str]]:
    def run(*args: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert central(["--data-dir", str(folder), *args]) == 0
        return out.getvalue()

    run("init")
    run("event", "create", "--code", "SM-2026", "--name", "Session Souss-Massa",
        "--region", "Souss-Massa", "--venue", "Agadir",
        "--starts", "2026-11-23T08:00", "--ends", "2026-11-23T18:00")  # fmt: skip
    run("roster", "import", "SM-2026", str(SAMPLE_DIR / "roster.csv"))
    passphrase = json.loads(run("pack", "SM-2026", "--out", str(pack), "--json"))["passphrase"]
    tokens: list[dict[str, str]] = json.loads(run("roster", "tokens", "SM-2026", "--json"))
    return tokens, passphrase


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    load_fonts()
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "event.kpack"
        tokens, passphrase = organiser(Path(tmp) / "central", pack)
        settings = load_settings(Path(tmp) / "kiosk")
        clock = FakeClock(START)
        store = Store(settings.db_url, backups_dir=settings.backups_dir, clock=clock)
        setup_from_pack(
            store, pack.read_bytes(), name="door-1", role="checkin",
            keys_dir=settings.keys_dir, pin="482613", passphrase=passphrase,
        )  # fmt: skip
        rng = random.Random(3)
        for row in tokens[:170]:  # a morning at the door
            clock.advance(rng.randint(5, 90))
            check_in(store, row["token"])
        sample = [json.loads(x) for x in (SAMPLE_DIR / "proposals.jsonl").read_text().splitlines()]
        for item in sample[:80]:
            clock.advance(30)
            submit_proposal(
                store, ProposalDraft(item["theme"], item["language"], item["title"], item["body"])
            )
        window = build_staff_window(store, settings, run_now, language="fr", locked=False)
        window.resize(1280, 800)
        window.show()
        screen = window.checkin

        def shot(name: str) -> None:
            app.processEvents()
            window.grab().save(str(out / f"staff-{name}.png"))

        fresh = tokens[170:]
        for i, lang in enumerate(LANGUAGES):
            window.set_language(lang)
            window.show_page("checkin")
            screen._result = ("idle", None)
            screen._render_result()
            shot(f"{lang}-1-ready")
            screen.scanned(fresh[i]["token"])
            shot(f"{lang}-2-accepted")
            screen.scanned(tokens[i]["token"])
            shot(f"{lang}-3-already")
            screen.scanned("0123456789")
            shot(f"{lang}-4-refused")
            screen.scanned(fresh[10 + i]["token"])
            screen.undo_button.click()
            shot(f"{lang}-5-undo-confirm")
            screen.panel.confirm_no.click()
            screen.search_field.setText("\u0628\u0646" if lang == "ar" else "Ben")
            screen._search()
            shot(f"{lang}-6-search")
            screen.search_field.clear()
            screen.open_walk_in()
            screen.form.name.setText(
                "\u064a\u0648\u0633\u0641 \u0623\u064a\u062a \u0639\u0644\u064a"
            )
            screen.form.organisation.setText("Coop\u00e9rative Tiwizi")
            shot(f"{lang}-7-walk-in-form")
            screen.form.submit.click()
            shot(f"{lang}-8-walk-in-badge")
            screen.show_scan_page()
            window.show_page("dashboard")
            shot(f"{lang}-9-dashboard")
            window.show_page("data")
            shot(f"{lang}-10-data")
            window.show_page("settings")
            shot(f"{lang}-11-settings")
            window.show_page("checkin")
            window.locked = True
            window.request_page("settings")
            shot(f"{lang}-12-pin")
            window.pin_pad.close_pad()
            window.locked = False
        window.may_close = True
        window.close()
        store.close()
    print(f"staff screenshots in {out}")


if __name__ == "__main__":
    main()
