"""Name search keys: what staff type finds the name however it was written.

Latin: case- and accent-insensitive. Arabic: diacritics (harakat) and tatweel
ignored; alef forms (U+0623, U+0625, U+0622, U+0671) equal bare alef; ta marbuta
equals ha; alef maqsura equals ya; hamza carriers on waw and ya equal their
letters. Tifinagh is kept as written (it has no case).
"""

from __future__ import annotations

import unicodedata

_ARABIC_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0671": "\u0627",
        "\u0629": "\u0647",  # ta marbuta -> ha
        "\u0649": "\u064a",  # alef maqsura -> ya
        "\u0624": "\u0648",  # waw with hamza -> waw
        "\u0626": "\u064a",  # ya with hamza -> ya
        "\u0640": None,  # tatweel
    }
)


def _is_ignorable(char: str) -> bool:
    # Combining marks cover Latin accents (after NFD) and Arabic harakat
    # (U+064B..U+065F, U+0670 superscript alef).
    return unicodedata.category(char) in ("Mn", "Me") or char == "\u0640"


def search_key(text: str) -> str:
    """Fold ``text`` for matching; spaces collapse to one."""
    decomposed = unicodedata.normalize("NFD", text.translate(_ARABIC_FOLD))
    kept = "".join(c for c in decomposed if not _is_ignorable(c))
    # Re-compose and re-fold: NFD splits alef-hamza into alef + combining hamza.
    folded = unicodedata.normalize("NFC", kept).translate(_ARABIC_FOLD).casefold()
    return " ".join(folded.split())


def rank(query_key: str, candidate_key: str) -> tuple[int, int]:
    """Sort key: whole word, then word start, then anywhere; shorter names first."""
    words = candidate_key.split()
    if query_key in words or candidate_key == query_key:
        tier = 0
    elif any(word.startswith(query_key) for word in words):
        tier = 1
    else:
        tier = 2
    return (tier, len(candidate_key))


# A name typed as heard ("El Hasani" for "El Hassani", "Elhasani" for "El Hasani"):
# the closest part of a name, spaces counted and not, scored 0..100 by RapidFuzz
# (normalised Indel distance). Below FUZZY_MIN_LENGTH characters every name is close.
FUZZY_CUTOFF = 84.0
FUZZY_MIN_LENGTH = 4


def fuzzy_score(query_key: str, candidate_key: str) -> float:
    """How closely ``candidate_key`` holds ``query_key`` (both from :func:`search_key`)."""
    from rapidfuzz import fuzz  # only when staff search by name

    spaced = fuzz.partial_ratio(query_key, candidate_key)
    joined = fuzz.partial_ratio(query_key.replace(" ", ""), candidate_key.replace(" ", ""))
    return float(max(spaced, joined))


def fuzzy_matches(
    query_key: str, candidates: list[tuple[str, str]], limit: int
) -> list[tuple[str, float]]:
    """The ids of the ``limit`` closest ``(id, key)`` candidates, best first; none for a
    query too short to tell names apart."""
    if len(query_key.replace(" ", "")) < FUZZY_MIN_LENGTH:
        return []
    scored = [(cid, fuzzy_score(query_key, key)) for cid, key in candidates]
    kept = [(cid, score) for cid, score in scored if score >= FUZZY_CUTOFF]
    kept.sort(key=lambda pair: -pair[1])
    return kept[:limit]
