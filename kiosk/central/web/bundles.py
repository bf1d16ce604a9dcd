"""Bundles: upload many files at once from a USB stick in the browser, the import log,
the quarantine with each reason, and re-import after a fix (say, the kiosk approved).

Each file goes through :func:`kiosk.central.merge.import_bundle`, the one import the
command line and the kiosks' HTTP uploads use. A file whose (signed) manifest names
another event is refused before it is opened: an organiser imports only into events
they hold a role in.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import Form, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from kiosk.central.accounts import MANAGE
from kiosk.central.import_reasons import reason_text
from kiosk.central.keys import load_sealing_key, load_signing_key
from kiosk.central.merge import ImportOutcome, import_bundle
from kiosk.central.models import BundleImport
from kiosk.central.review import catch_up
from kiosk.central.web import deps
from kiosk.central.web.deps import EventPage
from kiosk.i18n import N_, gettext_for
from kiosk.ids import new_id
from kiosk.storage.models import Event
from kiosk.sync.bundle import MAX_BUNDLE_BYTES, BundleError, read_manifest

router = deps.console_router()
MAX_FILES = 200
CHUNK = 1024 * 1024


def _log(console: deps.Console, event: Event, limit: int = 200) -> list[BundleImport]:
    with console.store.uow(readonly=True) as uow:
        rows = list(
            uow.session.scalars(
                select(BundleImport)
                .where(BundleImport.event_id == event.id)
                .order_by(BundleImport.at.desc(), BundleImport.id.desc())
                .limit(limit)
            )
        )
        for row in rows:
            uow.session.expunge(row)
    return rows


def _page(page: EventPage, **extra: Any) -> Response:
    log = _log(page.console, page.event)
    quarantine = page.console.data_dir / "quarantine"
    return page.render(
        "bundles.html",
        {
            "log": log,
            "quarantined": [
                r for r in log if r.quarantined and (quarantine / r.stored_name).is_file()
            ],
            "can_manage": page.can(MANAGE),
            "outcomes": None,
            "reason": reason_text,
            **extra,
        },
    )


@router.get("/events/{code}/bundles")
def bundles_page(page: deps.Viewing) -> Response:
    return _page(page)


def _import_one(
    console: deps.Console,
    event: Event,
    path: Path,
    original: str,
    username: str,
    quarantine: Path | None = None,
) -> BundleImport:
    """Import one stored file, refusing another event's bundle unopened; log the outcome."""
    quarantine = quarantine or console.data_dir / "quarantine"
    try:
        manifest = read_manifest(path.read_bytes())[0]
        foreign = manifest.get("event_id") != event.id
    except (BundleError, OSError):
        foreign = False  # unreadable: the import says why, and quarantines it
    if foreign:
        outcome = ImportOutcome(
            str(path),
            "rejected",
            gettext_for("en", N_("This bundle is for another event.")),
            "wrong_event",
        )
        path.unlink(missing_ok=True)
    else:
        outcome = import_bundle(
            console.store,
            path,
            load_sealing_key(console.data_dir),
            quarantine,
            bytes(load_signing_key(console.data_dir).verify_key),
        )
    kept = outcome.outcome == "rejected" and outcome.quarantined
    row = BundleImport(
        id=new_id(),
        at=console.store.clock.now(),
        username=username,
        event_id=event.id,
        file_name=original[:300],
        stored_name=path.name if kept else "",
        outcome=outcome.outcome,
        code=outcome.code[:40],
        reason=outcome.reason[:500],
        device_id=outcome.device_id[:64],
        from_seq=outcome.from_seq,
        to_seq=outcome.to_seq,
        new_entries=outcome.new_entries,
        quarantined=kept,
        fault_seq=outcome.seq,
    )
    with console.store.uow() as uow:
        uow.session.add(row)
        uow.commit()
        uow.session.expunge(row)
    path.unlink(missing_ok=True)  # merged (or moved to quarantine already)
    return row


@router.post("/events/{code}/bundles")
async def upload_bundles(page: deps.Managing, files: list[UploadFile]) -> Response:
    console, event, user = page.console, page.event, page.user
    incoming = console.data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for upload in files[:MAX_FILES]:
        original = Path(upload.filename or "bundle").name
        # Our own name: nothing of the browser's file name reaches the file system.
        path = incoming / f"console-{new_id()}.kbundle"
        size = 0
        with path.open("wb") as fh:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > MAX_BUNDLE_BYTES:
                    break
                fh.write(chunk)
        if size > MAX_BUNDLE_BYTES:
            path.unlink(missing_ok=True)
            outcomes.append(
                BundleImport(
                    file_name=original,
                    outcome="rejected",
                    code="too_large",
                    reason="file too large",
                )
            )
            continue
        outcomes.append(
            await run_in_threadpool(_import_one, console, event, path, original, user.username)
        )
    await run_in_threadpool(catch_up, console.store)
    detail = {
        "files": len(outcomes),
        "accepted": sum(o.outcome == "accepted" for o in outcomes),
        "rejected": sum(o.outcome == "rejected" for o in outcomes),
    }
    await run_in_threadpool(lambda: page.audit("bundle_import", detail=detail))
    if "application/json" in page.request.headers.get("accept", ""):
        return JSONResponse(
            {
                "outcomes": [
                    {"file": o.file_name, "outcome": o.outcome, "code": o.code} for o in outcomes
                ]
            }
        )
    return await run_in_threadpool(lambda: _page(page, outcomes=outcomes))


@router.post("/events/{code}/bundles/reimport")
def reimport(page: deps.Managing, import_id: Annotated[str, Form(max_length=36)]) -> Response:
    console, event, user = page.console, page.event, page.user
    with console.store.uow(readonly=True) as uow:
        row = uow.session.get(BundleImport, import_id)
        stored = row.stored_name if row and row.event_id == event.id else ""
        original = row.file_name if row else ""
    quarantine = console.data_dir / "quarantine"
    source = quarantine / Path(stored).name if stored else None
    if source is not None and source.is_file():
        incoming = console.data_dir / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        copy = incoming / f"console-{new_id()}.kbundle"
        shutil.copyfile(source, copy)
        # Refused again: the original stays where it is, the copy is dropped.
        with tempfile.TemporaryDirectory(dir=console.data_dir) as scratch:
            again = _import_one(console, event, copy, original, user.username, Path(scratch))
        if again.outcome != "rejected":
            with contextlib.suppress(OSError):
                source.unlink()
            with console.store.uow() as uow:
                old = uow.session.get(BundleImport, import_id)
                if old is not None:
                    old.quarantined = False
                uow.commit()
        else:
            with console.store.uow() as uow:  # the new log line points at the kept file
                new = uow.session.get(BundleImport, again.id)
                if new is not None:
                    new.stored_name, new.quarantined = source.name, False
                uow.commit()
        catch_up(console.store)
        page.audit("bundle_reimport", target=original,
                   detail={"outcome": again.outcome, "code": again.code})  # fmt: skip
    return RedirectResponse(page.url("/bundles"), status_code=303)
