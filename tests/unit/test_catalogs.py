"""Catalogs: complete, placeholders intact, Arabic plural rule per CLDR; source rules."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, placeholders
from tests.conftest import REPO_ROOT

TRANSLATIONS = REPO_ROOT / "translations"
KEYWORDS = {
    "_": None,
    "N_": None,
    "NP_": (1, 2),
    "Msg": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
# CLDR: zero, one, two, few (3..10), many (11..99), other.
ARABIC_PLURALS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 && n%100<=99 ? 4 : 5);"
)


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO_ROOT / "kiosk"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def load(lang: str):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "kiosk.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_for_every_source_string(lang: str) -> None:
    catalog = load(lang)
    missing = sorted(m for m in source_messages() if m not in catalog)
    assert missing == [], f"{lang}: not in catalog (run make extract): {missing[:5]}"
    untranslated = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == [], (untranslated[:5], fuzzy[:5])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match_the_source(lang: str) -> None:
    bad = []
    for message in load(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if placeholders(text) != placeholders(ids[-1]) and placeholders(text) != placeholders(
                ids[0]
            ):
                bad.append((message.id, text))
    assert bad == []


def test_arabic_plural_header_is_cldr() -> None:
    text = (TRANSLATIONS / "ar" / "LC_MESSAGES" / "kiosk.po").read_text(encoding="utf-8")
    header = "".join(re.findall(r'^"(.*)"$', text.split("\n\n")[0], flags=re.M))
    assert f"Plural-Forms: {ARABIC_PLURALS}\\n" in header
    catalog = load("ar")
    assert catalog.num_plurals == 6


def test_arabic_plural_rule_picks_cldr_forms() -> None:
    import gettext

    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    catalog = load("ar")
    catalog.add(("{n} item", "{n} items"), ("0", "1", "2", "few", "many", "other"))
    write_mo(buf, catalog)
    buf.seek(0)
    tr = gettext.GNUTranslations(buf)
    forms = {
        n: tr.ngettext("{n} item", "{n} items", n)
        for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)
    }
    assert forms == {
        0: "0",
        1: "1",
        2: "2",
        3: "few",
        10: "few",
        11: "many",
        99: "many",
        100: "other",
        102: "other",
        103: "few",
        111: "many",
    }


def python_files() -> list[Path]:
    return [
        p
        for folder in ("kiosk", "tests", "bench", "build_spec", "scripts")
        for p in (REPO_ROOT / folder).rglob("*.py")
    ]


def test_no_f_strings_or_concatenation_inside_translation_calls() -> None:
    offenders = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in KEYWORDS
                and node.args
            ) and any(isinstance(a, ast.JoinedStr | ast.BinOp) for a in node.args):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert offenders == []


def test_python_source_is_ascii() -> None:
    offenders = []
    for path in python_files():
        data = path.read_bytes()
        if any(b > 0x7F for b in data):
            offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []
