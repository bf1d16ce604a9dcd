"""Rules for a proposal, checked before anything is written."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from kiosk.config import Limits
from kiosk.domain.errors import ValidationError
from kiosk.domain.text import describe_char, find_control_character, normalize_text
from kiosk.domain.vocab import AGE_BANDS, GENDERS, PROFILES
from kiosk.i18n import N_, Msg


@dataclass(frozen=True)
class ProposalDraft:
    """What an attendee (or a JSONL line) gives us, before validation."""

    theme: str
    language: str
    title: str
    body: str
    attendee_id: str | None = None
    age_band: str = ""
    gender: str = ""
    province: str = ""
    profile: str = ""
    consent_publish: bool = False


_FIELD_LABELS = {
    "title": Msg(N_("title")),
    "body": Msg(N_("proposal text")),
    "province": Msg(N_("province")),
}


def _clean(field: str, value: object, maximum: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise ValidationError(
            N_("The {field} must be text."), code="not_text", field=_FIELD_LABELS[field]
        )
    text = normalize_text(value)
    bad = find_control_character(text)
    if bad is not None:
        raise ValidationError(
            N_("The {field} contains a control character ({char}) that is not allowed."),
            code=f"{field}_control_character",
            field=_FIELD_LABELS[field],
            char=describe_char(bad),
        )
    if required and not text:
        raise ValidationError(
            N_("The {field} is empty."), code=f"{field}_empty", field=_FIELD_LABELS[field]
        )
    if len(text) > maximum:
        raise ValidationError(
            N_("The {field} is {length} characters long; the limit is {limit}."),
            code=f"{field}_too_long",
            field=_FIELD_LABELS[field],
            length=len(text),
            limit=maximum,
        )
    return text


def _answer(name: str, value: str, allowed: Mapping[str, str]) -> str:
    if value and value not in allowed:
        raise ValidationError(
            N_("Unknown answer {value!r} for {question}."),
            code="invalid_answer",
            value=value,
            question=name,
        )
    return value


def validate_proposal(
    draft: ProposalDraft,
    *,
    theme_codes: Collection[str],
    languages: Collection[str],
    limits: Limits,
) -> ProposalDraft:
    """Return the cleaned draft, or raise :class:`ValidationError` naming the rule."""
    if draft.theme not in theme_codes:
        raise ValidationError(
            N_("Unknown theme {theme!r} for this event."), code="unknown_theme", theme=draft.theme
        )
    if draft.language not in languages:
        raise ValidationError(
            N_("Language {language!r} is not offered at this event."),
            code="unknown_language",
            language=draft.language,
        )
    title = _clean("title", draft.title, limits.title_max)
    body = _clean("body", draft.body, limits.body_max)
    province = _clean("province", draft.province, 100, required=False)
    return ProposalDraft(
        theme=draft.theme,
        language=draft.language,
        title=title,
        body=body,
        attendee_id=draft.attendee_id,
        age_band=_answer("age_band", draft.age_band, AGE_BANDS),
        gender=_answer("gender", draft.gender, GENDERS),
        province=province,
        profile=_answer("profile", draft.profile, PROFILES),
        consent_publish=bool(draft.consent_publish),
    )
