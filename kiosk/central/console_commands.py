"""The console's operations on the command line (the same services as its pages):
``kiosk-central event update|theme``, ``proposals list|show|review`` and ``audit``."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.central.cli_common import add_event_fields, command, emit, event_fields, open_store
from kiosk.i18n import LANGUAGES, _, ngettext


def register(sub: Any) -> None:
    from kiosk.central.models import REVIEW_STATES

    event = sub.groups["event"]  # the 'event' group, made by kiosk.central.cli
    u = command(
        event, "update", "change an event's name, place, times, languages", cmd_event_update
    )
    u.add_argument("code", metavar="EVENT")
    add_event_fields(u)
    t = command(event, "theme", "set a theme's titles (adds the theme if new)", cmd_event_theme)
    t.add_argument("code", metavar="EVENT")
    t.add_argument("theme", metavar="THEME")
    for lang in LANGUAGES:
        t.add_argument(f"--{lang}", default="", metavar="TITLE", help=f"title in {lang}")

    p = sub.add_parser("proposals", help="read, filter, moderate and answer proposals")
    psub = p.add_subparsers(dest="proposals_command", required=True)
    lst = command(
        psub, "list", "proposals matching filters (as the console's page)", cmd_list, event=True
    )
    for name in ("theme", "language", "province", "category", "age_band", "date_from",
                 "date_to", "device", "state", "q", "assignee"):  # fmt: skip
        lst.add_argument(f"--{name.replace('_', '-')}", dest=name, default="")
    lst.add_argument("--hidden", choices=("visible", "hidden", "all"), default="visible")
    lst.add_argument("--page", type=int, default=1)
    r = command(
        psub, "review", "change a proposal's review (journaled in the audit log)", cmd_review
    )
    r.add_argument("proposal", metavar="PROPOSAL_ID")
    r.add_argument("--state", choices=REVIEW_STATES)
    r.add_argument("--hide", metavar="REASON")
    r.add_argument("--restore", action="store_true")
    r.add_argument("--personal-data", choices=("yes", "no"))
    r.add_argument("--note")
    r.add_argument("--assign", metavar="WHO")
    r.add_argument("--answer")
    r.add_argument("--publish", action="store_true")
    r.add_argument("--unpublish", action="store_true")

    a = command(sub, "audit", "the audit log, newest first", cmd_audit)
    a.add_argument("--action", default="")
    a.add_argument("--limit", type=int, default=100)


def cmd_event_update(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import audit
    from kiosk.central.organiser import update_event

    _folder, store = open_store(args)
    update_event(store, args.code, **event_fields(args))
    audit(store, None, "event_edit", event_code=args.code)
    emit(args, {"event": args.code}, _("Event {code} updated.").format(code=args.code))
    return 0


def cmd_event_theme(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import audit
    from kiosk.central.organiser import save_themes

    _folder, store = open_store(args)
    names = {lang: getattr(args, lang) for lang in LANGUAGES}
    count = save_themes(store, args.code, [{"code": args.theme, "names": names}])
    audit(store, None, "event_edit", event_code=args.code, target=args.theme)
    emit(
        args,
        {"event": args.code, "theme": args.theme, "themes": count},
        ngettext("The event has {n} theme.", "The event has {n} themes.", count).format(n=count),
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.central.review import ProposalFilter, list_proposals

    _folder, store = open_store(args)
    f = ProposalFilter.from_params({**vars(args), "event": args.event})
    page = list_proposals(store, f, page=args.page)
    if args.json:
        print(
            json.dumps(
                {
                    "total": page.total,
                    "page": page.page,
                    "pages": page.pages,
                    "proposals": [
                        {**r.__dict__, "created_at": r.created_at.isoformat()} for r in page.rows
                    ],
                },
                ensure_ascii=False,
            )
        )
        return 0
    for r in page.rows:
        print(f"{r.id}\t{r.created_at:%Y-%m-%d %H:%M}\t{r.language}\t{r.state}\t{r.title}")
    print(
        ngettext("{n} proposal", "{n} proposals", page.total).format(n=page.total)
        + f" ({page.page}/{page.pages})"
    )
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from kiosk.central.review import update_review

    _folder, store = open_store(args)
    row = update_review(
        store,
        args.proposal,
        by=None,
        state=args.state,
        hide=args.hide,
        restore=args.restore,
        personal_data=None if args.personal_data is None else args.personal_data == "yes",
        note=args.note,
        assignee=args.assign,
        answer=args.answer,
        publish=True if args.publish else (False if args.unpublish else None),
    )
    emit(
        args,
        {"id": row.id, "state": row.state, "hidden": row.hidden, "published": row.answer_published},
        _("Review saved."),
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from kiosk.central.accounts import audit_log

    _folder, store = open_store(args)
    rows = audit_log(store, limit=max(1, min(args.limit, 10000)), action=args.action)
    if args.json:
        print(
            json.dumps([{**r.__dict__, "at": r.at.isoformat()} for r in rows], ensure_ascii=False)
        )
        return 0
    for r in rows:
        print(f"{r.at:%Y-%m-%d %H:%M:%S}\t{r.username}\t{r.action}\t{r.event_code}\t{r.target}")
    return 0
