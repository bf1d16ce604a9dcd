"""``kiosk-central export`` (filtered, pseudonymised unless --with-contacts) and
``kiosk-central decidim-map`` (the Decidim platform's map, set once)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from kiosk.central.cli_common import command, data_dir, open_store, parse_time
from kiosk.domain.errors import KioskError
from kiosk.i18n import N_, _, ngettext


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def register(sub: Any) -> None:
    from kiosk.central.decidim import CSV_SEPARATORS, DEFAULT_CSV_SEPARATOR
    from kiosk.central.exports import FORMATS
    from kiosk.central.models import REVIEW_STATES

    p = command(
        sub,
        "export",
        "proposals and attendance for spreadsheets or Decidim "
        "(filtered; pseudonymised unless --with-contacts)",
        cmd_export,
    )
    p.add_argument("event", metavar="EVENT", nargs="?", help="event code")
    p.add_argument("--all-events", action="store_true", help="every event (no EVENT)")
    p.add_argument("--format", choices=FORMATS, required=True, help="decidim = decidim-csv")
    p.add_argument("--out", required=True, metavar="FILE")
    f = p.add_argument_group("filter (each option takes a comma-separated list, or repeats)")
    for name, metavar in (
        ("--theme", "CODE"),
        ("--language", "LANG"),
        ("--province", "NAME"),
        ("--category", "CODE"),
        ("--age-band", "BAND"),
        ("--device", "DEVICE_ID"),
    ):
        f.add_argument(name, type=_words, action="extend", default=[], metavar=metavar)
    f.add_argument("--since", metavar="TIME", help="from (ISO 8601; UTC if no offset)")
    f.add_argument("--until", metavar="TIME", help="to, exclusive")
    f.add_argument(
        "--search", default="", metavar="TEXT", help="every word in title or body (Arabic folded)"
    )
    f.add_argument("--include-training", action="store_true")
    f.add_argument(
        "--review-state",
        choices=REVIEW_STATES,
        help="only proposals in this review state (as the proposals page filters)",
    )
    f.add_argument(
        "--hidden",
        choices=("visible", "hidden", "all"),
        default="all",
        help="moderated proposals: visible only, hidden only, or all (default %(default)s)",
    )
    p.add_argument(
        "--with-contacts",
        action="store_true",
        help="names, contacts, roster ids, receipt codes (no pseudonyms)",
    )
    d = p.add_argument_group("Decidim")
    d.add_argument(
        "--decidim-map",
        metavar="FILE.json",
        help="this map instead of the one kept by 'decidim-map'",
    )
    d.add_argument(
        "--decidim-locales",
        type=_words,
        metavar="LIST",
        help="the organisation's locales, default first (default: the map's; ar,fr,en)",
    )
    d.add_argument(
        "--csv-separator",
        choices=CSV_SEPARATORS,
        default=DEFAULT_CSV_SEPARATOR,
        help="the platform's default_csv_col_sep (default %(default)s)",
    )

    p = command(sub, "decidim-map", "check and keep the Decidim platform's map", cmd_decidim_map)
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--check", action="store_true", help="check only, keep nothing")


def cmd_export(args: argparse.Namespace) -> int:
    from kiosk.central import decidim
    from kiosk.central.exports import ExportFilter, export
    from kiosk.central.review import ProposalFilter, filtered_ids

    if bool(args.event) == bool(args.all_events):
        raise KioskError(N_("Give an event code or --all-events."), code="usage")
    # The review state and moderation are the console's criteria: the proposals page's
    # own filter object picks the proposals they leave, as the page's export does.
    review = ProposalFilter(
        event=args.event or "", state=args.review_state or "", hidden=args.hidden
    )
    flt = ExportFilter(
        event=None if args.all_events else args.event,
        themes=tuple(args.theme),
        languages=tuple(args.language),
        provinces=tuple(args.province),
        categories=tuple(args.category),
        age_bands=tuple(args.age_band),
        since=parse_time(args.since) if args.since else None,
        until=parse_time(args.until) if args.until else None,
        devices=tuple(args.device),
        text=args.search,
        include_training=args.include_training,
    )
    folder, store = open_store(args)
    if review.state or review.hidden != "all":
        flt = dataclasses.replace(flt, proposal_ids=frozenset(filtered_ids(store, review)))
    platform = None
    if args.format.startswith("decidim"):
        if args.decidim_map:
            platform = decidim.load_map(Path(args.decidim_map))
        else:
            platform = decidim.installed_map(folder)
        platform = (platform or decidim.DecidimMap()).with_locales(args.decidim_locales)
    result = export(
        store,
        flt,
        args.format,
        Path(args.out),
        with_contacts=args.with_contacts,
        platform=platform,
        csv_separator=args.csv_separator,
    )
    store.close()
    if args.json:
        print(
            json.dumps(
                {
                    "files": [str(f) for f in result.files],
                    "format": result.format,
                    "proposals": result.proposals,
                    "attendance": result.attendance,
                    "with_contacts": result.with_contacts,
                    "filter": flt.describe(),
                },
                ensure_ascii=False,
            )
        )
        return 0
    for path in result.files:
        print(_("Written: {path}").format(path=path))
    print(
        ngettext("{n} proposal exported.", "{n} proposals exported.", result.proposals).format(
            n=result.proposals
        )
    )
    if result.attendance is not None:
        print(
            ngettext("{n} attendee exported.", "{n} attendees exported.", result.attendance).format(
                n=result.attendance
            )
        )
    if platform is not None and not platform.mapped:
        print(
            _(
                "No Decidim map: the proposals go without taxonomies or scope "
                "(see kiosk-central decidim-map)."
            )
        )
    return 0


def cmd_decidim_map(args: argparse.Namespace) -> int:
    from kiosk.central import decidim

    path = Path(args.file)
    data = decidim.read_map_file(path)
    if args.check:
        checked = decidim.parse_map(data, str(path))
    else:
        checked = decidim.install_map(data_dir(args), data, str(path))
    summary = {
        "locales": list(checked.locales),
        "themes": {code: list(ids) for code, ids in checked.themes.items()},
        "regions": len(checked.regions),
        "kept": not args.check,
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    print(
        (_("The Decidim map is valid.") if args.check else _("Decidim map kept."))
        + " "
        + _("Locales: {locales}.").format(locales=", ".join(checked.locales))
    )
    print(
        ngettext("{n} theme mapped.", "{n} themes mapped.", len(checked.themes)).format(
            n=len(checked.themes)
        )
    )
    print(
        ngettext("{n} region mapped.", "{n} regions mapped.", len(checked.regions)).format(
            n=len(checked.regions)
        )
    )
    return 0
