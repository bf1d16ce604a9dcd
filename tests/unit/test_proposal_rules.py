"""The domain rules for a proposal, each rejected with its own message."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk.config import Limits
from kiosk.domain.errors import ValidationError
from kiosk.domain.proposal import ProposalDraft, validate_proposal
from kiosk.i18n import language

THEMES = {"skills", "digital_inclusion"}
LANGS = ("ar", "fr", "zgh", "en")


def check(**kw: object) -> ProposalDraft:
    base: dict[str, object] = {
        "theme": "skills",
        "language": "fr",
        "title": "Titre",
        "body": "Texte",
    }
    base.update(kw)
    return validate_proposal(
        ProposalDraft(**base),
        theme_codes=THEMES,
        languages=LANGS,
        limits=Limits(),
    )


def rejected(code: str, **kw: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        check(**kw)
    assert info.value.code == code
    assert info.value.message("en")  # a readable message, not an empty string
    return info.value


def test_body_of_5001_characters_is_rejected_and_5000_accepted() -> None:
    err = rejected("body_too_long", body="a" * 5001)
    assert "5001" in err.message("en") and "5000" in err.message("en")
    assert len(check(body="a" * 5000).body) == 5000


def test_title_limits() -> None:
    rejected("title_too_long", title="t" * 121)
    assert check(title="t" * 120).title == "t" * 120
    rejected("title_empty", title="")
    rejected("title_empty", title="   \n\t ")
    rejected("body_empty", body=" ")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\r"])
def test_control_characters_are_rejected(char: str) -> None:
    err = rejected("body_control_character", body=f"avant{char}apres")
    assert f"U+{ord(char):04X}" in err.message("en")
    rejected("title_control_character", title=f"a{char}b")


def test_newline_and_tab_are_kept_and_crlf_becomes_newline() -> None:
    assert check(body="one\ntwo\tthree").body == "one\ntwo\tthree"
    assert check(body="one\r\ntwo").body == "one\ntwo"


def test_surrounding_white_space_is_trimmed() -> None:
    clean = check(title="  Titre \n", body="\n\n Texte  ")
    assert (clean.title, clean.body) == ("Titre", "Texte")


def test_unknown_theme_and_language() -> None:
    rejected("unknown_theme", theme="weather")
    rejected("unknown_language", language="de")


def test_length_is_counted_after_nfc() -> None:
    decomposed = "e\u0301" * 120  # 240 code points, 120 after NFC
    assert check(title=decomposed).title == "\u00e9" * 120


def test_messages_are_translatable_with_parameters() -> None:
    err = rejected("body_too_long", body="a" * 5001)
    with language("fr"):
        text = err.message()
    assert "5001" in text and "5000" in text


SAMPLES = {
    "ar": (
        "\u062a\u0639\u0645\u064a\u0645 \u0627\u0644\u0625\u0646\u062a\u0631\u0646\u062a",
        "\u0625\u062d\u062f\u0627\u062b \u0634\u0628\u0627\u0643 \u0631\u0642\u0645\u064a"
        " \u0645\u0648\u062d\u062f \u0644\u0644\u0648\u062b\u0627\u0626\u0642.",
    ),
    "zgh": (
        "\u2d5c\u2d30\u2d63\u2d63\u2d53\u2d33\u2d63\u2d5c",
        "\u2d49\u2d4f\u2d5c\u2d54\u2d4f\u2d49\u2d5c \u2d49 \u2d49\u2d37\u2d53\u2d54\u2d30\u2d54.",
    ),
    # An Arabic proposal quoting a French name and a number: mixed direction.
    "mixed": (
        "\u0645\u0646\u0635\u0629 Agadir Digital",
        "\u0627\u0642\u062a\u0631\u0627\u062d \u062c\u0645\u0639\u064a\u0629 "
        "\u00ab Coop\u00e9rative Tiwizi \u00bb \u0633\u0646\u0629 2026\n"
        "\u0627\u0644\u0633\u0637\u0631 \u0627\u0644\u062b\u0627\u0646\u064a.",
    ),
}


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_scripts_survive_validation_unchanged(key: str) -> None:
    title, body = SAMPLES[key]
    clean = check(title=title, body=body, language="ar" if key != "zgh" else "zgh")
    assert clean.title == unicodedata.normalize("NFC", title)
    assert clean.body == unicodedata.normalize("NFC", body)
