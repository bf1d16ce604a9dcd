"""What a person is told about a result, written once for the command line and the
screens: both call these, so a message has one id in the catalogs."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.domain.event import name_in
from kiosk.i18n import N_, _, current_language, ngettext
from kiosk.services.status import Status
from kiosk.services.sync import ExportResult
from kiosk.services.upload import SyncReport
from kiosk.storage.journal import VerifyResult

ROLE_TEXT = {
    "both": N_("Check-in and proposals"),
    "checkin": N_("Check-in only"),
    "proposals": N_("Proposals only"),
}


def _same(text: str) -> str:
    return text


def status_lines(
    s: Status,
    mark: Callable[[str], str] = _same,
    name: Callable[[str], str] = _same,
    id_length: int | None = None,
) -> list[str]:
    """The kiosk's event, device and counts; on the screens ``mark`` keeps codes whole
    and ``name`` isolates names inside right-to-left text, and the device id is cut to
    ``id_length`` characters."""
    return [
        _("Event: {code} ({name})").format(
            code=mark(s.event_code),
            name=name(name_in(s.event_names, s.event_name, current_language())),
        ),
        _("Device: {name} ({id}), role {role}").format(
            name=name(s.device_name),
            id=mark(s.device_id[:id_length]),
            role=_(ROLE_TEXT.get(s.role, s.role)),
        ),
        _("Attendees: {n}").format(n=s.attendees),
        _("Check-ins: {n}").format(n=s.checkins),
        _("Proposals: {n}").format(n=s.proposals),
        _("Journal entries: {n}, last exported: {seq}").format(
            n=s.journal_length, seq=s.last_exported_seq
        ),
    ]


def export_text(result: ExportResult | None, path: Callable[[str], str] = _same) -> str:
    """After an export; ``path`` marks the file name for display (left to right)."""
    if result is None:
        return _("Nothing new to export.")
    return _("Bundle written: {path} (entries {first} to {last}).").format(
        path=path(str(result.path)), first=result.from_seq, last=result.to_seq
    )


def sync_text(report: SyncReport) -> str:
    if report.rejected:
        return _(
            "The central platform refused a bundle: {reason}. Everything stays on this kiosk."
        ).format(reason=report.rejected.get("reason"))
    n = len(report.uploaded)
    return ngettext(
        "In sync: {n} bundle uploaded; the central platform has every entry up to {seq}.",
        "In sync: {n} bundles uploaded; the central platform has every entry up to {seq}.",
        n,
    ).format(n=n, seq=report.high_water)


def journal_text(result: VerifyResult) -> str:
    if result.ok:
        return ngettext("Journal OK: {n} entry.", "Journal OK: {n} entries.", result.count).format(
            n=result.count
        )
    return _("Journal broken at entry {seq}: {reason}").format(
        seq=result.broken_seq, reason=result.reason
    )
