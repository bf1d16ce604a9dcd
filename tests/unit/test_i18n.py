"""kiosk.i18n: what the translation functions give for edge cases."""

from __future__ import annotations

import pytest

from kiosk.i18n import LANGUAGES, _, gettext_for, language, ngettext


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_empty_string_is_never_the_catalog_header(lang: str) -> None:
    """gettext('') is the catalog's header ('Project-Id-Version: ...'): an empty
    label or an unset field must stay empty in every language."""
    assert gettext_for(lang, "") == ""
    with language(lang):
        assert _("") == ""


def test_counts_take_the_arabic_plural_forms() -> None:
    """Arabic has six plural forms: 1, 2, 3-10 and 11-99 read differently."""
    singular = "{n} kiosk revoked: its later bundles are quarantined, its earlier records stay."
    plural = "{n} kiosks revoked: their later bundles are quarantined, their earlier records stay."
    with language("ar"):
        forms = {n: ngettext(singular, plural, n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(forms.values())) >= 4, forms
