"""Why a bundle was refused, in the reader's language: the import log keeps each
refusal's code (and the entry at fault), and the words are looked up here when a page or
``kiosk-central import`` shows it. The English detail the reader gave is kept beside the
code; a row whose code has no words here (an older log line) is shown as it was stored.
"""

from __future__ import annotations

from kiosk.i18n import N_, gettext_for

_NOT_A_RECORD = N_("An entry is not a valid record of its kind.")
_OTHER_EVENT = N_("The bundle or its kiosk belongs to another event.")
# One sentence per refusal code of kiosk.sync.bundle, kiosk.central.merge and the
# bundle authoriser of kiosk.central.devices (a test reads those modules for codes).
REASONS: dict[str, str] = {
    "bad_format": N_("It is not a bundle file of this version."),
    "truncated": N_("The file is cut short: not a whole bundle."),
    "trailing_data": N_("There are unexpected bytes after the bundle."),
    "too_large": N_("The file is too large."),
    "unreadable": N_("The file cannot be read."),
    "bad_manifest": N_("Its manifest is unreadable or not of this version."),
    "bad_signature": N_("Its signature does not match: the file was changed or is not a kiosk's."),
    "cannot_unseal": N_("It is sealed to another organiser key."),
    "bad_digest": N_("Its entries do not match its manifest."),
    "bad_entries": N_("Its entries are unreadable."),
    "wrong_device": N_("It holds entries of another kiosk."),
    "count_mismatch": N_("Its number or range of entries differs from its manifest."),
    "chain_broken": N_("Its hash chain is broken: an entry was changed, removed or reordered."),
    "tally_mismatch": N_("Its closing tally differs from its entries."),
    "bad_payload": _NOT_A_RECORD,
    "bad_field": _NOT_A_RECORD,
    "bad_fields": _NOT_A_RECORD,
    "unknown_kind": _NOT_A_RECORD,
    "record_id_mismatch": N_("An entry names another record than its own."),
    "foreign_event": N_("An entry belongs to another event."),
    "foreign_device": N_("An entry is in another kiosk's name."),
    "foreign_record": N_("An entry changes a record of another kiosk."),
    "foreign_attendee": N_("An entry names an attendee of another event."),
    "duplicate_receipt": N_("An entry reuses a receipt code this kiosk gave already."),
    "roster_record": N_("An entry changes the roster, which kiosks cannot do."),
    "conflict": N_("An entry differs from the one already merged under its number."),
    "merge_failed": N_("It could not be merged; it is kept in quarantine."),
    "not_enrolled": N_(
        "The kiosk is not enrolled yet: approve its request, then import the bundle again."
    ),
    "device_id_mismatch": N_("The kiosk's id is not the one of its key."),
    "unknown_event": N_("It is for an unknown event."),
    "device_revoked": N_("The kiosk was revoked by the organiser."),
    "wrong_event": _OTHER_EVENT,
    "bad_certificate": N_("The kiosk's certificate is not valid."),
    "certificate_expired": N_("The kiosk's certificate has expired."),
}


def reason_text(code: str, stored: str, lang: str, seq: int | None = None) -> str:
    """The words for a refusal ``code`` in ``lang`` (with the entry at fault, if one is);
    ``stored``, the English line kept with it, when the code has none."""
    msgid = REASONS.get(code)
    if msgid is None:
        return stored
    text = gettext_for(lang, msgid)
    if seq is None:
        return text
    # The entry's number as the import log's ranges show it (digits, no grouping).
    return gettext_for(lang, N_("Entry {seq}: {reason}")).format(seq=seq, reason=text)
