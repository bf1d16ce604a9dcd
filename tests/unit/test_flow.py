"""The attendee flow state machine, without Qt."""

from __future__ import annotations

from kiosk.domain.flow import AttendeeFlow, Step, Timeouts


def to_review(flow: AttendeeFlow) -> None:
    flow.choose_language("fr")
    flow.skip_badge()
    flow.choose_theme("skills")
    flow.edit_text("Titre", "Corps")
    flow.finish_writing()
    flow.answer("age_band", "25_34")
    flow.finish_questions()
    flow.set_consent(True)
    flow.finish_consent()


def test_full_path_and_submission() -> None:
    flow = AttendeeFlow()
    to_review(flow)
    assert flow.state.step == Step.REVIEW
    draft = flow.submission()
    assert (
        draft.theme,
        draft.language,
        draft.title,
        draft.body,
        draft.age_band,
        draft.consent_publish,
    ) == ("skills", "fr", "Titre", "Corps", "25_34", True)
    assert flow.state.step == Step.SUBMITTING
    flow.submitted("id", "ABCD-EFGH")
    assert flow.state.step == Step.RECEIPT and flow.state.receipt_code == "ABCD-EFGH"


def test_back_never_loses_input_and_language_switch_keeps_draft() -> None:
    flow = AttendeeFlow()
    to_review(flow)
    for expected in (
        Step.CONSENT,
        Step.QUESTIONS,
        Step.WRITE,
        Step.THEME,
        Step.BADGE,
        Step.WELCOME,
    ):
        assert flow.back().step == expected
        assert flow.state.draft.title == "Titre" and flow.state.draft.body == "Corps"
    flow.switch_language("ar")
    assert flow.state.language == "ar" and flow.state.draft.consent is True


def test_empty_text_stays_on_write_with_an_error() -> None:
    flow = AttendeeFlow()
    flow.choose_language("en")
    flow.skip_badge()
    flow.choose_theme("other")
    flow.edit_text("  ", "")
    assert flow.finish_writing().step == Step.WRITE and flow.state.error


def test_idle_countdown_then_reset_and_touch_cancels() -> None:
    flow = AttendeeFlow(timeouts=Timeouts(idle_s=90, countdown_s=15, receipt_s=20))
    to_review(flow)
    flow.tick(89)
    assert flow.state.overlay_countdown is None
    flow.tick(2)
    assert flow.state.overlay_countdown == 15
    flow.touch()
    assert flow.state.overlay_countdown is None and flow.state.step == Step.REVIEW
    flow.tick(91)
    flow.tick(14)
    assert flow.state.overlay_countdown == 1
    flow.tick(1.5)
    assert flow.state.step == Step.WELCOME and flow.state.draft.title == ""


def test_failed_submit_returns_to_review_with_draft_and_receipt_times_out() -> None:
    flow = AttendeeFlow()
    to_review(flow)
    flow.submission()
    state = flow.submit_failed("The kiosk's storage is full")
    assert state.step == Step.REVIEW and state.draft.body == "Corps" and state.error
    flow.submission()
    flow.submitted("id", "CODE")
    flow.tick(19)
    assert flow.state.step == Step.RECEIPT
    flow.tick(2)
    assert flow.state.step == Step.WELCOME
