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
    """The ids of the ``limit`` closest ``(id, key)`` candidates, best first (the score
    of :func:`fuzzy_score`); none for a query too short to tell names apart. RapidFuzz
    scores the whole roster in C (100,000 names in tens of milliseconds)."""
    from rapidfuzz import fuzz, process

    joined_query = query_key.replace(" ", "")
    if len(joined_query) < FUZZY_MIN_LENGTH or not candidates:
        return []
    best: dict[int, float] = {}
    keys = [key for _cid, key in candidates]
    for query, choices in (
        (query_key, keys),
        (joined_query, [key.replace(" ", "") for key in keys]),
    ):
        for _choice, score, index in process.extract(
            query, choices, scorer=fuzz.partial_ratio, score_cutoff=FUZZY_CUTOFF, limit=None
        ):
            best[index] = max(best.get(index, 0.0), float(score))
    ranked = sorted(best.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [(candidates[index][0], score) for index, score in ranked]
