"""Issue 16, the console's pages added after the first cut: accounts, badge re-issue,
assignee per theme, translated import reasons, the exports page's wording. HTTP tests
(no browser) with the roles and the CSRF token each page requires."""

from __future__ import annotations

from typing import Any

from kiosk.central import exports
from tests.central.test_console_http import logged_in, site

__all__ = ["site"]


def in_language(client: Any, lang: str, path: str) -> str:
    r = client.get(f"/console/lang/{lang}?next={path}")
    assert r.status_code == 200, r.text
    return r.text


def test_exports_page_says_what_a_pseudonymised_export_leaves_out(site) -> None:
    _store, app = site
    client, _token = logged_in(app, "admin")
    page = in_language(client, "en", "/console/events/SM-2026/exports")
    for words in ("names", "organisations", "roster ids", "phone numbers",
                  "e-mail addresses", "receipt codes", "HMAC", "never kept"):  # fmt: skip
        assert words in page, words
    assert "no phone or e-mail." not in page  # the old line left names and codes unsaid
    # What it says is what the export does: those columns only with contacts.
    for column in ("name", "organisation", "external_id", "phone", "email", "receipt_code"):
        plain = (*exports.PROPOSAL_COLUMNS, *exports.ATTENDANCE_COLUMNS)
        full = (*exports.CONTACT_PROPOSAL_COLUMNS, *exports.CONTACT_ATTENDANCE_COLUMNS)
        assert column not in plain and column in full, column
    french = in_language(client, "fr", "/console/events/SM-2026/exports")
    assert "HMAC" in french and "Pseudonymised" not in french
