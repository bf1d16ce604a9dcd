"""The receipt's QR code opens the event's public follow-up page (issue 16), one line
says so, and the welcome screen names the event in the screen's language (issue 18);
the receipt screen still fits every venue screen with that line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from kiosk.domain.flow import Step
from kiosk.i18n import gettext_for
from kiosk.services.setup import demo_event_names
from kiosk.storage.models import Event
from tests.ui import fit
from tests.ui.test_attendee_kiosk import full_session

BASE = "https://consultation.gov.ma"
LINE = "Scan this code at home to see the answer to your proposal."
SHOTS = Path(__file__).resolve().parents[2] / "out" / "receipt"


def with_followup(store: Any, url: str) -> None:
    """What a pack from an organiser who set the follow-up page leaves on the kiosk."""
    with store.uow() as uow:
        event = uow.session.query(Event).one()
        event.followup_url = url
        uow.commit()
    store.forget_cached()


@pytest.fixture
def followup_window(kiosk_window, demo_store) -> Any:
    """The kiosk window once its event has a follow-up page (attached again, as the
    window is when the store opens)."""
    from kiosk.services.context import event_info

    with_followup(demo_store, BASE)
    with demo_store.uow(readonly=True) as uow:
        info = event_info(uow)
    kiosk_window.attach(info, kiosk_window.services, None)
    return kiosk_window


def decoded(window: Any, name: str) -> list[str]:
    """The QR codes a phone would read off the window as painted (saved to look at)."""
    fit.settle(fit.app())
    window.setGeometry(0, 0, 1280, 800)
    fit.settle(fit.app())
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert window.grab().save(str(path))
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path))]


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_receipt_qr_opens_the_follow_up_page(qtbot, followup_window, lang: str) -> None:
    window = followup_window
    full_session(qtbot, window, lang)
    state = window.flow.state
    assert state.step == Step.RECEIPT and state.receipt_code
    assert decoded(window, f"receipt-1280x800-{lang}") == [f"{BASE}/r/{state.receipt_code}"]
    assert window.receipt.followup.isVisible()
    assert window.receipt.followup.text() == gettext_for(lang, LINE) != LINE


def test_without_a_follow_up_page_the_qr_holds_the_code(qtbot, kiosk_window) -> None:
    full_session(qtbot, kiosk_window, "fr")
    code = kiosk_window.flow.state.receipt_code
    assert decoded(kiosk_window, "receipt-1280x800-fr-no-followup") == [code]
    assert not kiosk_window.receipt.followup.isVisible()


@pytest.mark.parametrize("lang", ["ar", "fr", "zgh", "en"])
def test_the_welcome_screen_names_the_event_in_its_language(kiosk_window, lang: str) -> None:
    window = kiosk_window
    window._apply(window.flow.reset())
    window._apply(window.flow.switch_language(lang))
    assert window.flow.state.step == Step.WELCOME
    assert window.welcome.event_name.isVisible()
    assert window.welcome.event_name.text() == demo_event_names()[lang]
    if lang in ("ar", "fr"):
        decoded(window, f"welcome-1280x800-{lang}")


@pytest.mark.slow
@pytest.mark.parametrize("size", fit.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_receipt_with_its_follow_up_line_fits(qapp, followup_window, size) -> None:
    failures: list[str] = []
    window = followup_window
    width, height = size
    for large in (False, True):
        for lang in fit.LANGUAGES:
            for name in fit.attendee_screens(window, lang, large):
                if name not in ("welcome", "receipt"):
                    continue
                fit.settle(qapp)
                window.setGeometry(0, 0, width, height)
                fit.settle(qapp)
                found = fit.problems(window, width, height)
                failures += [f"{width}x{height} {lang}{' A+' if large else ''} {name}: {p}"
                             for p in found]  # fmt: skip
    assert not failures, "\n".join(failures[:40])
