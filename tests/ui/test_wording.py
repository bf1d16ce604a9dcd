"""Issue 18, wording on the attendee screens: "A+" is not mirrored to "+A" in Arabic,
and the idle countdown counts its seconds in Arabic's plural forms. Both failed on
73d559b."""

from __future__ import annotations

from kiosk.ui.qt import QImage


def test_large_text_button_reads_a_plus_in_arabic(qtbot, kiosk_window) -> None:
    window = kiosk_window

    def shot(lang: str) -> QImage:
        window._apply(window.flow.switch_language(lang))
        window.repaint()
        return window.large_button.grab().toImage()

    french, arabic = shot("fr"), shot("ar")
    assert window.isRightToLeft()  # the bar is mirrored...
    assert arabic == french  # ...the button's "A+" is not


def test_idle_countdown_uses_arabic_plurals(qtbot, kiosk_window) -> None:
    window = kiosk_window
    window._apply(window.flow.choose_language("ar"))
    window._apply(window.flow.tick(window.flow.timeouts.idle_s))
    assert window.countdown.isVisible()
    seconds = int(window.flow.state.overlay_countdown)
    text = window.countdown_text.text()
    assert f"{seconds} \u062b\u0627\u0646\u064a\u0629" in text  # 15: the singular (11-99)
    window._apply(window.flow.tick(seconds - 5))
    assert int(window.flow.state.overlay_countdown) == 5
    # 3 to 10: the plural "thawanin", not "5 thaniya".
    assert "5 \u062b\u0648\u0627\u0646\u064d" in window.countdown_text.text()
    window._apply(window.flow.tick(3))
    assert (
        "\u062b\u0627\u0646\u064a\u062a\u064a\u0646" in window.countdown_text.text()
    )  # 2: the dual
