"""Issue 16, filtered exports: the rows exported are exactly the rows the filter selects
(checked against a plain reading of each criterion over generated data), pseudonymised
unless contacts are asked for, the same from the CLI as from the service."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kiosk.central.cli import main
from kiosk.central.exports import ExportFilter, Pseudonyms, export, fold
from kiosk.domain.errors import ValidationError
from kiosk.domain.search import search_key
from kiosk.domain.vocab import AGE_BANDS, DEFAULT_THEMES, PROFILES, PROVINCES
from kiosk.i18n import LANGUAGES
from kiosk.storage import Store
from kiosk.storage.models import Attendee, CheckIn, Event, Proposal
from tests.conftest import central

# Each case builds an event of proposals and check-ins on SQLite (and PostgreSQL).
pytestmark = pytest.mark.slow

DEVICES = (
    "01a20707-3187-7c24-977d-8fa5b3b1e0a1",
    "01a20707-3187-7c24-977d-8fa5b3b1e0a2",
    "01a20707-3187-7c24-977d-8fa5b3b1e0a3",
)
# Arabic written with and without hamza on the alef, harakat, ta marbuta; French with
# and without accents; Tifinagh.
TEXTS = (
    (
        "\u0627\u0644\u0625\u062f\u0627\u0631\u0629 \u0627\u0644\u0631\u0642\u0645\u064a\u0629",
        "\u0645\u062f\u0631\u0633\u0629",
    ),
    (
        "\u0627\u0644\u0627\u062f\u0627\u0631\u0647",
        "\u062a\u064e\u0639\u0644\u0650\u064a\u0645 \u0631\u0642\u0645\u064a",
    ),
    ("\u00c9coles num\u00e9riques", "Des tablettes pour les \u00e9l\u00e8ves"),
    ("Ecoles rurales", "Internet dans la commune"),
    ("\u2d5c\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56\u2d5c", "\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56"),
    ("Guichet unique", '=HYPERLINK("x") dans un formulaire'),
)
START = dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)


@dataclasses.dataclass
class World:
    store: Store
    proposals: list[dict[str, Any]]
    attendees: dict[str, dict[str, Any]]
    first_check_in: dict[str, tuple[dt.datetime, str]]
    events: dict[str, str]  # id -> code


DT_EVENT = (
    "event", "create", "--code", "DT-2026", "--name", "Session", "--region",
    "Draa-Tafilalet", "--venue", "Errachidia", "--starts", "2026-11-30T08:00",
    "--ends", "2026-11-30T18:00",
)  # fmt: skip


@pytest.fixture
def world(organiser) -> World:
    organiser(*DT_EVENT)
    store = Store(f"sqlite:///{organiser.folder / 'central.db'}")
    yield build_world(store)
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_world(request, tmp_path: Path, capsys, sample_dir: Path) -> World:
    """The world on SQLite and on PostgreSQL (KIOSK_TEST_PG_URL)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("world")
        return
    pg_url = request.getfixturevalue("pg_url")

    def run(*args: str) -> str:
        return central(capsys, "--data-dir", str(tmp_path / "pg"), "--db", pg_url, *args)

    run("init")
    run(
        "event", "create", "--code", "SM-2026", "--name", "Session Souss-Massa", "--region",
        "Souss-Massa", "--venue", "Agadir", "--starts", "2026-11-23T08:00",
        "--ends", "2026-11-23T18:00",
    )  # fmt: skip
    run("roster", "import", "SM-2026", str(sample_dir / "roster.csv"))
    run(*DT_EVENT)
    store = Store(pg_url)
    yield build_world(store)
    store.close()


def build_world(store: Store) -> World:
    rng = random.Random(16)
    proposals: list[dict[str, Any]] = []
    first: dict[str, tuple[dt.datetime, str]] = {}
    with store.uow() as uow:
        s = uow.session
        events = {e.id: e.code for e in s.scalars(select(Event))}
        sm = next(i for i, c in events.items() if c == "SM-2026")
        attendees = {
            a.id: {"category": a.category, "province": a.province, "event_id": a.event_id}
            for a in s.scalars(select(Attendee))
        }
        people = sorted(attendees)
        for n in range(240):
            author = rng.choice(people) if rng.random() < 0.5 else None
            title, body = rng.choice(TEXTS)
            row = {
                "id": f"01a2{n:04d}-0000-7000-8000-000000000000",
                "event_id": sm if n % 8 else next(i for i in events if i != sm),
                "attendee_id": author,
                "device_id": rng.choice(DEVICES),
                "theme_code": rng.choice(DEFAULT_THEMES),
                "language": rng.choice(LANGUAGES),
                "title": title,
                "body": body,
                "age_band": rng.choice([*AGE_BANDS, ""]),
                "province": rng.choice([*PROVINCES, ""]),
                "profile": rng.choice([*PROFILES, ""]),
                "consent_publish": rng.random() < 0.5,
                "receipt_code": f"R{n:07d}",
                "created_at": START + dt.timedelta(minutes=rng.randrange(600)),
                "training": rng.random() < 0.1,
            }
            proposals.append(row)
            s.add(Proposal(**row))
        for n, attendee in enumerate(people[:200]):
            at = START + dt.timedelta(minutes=rng.randrange(600))
            device = rng.choice(DEVICES)
            training = n % 17 == 0
            undone = n % 13 == 0
            s.add(
                CheckIn(
                    event_id=sm, attendee_id=attendee, device_id=device, station=device[-2:],
                    at=at, method="scan", outcome="accepted", training=training,
                    undone_at=at + dt.timedelta(minutes=1) if undone else None,
                )
            )  # fmt: skip
            # A second, later scan at another door: the first one counts.
            s.add(
                CheckIn(
                    event_id=sm, attendee_id=attendee, device_id=DEVICES[0], station="x",
                    at=at + dt.timedelta(hours=1), method="scan", outcome="accepted",
                )
            )  # fmt: skip
            if not training and not undone:
                first[attendee] = (at, device)
            else:
                first[attendee] = (at + dt.timedelta(hours=1), DEVICES[0])
        uow.commit()
    proposals.sort(key=lambda p: (p["created_at"], p["id"]))
    return World(store, proposals, attendees, first, events)


def expected_proposals(w: World, flt: ExportFilter) -> list[str]:
    words = search_key(flt.text).split()
    out = []
    for p in w.proposals:
        author = w.attendees.get(p["attendee_id"] or "")
        checks = [
            flt.event is None or w.events[p["event_id"]] == flt.event,
            flt.include_training or not p["training"],
            not flt.themes or p["theme_code"] in flt.themes,
            not flt.languages or p["language"] in flt.languages,
            not flt.provinces or p["province"] in flt.provinces,
            not flt.age_bands or p["age_band"] in flt.age_bands,
            not flt.devices or p["device_id"] in flt.devices,
            not flt.categories
            or (author["category"] if author else p["profile"]) in flt.categories,
            flt.since is None or p["created_at"] >= flt.since,
            flt.until is None or p["created_at"] < flt.until,
            all(x in search_key(p["title"] + " " + p["body"]) for x in words),
        ]
        if all(checks):
            out.append(p["id"])
    return out


def expected_attendance(w: World, flt: ExportFilter) -> set[str]:
    out = set()
    for attendee_id, a in w.attendees.items():
        seen = w.first_check_in.get(attendee_id)
        by_check_in = flt.since or flt.until or flt.devices
        checks = [
            flt.event is None or w.events[a["event_id"]] == flt.event,
            not flt.provinces or a["province"] in flt.provinces,
            not flt.categories or a["category"] in flt.categories,
            not by_check_in
            or (
                seen is not None
                and (flt.since is None or seen[0] >= flt.since)
                and (flt.until is None or seen[0] < flt.until)
                and (not flt.devices or seen[1] in flt.devices)
            ),
        ]
        if all(checks):
            out.add(attendee_id)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


FILTERS = [
    ExportFilter(),
    ExportFilter(event="SM-2026"),
    ExportFilter(event="DT-2026", include_training=True),
    ExportFilter(event="SM-2026", themes=("skills", "other")),
    ExportFilter(languages=("ar",)),
    ExportFilter(provinces=("Tiznit", "Tata")),
    ExportFilter(event="SM-2026", categories=("association", "student")),
    ExportFilter(age_bands=("18_24", "undisclosed")),
    ExportFilter(devices=(DEVICES[1],)),
    ExportFilter(since=START + dt.timedelta(hours=2), until=START + dt.timedelta(hours=5)),
    # Arabic folded: bare alef and ha find the hamza and ta marbuta spellings.
    ExportFilter(text="\u0627\u0644\u0627\u062f\u0627\u0631\u0647"),
    ExportFilter(text="\u062a\u0639\u0644\u064a\u0645"),  # without the harakat
    ExportFilter(text="ecoles"),  # finds Ecoles and \u00c9coles
    ExportFilter(text="\u2d5c\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56\u2d5c"),
    ExportFilter(
        event="SM-2026",
        themes=("skills", "digital_economy", "public_services"),
        languages=("fr", "ar"),
        devices=DEVICES[:2],
        since=START + dt.timedelta(hours=1),
        text="ecoles",
    ),
    ExportFilter(
        themes=("skills",), languages=("zgh",), provinces=("Tata",), age_bands=("65_plus",)
    ),
]


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: json.dumps(f.describe())[:60])
def test_exported_rows_are_exactly_the_filtered_rows(any_world: World, tmp_path: Path, flt) -> None:
    world = any_world
    want = expected_proposals(world, flt)
    result = export(world.store, flt, "csv", tmp_path / "p.csv", with_contacts=True)
    proposals, attendance = (read_csv(f) for f in result.files)
    assert [r["id"] for r in proposals] == want
    assert {r["attendee"] for r in attendance} == expected_attendance(world, flt)
    assert result.proposals == len(want) and result.attendance == len(attendance)
    # Pseudonymised, the same rows.
    plain = export(world.store, flt, "json", tmp_path / "p.json")
    document = json.loads(plain.files[0].read_text("utf-8"))
    assert [r["id"] for r in document["proposals"]] == want
    assert len(document["attendance"]) == len(attendance)
    assert document["filter"] == flt.describe() and document["pseudonymised"] is True


def test_filters_select_something(world: World) -> None:
    """The data exercises every filter: none of them selects all rows or none."""
    everything = len(expected_proposals(world, ExportFilter(include_training=True)))
    for flt in FILTERS[1:-2]:
        assert 0 < len(expected_proposals(world, flt)) < everything, flt


def test_pseudonymised_by_default(world: World, tmp_path: Path) -> None:
    with world.store.uow(readonly=True) as uow:
        people = list(uow.session.scalars(select(Attendee)))
    secrets = {
        value
        for a in people
        for value in (a.name, a.name_latin, a.phone, a.email, a.external_id, a.id, a.organisation)
        if value
    } | {p["receipt_code"] for p in world.proposals}
    cells: list[Any] = []
    for fmt in ("csv", "json", "xlsx"):
        result = export(world.store, ExportFilter(), fmt, tmp_path / f"out.{fmt}")
        assert not result.with_contacts
        for path in result.files:
            if fmt == "csv":
                cells += [
                    v for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))) for v in row
                ]
            elif fmt == "json":
                document = json.loads(path.read_text("utf-8"))
                cells += [
                    v
                    for sheet in ("proposals", "attendance")
                    for r in document[sheet]
                    for v in r.values()
                ]
            else:
                book = load_workbook(path)
                cells += [c.value for s in book.worksheets for row in s.iter_rows() for c in row]
    leaked = {c for c in cells if isinstance(c, str)} & secrets
    assert not leaked
    # One pseudonym per attendee within an export, linking their proposals and check-in.
    result = export(world.store, ExportFilter(event="SM-2026"), "csv", tmp_path / "a.csv")
    proposals, attendance = (read_csv(f) for f in result.files)
    authors = {r["author"] for r in proposals} - {""}
    assert authors and all(a.startswith("P-") for a in authors)
    assert authors <= {r["attendee"] for r in attendance}
    again = export(world.store, ExportFilter(event="SM-2026"), "csv", tmp_path / "b.csv")
    # ... and unlinkable to the next export's.
    assert not authors & {r["author"] for r in read_csv(again.files[0])}


def test_pseudonyms_are_stable_and_distinct() -> None:
    alias = Pseudonyms()
    ids = [f"01a20707-3187-7c24-977d-{n:012d}" for n in range(2000)]
    names = [alias(i) for i in ids]
    assert names == [alias(i) for i in ids] and len(set(names)) == len(ids)
    assert alias(None) == "" and Pseudonyms()(ids[0]) != names[0]


@pytest.mark.parametrize(
    ("flt", "code"),
    [
        (ExportFilter(themes=("skils",)), "bad_filter"),
        (ExportFilter(languages=("es",)), "bad_filter"),
        (ExportFilter(age_bands=("20-30",)), "bad_filter"),
        (ExportFilter(categories=("doctor",)), "bad_filter"),
        (ExportFilter(devices=("../../etc",)), "bad_filter"),
        (ExportFilter(since=START, until=START), "bad_filter"),
        (ExportFilter(text="x" * 201), "bad_filter"),
        (ExportFilter(event="NOPE"), "unknown_event"),
    ],
)
def test_bad_filters_are_refused(world: World, tmp_path: Path, flt, code: str) -> None:
    with pytest.raises(Exception) as caught:
        export(world.store, flt, "csv", tmp_path / "x.csv")
    assert getattr(caught.value, "code", None) == code
    assert caught.value.message("ar") != caught.value.message("en")
    assert not (tmp_path / "x.csv").exists()


def test_cli_filter_options(world: World, organiser, capsys, tmp_path: Path) -> None:
    flt = ExportFilter(
        event="SM-2026",
        themes=("skills", "other", "digital_economy"),
        languages=("ar", "fr"),
        since=START + dt.timedelta(hours=1),
        until=START + dt.timedelta(hours=9),
        text="\u0627\u0644\u0627\u062f\u0627\u0631\u0647",
    )
    out = tmp_path / "cli.csv"
    printed = organiser(
        "export", "SM-2026", "--format", "csv", "--out", str(out),
        "--theme", "skills,other", "--theme", "digital_economy", "--language", "ar,fr",
        "--since", "2026-11-23T09:00", "--until", "2026-11-23T17:00+00:00",
        "--search", flt.text, "--json",
    )  # fmt: skip
    summary = json.loads(printed)
    want = expected_proposals(world, flt)
    assert want and summary["proposals"] == len(want) and summary["with_contacts"] is False
    assert [r["id"] for r in read_csv(out)] == want
    rows = read_csv(out)
    assert "receipt_code" not in rows[0] and "name" not in read_csv(Path(summary["files"][1]))[0]
    # With contacts: the same rows, names and receipt codes in.
    organiser("export", "SM-2026", "--format", "csv", "--out", str(out), "--with-contacts",
              "--theme", "skills,other,digital_economy", "--language", "ar,fr",
              "--since", "2026-11-23T09:00", "--until", "2026-11-23T17:00",
              "--search", flt.text)  # fmt: skip
    rows = read_csv(out)
    assert [r["id"] for r in rows] == want and rows[0]["receipt_code"]
    # Every event.
    text = organiser(
        "export", "--all-events", "--format", "json", "--out", str(tmp_path / "a.json")
    )
    document = json.loads((tmp_path / "a.json").read_text("utf-8"))
    assert {r["event"] for r in document["proposals"]} == {"SM-2026", "DT-2026"}
    assert str(tmp_path / "a.json") in text

    folder = str(organiser.folder)
    base = ["--data-dir", folder, "export", "--format", "csv", "--out", str(tmp_path / "z.csv")]
    for extra in (
        ["SM-2026", "--theme", "skils"],
        ["SM-2026", "--since", "yesterday"],
        ["SM-2026", "--all-events"],
        [],
        ["SM-2026", "--device", "not-a-device"],
    ):
        assert main([*base, *extra]) == 2, extra
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err, err
    assert not (tmp_path / "z.csv").exists()
    assert central(capsys, *base, "SM-2026", "--category", "association,citizen")


def test_event_filter_keeps_other_events_out(world: World, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        # A theme the event does not have (DT-2026 has the six default ones too, so use
        # one no event has).
        export(
            world.store,
            ExportFilter(event="DT-2026", themes=("tourism",)),
            "csv",
            tmp_path / "t.csv",
        )
    result = export(world.store, ExportFilter(event="DT-2026"), "csv", tmp_path / "t.csv")
    proposals, attendance = (read_csv(f) for f in result.files)
    assert proposals and {r["event"] for r in proposals} == {"DT-2026"} and attendance == []


def test_fold_is_the_name_search_key() -> None:
    """The export's fast fold gives what kiosk.domain.search.search_key gives."""
    rng = random.Random(7)
    alphabet = (
        [chr(c) for c in range(0x20, 0x250)]
        + [chr(c) for c in range(0x600, 0x700)]
        + [chr(c) for c in range(0x2D30, 0x2D80)]
        + ["\u0301", "\u20dd", "\u0640", "\ufb50", "\u1e9e", " ", "\n", "\u00a0"]
    )
    samples = [t + " " + b for t, b in TEXTS]
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(60))) for _ in range(3000)
    ]
    for text in samples:
        assert fold(text) == search_key(text), repr(text)


def test_cli_review_state_filter_is_the_pages(world: World, organiser, tmp_path: Path) -> None:
    """``export --review-state`` holds exactly the proposals the proposals page lists for
    that state (its ProposalFilter), and ``--hidden`` the page's moderation criterion."""
    from kiosk.central.review import ProposalFilter, filtered_ids, update_review

    sm = [p["id"] for p in world.proposals if world.events[p["event_id"]] == "SM-2026"]
    sm = [i for i, p in zip(sm, world.proposals, strict=False) if not p["training"]]
    for n, proposal_id in enumerate(sm[:40]):
        update_review(world.store, proposal_id, by=None, state="accepted" if n % 2 else "rejected")
    update_review(world.store, sm[1], by=None, hide="a name in the text")
    out = tmp_path / "accepted.csv"
    printed = organiser("export", "SM-2026", "--format", "csv", "--out", str(out),
                        "--review-state", "accepted", "--json")  # fmt: skip
    want = filtered_ids(
        world.store, ProposalFilter(event="SM-2026", state="accepted", hidden="all")
    )
    assert len(want) == 20 and json.loads(printed)["proposals"] == 20
    assert [r["id"] for r in read_csv(out)] == want
    organiser("export", "SM-2026", "--format", "csv", "--out", str(out),
              "--review-state", "accepted", "--hidden", "visible")  # fmt: skip
    assert [r["id"] for r in read_csv(out)] == [i for i in want if i != sm[1]]
    folder = str(organiser.folder)
    bad = ["--data-dir", folder, "export", "SM-2026", "--format", "csv", "--out", str(out)]
    with pytest.raises(SystemExit) as caught:  # argparse: one usage line, status 2
        main([*bad, "--review-state", "approved"])
    assert caught.value.code == 2
