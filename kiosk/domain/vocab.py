"""Closed vocabularies: themes, attendee categories, profile answers.

Labels are marked with ``N_`` and translated at display time with ``_``.
"""

from __future__ import annotations

from kiosk.i18n import N_

DEFAULT_THEMES: tuple[str, ...] = (
    "digital_inclusion",
    "public_services",
    "digital_economy",
    "skills",
    "local_government",
    "other",
)

CATEGORIES: dict[str, str] = {
    "citizen": N_("Citizen"),
    "association": N_("Association"),
    "cooperative": N_("Cooperative"),
    "entrepreneur": N_("Entrepreneur"),
    "student": N_("Student"),
    "it_professional": N_("IT professional"),
    "public_official": N_("Public official"),
    "elected_official": N_("Elected official"),
    "media": N_("Media"),
}

# One set of limits for an attendee's fields, in characters: the roster import applies
# them (with the line number), the pack reader, the walk-in form and the database
# columns hold the same, so no accepted row can break a kiosk's set-up later.
ATTENDEE_LIMITS: dict[str, int] = {
    "external_id": 64,
    "name": 200,
    "name_latin": 200,
    "organisation": 200,
    "category": 32,
    "province": 100,
    "phone": 40,
    "email": 200,
    "preferred_language": 8,
}

UNDISCLOSED = "undisclosed"

AGE_BANDS: dict[str, str] = {
    "under_18": N_("Under 18"),
    "18_24": N_("18 to 24"),
    "25_34": N_("25 to 34"),
    "35_49": N_("35 to 49"),
    "50_64": N_("50 to 64"),
    "65_plus": N_("65 or over"),
    UNDISCLOSED: N_("Prefer not to say"),
}

GENDERS: dict[str, str] = {
    "female": N_("Woman"),
    "male": N_("Man"),
    UNDISCLOSED: N_("Prefer not to say"),
}

# The profile question of the proposal screen: the roster's categories but elected
# officials and the media, or "prefer not to say".
PROFILE_CODES = (
    "citizen", "association", "cooperative", "entrepreneur", "student", "it_professional",
    "public_official",
)  # fmt: skip
PROFILES: dict[str, str] = {
    **{code: CATEGORIES[code] for code in PROFILE_CODES},
    UNDISCLOSED: N_("Prefer not to say"),
}

# Provinces of the Souss-Massa region (the first users' venue). Stored as written
# in Latin letters (the roster's spelling); shown in the screen's language, in its
# script (the catalogs hold the Arabic and Tifinagh names): see province_name().
PROVINCES: tuple[str, ...] = (
    N_("Agadir-Ida-Ou-Tanane"),
    N_("Inezgane-A\u00eft Melloul"),
    N_("Chtouka-A\u00eft Baha"),
    N_("Taroudant"),
    N_("Tiznit"),
    N_("Tata"),
)


def province_name(name: str, lang: str | None = None) -> str:
    """A province as the screen's language writes it (another name as written)."""
    from kiosk.i18n import current_language, gettext_for

    return gettext_for(lang or current_language(), name) if name in PROVINCES else name
