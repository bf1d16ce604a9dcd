"""Render every attendee screen in every language offscreen to PNG.

python bench/screenshots.py [OUT_DIR]     (default: out/screenshots)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kiosk.app import build_window
from kiosk.config import load_settings
from kiosk.domain.flow import Step
from kiosk.i18n import LANGUAGES
from kiosk.services.setup import init_demo
from kiosk.storage import Store
from kiosk.ui.background import run_now
from kiosk.ui.qt import QApplication
from kiosk.ui.style import apply_style, load_fonts

SAMPLE = {
    "ar": (
        "\u0634\u0628\u0627\u0643 \u0631\u0642\u0645\u064a \u0645\u0648\u062d\u062f",
        "\u0625\u062d\u062f\u0627\u062b \u0634\u0628\u0627\u0643 \u0631\u0642\u0645\u064a "
        "\u0645\u0648\u062d\u062f \u0628\u0634\u0631\u0627\u0643\u0629 \u0645\u0639 "
        "Coop\u00e9rative Tiwizi \u0633\u0646\u0629 2026.",
    ),
    "fr": (
        "Guichet num\u00e9rique unique",
        "Cr\u00e9er un guichet unique pour les coop\u00e9ratives, avec signature.",
    ),
    "zgh": (
        "\u2d5c\u2d30\u2d63\u2d63\u2d53\u2d33\u2d63\u2d5c \u2d4f "
        "\u2d49\u2d4f\u2d5c\u2d54\u2d4f\u2d49\u2d5c",
        "\u2d49\u2d4f\u2d5c\u2d54\u2d4f\u2d49\u2d5c \u2d49 \u2d49\u2d37\u2d53\u2d54\u2d30\u2d54 "
        "\u2d37 \u2d5c\u2d49\u2d4f\u2d4e\u2d4d\u2d30.",
    ),
    "en": ("Coding clubs", "Free coding clubs for girls in rural communes."),
}


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    load_fonts()
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(tmp)
        store = Store(settings.db_url)
        init_demo(store)
        window = build_window(store, settings, run_now)
        window.resize(1280, 800)
        window.show()
        f = window.flow

        def shot(name: str) -> None:
            app.processEvents()
            window.grab().save(str(out / f"{name}.png"))

        shot("welcome")
        for lang in LANGUAGES:
            window._apply(f.choose_language(lang))
            shot(f"{lang}-1-badge")
            window._apply(f.skip_badge())
            shot(f"{lang}-2-theme")
            window._apply(f.choose_theme("public_services"))
            title, body = SAMPLE[lang]
            window.write.title_field.setText(title)
            window.write.body_field.setPlainText(body)
            window._apply(f.state)
            shot(f"{lang}-3-write")
            window._apply(f.finish_writing())
            window._apply(f.answer("age_band", "25_34"))
            shot(f"{lang}-4-questions")
            window._apply(f.finish_questions())
            shot(f"{lang}-5-consent")
            window._apply(f.set_consent(True))
            window._apply(f.finish_consent())
            shot(f"{lang}-6-review")
            f.submission()
            window._apply(f.submitted("x", "K7M4-QPX2"))
            shot(f"{lang}-7-receipt")
            window._apply(f.reset())
            window._apply(f.choose_language(lang))
            window._apply(f.skip_badge())
            window._apply(f.tick(window.flow.timeouts.idle_s))
            shot(f"{lang}-8-still-there")
            window._apply(f.reset())
            window.pin_pad.open_pad()
            shot(f"{lang}-9-pin")
            window.pin_pad.close_pad()
        assert window.flow.state.step == Step.WELCOME
        window.unlocked = True
        window.close()
        store.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
