"""run_in_background / run_now: typed results, a default failure handler, and
SystemExit / KeyboardInterrupt never swallowed as a failure."""

from __future__ import annotations

import logging

import pytest

from kiosk.domain.errors import KioskError
from kiosk.i18n import language
from kiosk.ui import background
from kiosk.ui.background import run_in_background, run_now


def test_a_failure_nobody_handles_is_logged_and_shown(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(background, "failure_display", shown.append)

    def fails() -> int:
        raise KioskError("The disk is full.", code="storage_full")

    with caplog.at_level(logging.ERROR, logger="kiosk.ui.background"):
        run_now(fails, lambda value: None)
    assert shown == ["The disk is full."]
    assert "storage_full" in caplog.text


def test_an_unexpected_failure_says_nothing_of_its_text(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception's text may quote a proposal or a name: it is neither logged nor shown."""
    shown: list[str] = []
    monkeypatch.setattr(background, "failure_display", shown.append)

    def fails() -> int:
        raise ValueError("Salma Benmoussa wrote: secret proposal")

    with language("en"), caplog.at_level(logging.ERROR, logger="kiosk.ui.background"):
        run_now(fails, lambda value: None)
    assert len(shown) == 1 and "Salma" not in shown[0] and "nothing stored is lost" in shown[0]
    assert "ValueError" in caplog.text and "Salma" not in caplog.text


@pytest.mark.parametrize("kind", [SystemExit, KeyboardInterrupt])
def test_exit_and_interrupt_go_through(kind: type[BaseException]) -> None:
    handled: list[BaseException] = []

    def stops() -> int:
        raise kind()

    with pytest.raises(kind):
        run_now(stops, lambda value: None, handled.append)
    assert handled == []


def test_the_background_result_arrives_on_the_ui_thread(qtbot) -> None:
    results: list[int] = []
    run_in_background(lambda: 6 * 7, results.append)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)


def test_a_background_failure_reaches_the_default_handler(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(background, "failure_display", shown.append)

    def fails() -> int:
        raise KioskError("No stick.", code="no_stick")

    run_in_background(fails, lambda value: None)
    qtbot.waitUntil(lambda: shown == ["No stick."], timeout=5000)
