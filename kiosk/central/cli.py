"""``kiosk-central``: the organiser's side (events, rosters, packs; later bundles)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.central.cli_common import (
    add_common,
    add_event_fields,
    command,
    data_dir,
    emit,
    event_fields,
    open_store,
)
from kiosk.cliparts import run_command
from kiosk.config import private_files
from kiosk.domain.errors import KioskError, ValidationError
from kiosk.i18n import N_, _, ngettext, set_language

# Sub-command groups added by other modules (each exposes register(sub)).
EXTRA_COMMAND_MODULES: tuple[str, ...] = (
    "kiosk.central.sync_commands",
    "kiosk.central.export_commands",
    "kiosk.central.user_commands",
    "kiosk.central.console_commands",
    "kiosk.central.reviewer_commands",
)


def cmd_init(args: argparse.Namespace) -> int:
    from kiosk.central.keys import create_keys
    from kiosk.crypto import fingerprint

    folder, store = open_store(args)
    signing, _sealing, created = create_keys(folder)
    store.close()
    fp = fingerprint(bytes(signing.verify_key))
    text = (
        _("Organiser keys created. Signing key fingerprint: {fp}")
        if created
        else _("Already initialised. Signing key fingerprint: {fp}")
    ).format(fp=fp)
    emit(args, {"fingerprint": fp, "created": created, "data_dir": str(folder)}, text)
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    from kiosk.central.keys import rotate_keys
    from kiosk.crypto import fingerprint

    folder = data_dir(args)
    old, new, retired = rotate_keys(folder)
    old_fp, new_fp = fingerprint(bytes(old.verify_key)), fingerprint(bytes(new.verify_key))
    emit(
        args,
        {"fingerprint": new_fp, "old_fingerprint": old_fp, "retired": str(retired)},
        _(
            "Organiser keys rotated. New signing key fingerprint: {fp} (was {old}).\n"
            "The old keys are kept in {folder}: bundles sealed to them still import. "
            "Make new packs and set the kiosks up again with them; restart the server."
        ).format(fp=new_fp, old=old_fp, folder=retired),
    )
    return 0


def cmd_kiosk_reset_pin(args: argparse.Namespace) -> int:
    """A kiosk whose staff PIN is lost: its data's key, sealed to the organiser at set-up,
    is opened with the organiser's sealing key (current or retired) and wrapped under a
    new PIN, which also becomes the staff PIN. Nothing of the data is changed."""
    from kiosk.central.keys import load_sealing_keys
    from kiosk.config import load_settings
    from kiosk.services.pin import validate_pin
    from kiosk.services.staff import set_pin
    from kiosk.storage import Store, atrest

    validate_pin(args.pin or "")
    folder = data_dir(args)
    kiosk = load_settings(args.kiosk_dir)
    path = atrest.key_path(kiosk.keys_dir)
    error: KioskError | None = None
    for sealing in load_sealing_keys(folder):
        try:
            key = atrest.recover(path, sealing)
            break
        except atrest.KeyFileError as exc:
            error = exc
    else:
        assert error is not None
        raise error
    atrest.register(kiosk.data_dir, key)
    try:
        store = Store(kiosk.db_url, backups_dir=kiosk.backups_dir)
        try:
            set_pin(store, args.pin)
        finally:
            store.close()
        atrest.rewrap(path, key, args.pin)
    finally:
        atrest.forget(kiosk.data_dir)
    emit(
        args,
        {"kiosk_dir": str(kiosk.data_dir), "reset": True},
        _("The kiosk's staff PIN was reset; its data now opens with the new PIN."),
    )
    return 0


def cmd_event_create(args: argparse.Namespace) -> int:
    from kiosk.central.organiser import create_event

    _folder, store = open_store(args)
    event_id = create_event(store, code=args.code, **event_fields(args))
    emit(
        args,
        {"event_id": event_id, "code": args.code},
        _("Event {code} created ({id}).").format(code=args.code, id=event_id),
    )
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    from kiosk.central.organiser import MAX_ROSTER_BYTES, import_roster

    folder, store = open_store(args)
    path = Path(args.file)
    if path.stat().st_size > MAX_ROSTER_BYTES:  # refused before it is read
        raise ValidationError(
            N_("The roster file is larger than {limit} MB."),
            code="roster_too_large",
            limit=MAX_ROSTER_BYTES // (1024 * 1024),
        )
    results = import_roster(store, args.event, path.read_bytes(), folder)
    accepted = sum(r.accepted for r in results)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "line": r.line,
                        "accepted": r.accepted,
                        "external_id": r.external_id,
                        "attendee_id": r.attendee_id,
                        "error": r.code or None,
                        "reason": r.reason or None,
                    }
                    for r in results
                ],
                ensure_ascii=False,
            ),
            flush=True,
        )
    else:
        for r in results:
            if not r.accepted:
                print(
                    _("line {line}: rejected ({external_id}): {reason}").format(
                        line=r.line, external_id=r.external_id or "-", reason=r.reason
                    )
                )
        print(
            _("{accepted} rows accepted, {rejected} rejected.").format(
                accepted=accepted, rejected=len(results) - accepted
            )
        )
    return 0


def cmd_roster_tokens(args: argparse.Namespace) -> int:
    from kiosk.central.organiser import roster_tokens

    _folder, store = open_store(args)
    rows = roster_tokens(store, args.event)
    emit(
        args,
        [{"external_id": r.external_id, "name": r.name, "token": r.token} for r in rows],
        "\n".join(f"{r.external_id or '-'}\t{r.name}\t{r.token}" for r in rows),
    )
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    from kiosk.central.organiser import build_pack
    from kiosk.services.sync import write_atomically

    folder, store = open_store(args)
    built = build_pack(store, args.event, folder)
    out = Path(args.out)
    write_atomically(out, built.data)
    emit(
        args,
        {"pack": str(out), "bytes": len(built.data), "passphrase": built.passphrase},
        _(
            "Event pack written: {path}\n"
            "Pack passphrase: {passphrase} (give it to the staff apart from the stick; "
            "a kiosk needs it at set-up)"
        ).format(path=out, passphrase=built.passphrase),
    )
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from kiosk.central.organiser import revoke

    _folder, store = open_store(args)
    attendee_id = revoke(store, args.event, args.token)
    emit(
        args,
        {"revoked": attendee_id},
        _(
            "Attendee revoked: every badge of theirs is refused by kiosks set up "
            "with the next pack."
        ),
    )
    return 0


def cmd_device_approve(args: argparse.Namespace) -> int:
    from kiosk.central.devices import approve
    from kiosk.services.sync import write_atomically

    folder, store = open_store(args)
    if not (args.request or args.code):
        raise KioskError(
            N_("Give the kiosk's request file (--request) or its code (--code)."), code="usage"
        )
    approval = approve(
        store,
        folder,
        args.event,
        request_data=Path(args.request).read_bytes() if args.request else None,
        code=args.code,
        name=args.name,
        role=args.role,
    )
    out = Path(args.out or f"{approval.device_id}.kcert")
    write_atomically(out, approval.certificate)
    emit(
        args,
        {
            "device_id": approval.device_id,
            "name": approval.name,
            "role": approval.role,
            "certificate": str(out),
            "not_after": approval.not_after.isoformat(),
        },
        _(
            "Kiosk {name} approved ({device}). Certificate: {path} "
            "(give it to the kiosk: 'kiosk enrol --certificate FILE', or it fetches it "
            "at its next sync)."
        ).format(name=approval.name, device=approval.device_id, path=out),
    )
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    from kiosk.central.devices import list_devices

    _folder, store = open_store(args)
    rows = list_devices(store, args.event)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False))
        return 0
    for r in rows:
        print(f"{r.status}\t{r.name}\t{r.role}\t{r.device_id}\t{r.code or r.last_bundle_at or '-'}")
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    from kiosk.central.devices import revoke_devices

    _folder, store = open_store(args)
    done = revoke_devices(store, args.event, args.devices)
    emit(
        args,
        {"revoked": done},
        ngettext(
            "{n} kiosk revoked: its later bundles are quarantined, its earlier records stay.",
            "{n} kiosks revoked: their later bundles are quarantined, their earlier records stay.",
            len(done),
        ).format(n=len(done)),
    )
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from kiosk.central.auth import create_token

    _folder, store = open_store(args)
    issued = create_token(store, args.name)
    emit(
        args,
        {"id": issued.id, "name": issued.name, "token": issued.token},
        _("API token {name} ({id}): {token}\nIt is shown once; keep it safe.").format(
            name=issued.name, id=issued.id, token=issued.token
        ),
    )
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from kiosk.central.auth import revoke_token

    _folder, store = open_store(args)
    revoke_token(store, args.id)
    emit(args, {"revoked": args.id}, _("API token revoked."))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-central", description="Listening Kiosk: the organiser's side."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def group(name: str, help: str) -> Any:
        return sub.add_parser(name, help=help).add_subparsers(dest=f"{name}_command", required=True)

    command(sub, "init", "create the organiser's keys and the central database", cmd_init)
    keys = group("keys", "the organiser's keys")
    command(
        keys,
        "rotate",
        "replace the organiser's keys by new ones (the old ones are kept)",
        cmd_keys_rotate,
    )

    kiosk = group("kiosk", "a kiosk's data folder, in the organiser's hands")
    k = command(
        kiosk,
        "reset-pin",
        "a lost staff PIN: open the kiosk's data with the organiser's key",
        cmd_kiosk_reset_pin,
    )
    k.add_argument("kiosk_dir", metavar="KIOSK_DATA_DIR")
    k.add_argument("--pin", required=True, help="the new staff PIN, 6 to 12 digits")

    events = group("event", "events")
    # Held by the parser itself: run as ``python -m kiosk.central.cli`` this module is
    # __main__, and the modules adding commands import another copy of it.
    sub.groups = {"event": events}  # type: ignore[attr-defined]
    c = command(events, "create", "create an event with the six default themes", cmd_event_create)
    c.add_argument("--code", required=True)
    add_event_fields(c)

    roster = group("roster", "the event's invitees")
    r = command(roster, "import", "import a roster CSV", cmd_roster_import, event=True)
    r.add_argument("file", metavar="FILE.csv")
    command(roster, "tokens", "badge tokens of every invitee", cmd_roster_tokens, event=True)
    importlib.import_module("kiosk.central.badge_commands").register_roster(roster)

    p = command(sub, "pack", "write the signed event pack for the kiosks", cmd_pack, event=True)
    p.add_argument("--out", required=True, metavar="FILE.kpack")
    p = command(
        sub,
        "revoke",
        "revoke an attendee (by badge token, id or external id; next pack)",
        cmd_revoke,
        event=True,
    )
    p.add_argument("token", metavar="TOKEN|ATTENDEE")

    devices = group("device", "kiosks: approve enrolment requests, list, revoke")
    d = command(devices, "approve", "sign a kiosk's certificate", cmd_device_approve, event=True)
    d.add_argument("--request", metavar="FILE.kreq", help="the kiosk's request file")
    d.add_argument("--code", help="the code the kiosk shows (request received over HTTP)")
    d.add_argument("--name", help="station name (default: the kiosk's own)")
    d.add_argument("--role", choices=("checkin", "proposals", "both"))
    d.add_argument("--out", metavar="FILE.kcert")
    command(
        devices, "list", "pending requests, approved and revoked kiosks", cmd_device_list,
        event=True,
    )  # fmt: skip
    d = command(
        devices,
        "revoke",
        "revoke kiosks (their later bundles are quarantined)",
        cmd_device_revoke,
        event=True,
    )
    d.add_argument("devices", nargs="+", metavar="DEVICE_ID")

    tokens = group("token", "organiser API tokens")
    t = command(tokens, "create", "a new API token (shown once)", cmd_token_create)
    t.add_argument("--name", required=True)
    t = command(tokens, "revoke", "revoke an API token by its id", cmd_token_revoke)
    t.add_argument("id", metavar="TOKEN_ID")

    for name in EXTRA_COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    private_files()
    args = build_parser().parse_args(argv)
    set_language(args.ui_language)
    return run_command(args.handler, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
