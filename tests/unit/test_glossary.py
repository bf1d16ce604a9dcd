"""The glossary (translations/glossary/*.tsv) is applied in every catalog: one word per
thing, no forbidden word; and the screens' counts go through ngettext (issue 18).
Failed on 73d559b (Arabic "those waiting" for expected attendees and the pack's word
for sync bundles; two spellings of "already" and three words for seconds in
Tamazight, one word for association and organisation; the countdown "{seconds}
seconds" and "Journal OK: {n} entries." without ngettext)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES
from tests.conftest import REPO_ROOT

GLOSSARY = REPO_ROOT / "translations" / "glossary"
KEYWORDS = {"_": None, "N_": None, "Msg": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
# A count followed by the noun it counts ("{n} entries", "{seconds} seconds").
COUNTED = re.compile(r"\{(n|count|seconds|minutes|total)\} (?!(and|to|of|or|in|at|/)\b)[a-z]")


def rows(lang: str) -> list[dict[str, str]]:
    with (GLOSSARY / f"{lang}.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def entries(lang: str) -> list[tuple[str, tuple[str, ...]]]:
    """(the English, joined when plural; every translated form) of each live entry."""
    with (REPO_ROOT / "translations" / lang / "LC_MESSAGES" / "kiosk.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids: Any = message.id if isinstance(message.id, tuple) else (message.id,)
        strings: Any = message.string if isinstance(message.string, tuple) else (message.string,)
        found.append((" ".join(ids), tuple(strings)))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_a_glossary(lang: str) -> None:
    table = rows(lang)
    assert table, f"{lang}.tsv is empty"
    for row in table:
        assert row["term"] and row["chosen"], row
        assert set(row) == {"term", "chosen", "stem", "forbidden", "note"}, row


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_follows_its_glossary(lang: str) -> None:
    broken = []
    catalog = entries(lang)
    for row in rows(lang):
        term = row["term"]
        forbidden = [w for w in row["forbidden"].split("|") if w]
        pattern = None if term == "*" else re.compile(rf"\b{re.escape(term)}\b", re.IGNORECASE)
        for msgid, strings in catalog:
            if pattern is not None and not pattern.search(msgid):
                continue
            for text in strings:
                for word in forbidden:
                    if word in text:
                        broken.append(f"{term}: {word!r} in {text!r} ({msgid!r})")
                stem = row["stem"].casefold()
                if stem and pattern is not None and stem not in text.casefold():
                    broken.append(f"{term}: no {row['stem']!r} in {text!r} ({msgid!r})")
    assert broken == []


def test_counts_on_the_screens_go_through_ngettext() -> None:
    """A message of the screens (kiosk/ui) that puts a count before a noun is a
    plural entry: "5 seconds" read wrong in Arabic (the singular noun after 3 to 10)."""
    single = []
    for path, _line, message, _comments, _context in extract_from_dir(
        str(REPO_ROOT / "kiosk" / "ui"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        if isinstance(message, str) and COUNTED.search(message):
            single.append(f"{Path(path).name}: {message!r}")
    assert single == []
