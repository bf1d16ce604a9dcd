"""``kiosk propose``: submit proposals from the command line or a JSONL file."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kiosk.commands.common import command, emit, emit_error, open_store
from kiosk.domain.errors import KioskError, StorageFull, ValidationError
from kiosk.domain.proposal import ProposalDraft
from kiosk.i18n import N_
from kiosk.services.proposals import submit_proposal

FIELDS = ("theme", "language", "title", "body")


def register(sub: Any) -> None:

    p = command(
        sub, "propose", help="submit a proposal (or many, --from FILE.jsonl)", handler=cmd_propose
    )
    p.add_argument("--theme")
    p.add_argument("--language", dest="proposal_language", metavar="LANG")
    p.add_argument("--title")
    p.add_argument("--body")
    p.add_argument("--consent", action="store_true", help="author consents to publication")
    p.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE.jsonl",
        help="one JSON object a line: theme, language, title, body",
    )


def draft_from_object(obj: Any) -> ProposalDraft:
    if not isinstance(obj, dict):
        raise ValidationError(N_("Each line must be a JSON object."), code="not_an_object")
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        raise ValidationError(
            N_("Missing field(s): {fields}."), code="missing_field", fields=", ".join(missing)
        )
    for field in ("theme", "language"):
        if not isinstance(obj[field], str):
            raise ValidationError(
                N_("The field {field} must be text."), code="not_text", field=field
            )
    return ProposalDraft(
        theme=obj["theme"],
        language=obj["language"],
        title=obj["title"],
        body=obj["body"],
        consent_publish=obj.get("consent_publish") is True,
    )


def cmd_propose(args: argparse.Namespace) -> int:

    settings, store = open_store(args)

    def submit(draft: ProposalDraft, line: int | None) -> bool:
        try:
            receipt = submit_proposal(store, draft, settings.limits)
        except ValidationError as exc:
            emit_error(args, exc, **({"line": line} if line is not None else {}))
            return False
        except StorageFull as exc:
            # Every following line would fail the same way: say where it stopped.
            emit_error(args, exc, **({"line": line} if line is not None else {}))
            raise SystemExit(3) from exc
        data: dict[str, object] = {"id": receipt.id, "receipt_code": receipt.receipt_code}
        if line is not None:
            data = {"line": line, **data}
        emit(args, data, f"{receipt.id} {receipt.receipt_code}")
        return True

    if args.from_file:
        failures = 0
        with open(args.from_file, "rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]  # a UTF-8 byte order mark, as some editors write
                try:
                    draft = draft_from_object(json.loads(raw.decode("utf-8")))
                except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
                    bad = (
                        ValidationError(N_("The line is not valid UTF-8."), code="invalid_utf8")
                        if isinstance(exc, UnicodeDecodeError)
                        else ValidationError(N_("The line is not valid JSON."), code="invalid_json")
                    )
                    emit_error(args, bad, line=number)
                    failures += 1
                    continue
                except KioskError as exc:
                    emit_error(args, exc, line=number)
                    failures += 1
                    continue
                if not submit(draft, number):
                    failures += 1
        return 1 if failures else 0

    missing = [
        f
        for f, v in (
            ("--theme", args.theme),
            ("--language", args.proposal_language),
            ("--title", args.title),
            ("--body", args.body),
        )
        if v is None
    ]
    if missing:
        raise KioskError(
            N_("Missing option(s): {options} (or use --from FILE.jsonl)."),
            code="usage",
            options=", ".join(missing),
        )
    ok = submit(
        ProposalDraft(
            theme=args.theme,
            language=args.proposal_language,
            title=args.title,
            body=args.body,
            consent_publish=args.consent,
        ),
        None,
    )
    return 0 if ok else 1
