"""Hostile proposal text: a clear error or a faithful store, never a crash."""

from __future__ import annotations

import json
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.commands.propose import draft_from_object
from kiosk.config import Limits
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.domain.proposal import ProposalDraft, validate_proposal
from kiosk.domain.text import find_control_character

THEMES = {"skills"}
LANGS = ("ar", "fr", "zgh", "en")


def validate(title: str, body: str) -> ProposalDraft:
    return validate_proposal(
        ProposalDraft("skills", "ar", title, body),
        theme_codes=THEMES,
        languages=LANGS,
        limits=Limits(),
    )


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200), st.text(max_size=6000))
def test_any_text_is_rejected_clearly_or_stored_clean(title: str, body: str) -> None:
    try:
        clean = validate(title, body)
    except ValidationError as exc:
        assert exc.code.split("_")[0] in {"title", "body"}
        assert exc.message("ar") and exc.message("fr")
        return
    for text, limit in ((clean.title, 120), (clean.body, 5000)):
        assert 1 <= len(text) <= limit
        assert text == text.strip()
        assert unicodedata.is_normalized("NFC", text)
        assert find_control_character(text) is None


def test_bidi_overrides_and_zero_width_are_kept_faithfully() -> None:
    # Format characters (Cf) are legitimate in Arabic and Tifinagh text (ZWNJ/ZWJ,
    # marks); they are stored as typed, never silently dropped.
    body = "\u0645\u0642\u062a\u0631\u062d \u202eevil\u202c \u200c\u200d\u2066x\u2069 \ufeff"
    assert validate("t", body).body == body.strip()


def test_one_megabyte_paste_is_a_clear_error() -> None:
    try:
        validate("t", "\u0623" * 1_000_000)
    except ValidationError as exc:
        assert exc.code == "body_too_long"
        assert "1000000" in exc.message("en")
    else:  # pragma: no cover
        raise AssertionError("accepted a 1 MB body")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8")))
def test_jsonl_lines_never_crash_the_reader(raw: bytes) -> None:
    try:
        obj = json.loads(raw.decode("utf-8"))
        draft = draft_from_object(obj)
        validate(draft.title, draft.body) if isinstance(draft.title, str) else None
    except (UnicodeDecodeError, ValueError, KioskError):
        pass


@given(
    st.dictionaries(
        st.sampled_from(["theme", "language", "title", "body", "x"]),
        st.none() | st.integers() | st.text(max_size=20) | st.lists(st.text()),
    )
)
def test_objects_with_wrong_types_are_errors(obj: dict[str, object]) -> None:
    try:
        draft = draft_from_object(obj)
        validate_proposal(draft, theme_codes=THEMES, languages=LANGS, limits=Limits())
    except KioskError:
        pass
